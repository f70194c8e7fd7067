import { EntryList } from "../components/entry_list.tsx";
import { ComposeBox } from "../islands/compose_box.tsx";
import { CopyButton } from "../islands/copy_button.tsx";
import type { PageProps, RouteContext } from "../lib/web/mod.ts";
import { publicTimeline, type TimelineView } from "../lib/app/timelines.ts";
import type { AppState } from "../lib/instance/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    return ctx.render(await publicTimeline(ctx.state.instance, ctx.url));
  },
};

export default function Home(
  { state, data }: PageProps<TimelineView, AppState>,
) {
  const { name, origin } = state.instance;
  return (
    <>
      <section class="intro" aria-labelledby="instance-name">
        <h1 id="instance-name">{name}</h1>
        <p>
          A Kith instance: posts here are signed by their authors and shared
          with peer instances.
        </p>
        <div class="share">
          <label for="instance-address">Address for peers</label>
          <div class="share-row">
            <input id="instance-address" type="text" readOnly value={origin} />
            <CopyButton text={origin} label="Copy address" />
          </div>
        </div>
      </section>
      <section class="write" aria-label="Write a post">
        <ComposeBox />
      </section>
      <section class="timeline" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <EntryList view={data.view} next={data.next} emptyTitle="No posts yet">
          <p>
            This instance is new. Posts written here, and posts of the people
            its members follow on other instances, will appear in this timeline.
          </p>
          <p>
            To connect with another instance, give it the address above, or
            start this one with <code>KITH_PEERS</code> naming its peers.
          </p>
        </EntryList>
      </section>
    </>
  );
}
