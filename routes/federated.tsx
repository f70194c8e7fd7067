import { withReader } from "../lib/app/viewer.ts";
import { LiveBanner } from "../islands/live_banner.tsx";
import { EntryList } from "../components/entry_list.tsx";
import { publicTimeline, type TimelineView } from "../lib/app/timelines.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const data = await publicTimeline(ctx.state.instance, ctx.url);
    await withReader(ctx.state.instance, data.view, ctx.state.viewer);
    return ctx.render(data);
  },
};

export default function FederatedPage(
  { data }: PageProps<TimelineView, AppState>,
) {
  return (
    <section aria-labelledby="federated-title">
      <Head>
        <title>Federated timeline</title>
      </Head>
      <h1 id="federated-title">Federated</h1>
      <p class="muted">
        Every post this instance holds: its own authors' and those it replicates
        from peers.
      </p>
      <LiveBanner stream="federated" />
      <EntryList
        later={data.later}
        view={data.view}
        next={data.next}
        emptyTitle="No posts yet"
      >
        <p>
          Posts appear here as people publish on this instance or on the peers
          it replicates.
        </p>
      </EntryList>
    </section>
  );
}
