import { withReader } from "../lib/app/viewer.ts";
import { LiveBanner } from "../islands/live_banner.tsx";
import { EntryList } from "../components/entry_list.tsx";
import { publicTimeline, type TimelineView } from "../lib/app/timelines.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const data = await publicTimeline(ctx.state.instance, ctx.url, {
      local: true,
    });
    await withReader(ctx.state.instance, data.view, ctx.state.viewer);
    return ctx.render(data);
  },
};

export default function LocalPage(
  { data, state }: PageProps<TimelineView, AppState>,
) {
  return (
    <section aria-labelledby="local-title">
      <Head>
        <title>Local timeline</title>
      </Head>
      <h1 id="local-title">Local</h1>
      <p class="muted">
        Posts by people who publish through {state.instance.name}.
      </p>
      <LiveBanner stream="local" />
      <EntryList
        later={data.later}
        view={data.view}
        next={data.next}
        emptyTitle="Nobody has posted here yet"
      >
        <p>Posts written on this instance will appear here.</p>
      </EntryList>
    </section>
  );
}
