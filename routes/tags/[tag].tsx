import { withReader } from "../../lib/app/viewer.ts";
import { LiveBanner } from "../../islands/live_banner.tsx";
import { EntryList } from "../../components/entry_list.tsx";
import { FeedLinks } from "../../components/feed_links.tsx";
import { tagTimeline, type TimelineView } from "../../lib/app/timelines.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

type Data = TimelineView & { tag: string };

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const data = await tagTimeline(
      ctx.state.instance,
      ctx.url,
      ctx.params.tag,
    ) satisfies Data;
    await withReader(ctx.state.instance, data.view, ctx.state.viewer);
    return ctx.render(data);
  },
};

export default function TagPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="tag-title">
      <Head>
        <title>#{data.tag}</title>
      </Head>
      <FeedLinks
        href={`/tags/${encodeURIComponent(data.tag)}`}
        title={`#${data.tag}`}
      />
      <h1 id="tag-title">#{data.tag}</h1>
      <LiveBanner stream={`tag:${data.tag}`} />
      <EntryList
        later={data.later}
        view={data.view}
        next={data.next}
        emptyTitle="No posts with this hashtag yet"
      >
        <p>
          Posts tagged #{data.tag} that reach this instance will appear here.
        </p>
      </EntryList>
    </section>
  );
}
