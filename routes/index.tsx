import { LiveBanner } from "../islands/live_banner.tsx";
import { EntryList } from "../components/entry_list.tsx";
import { ComposeBox } from "../islands/compose_box.tsx";
import { CopyButton } from "../islands/copy_button.tsx";
import type { PageProps, RouteContext } from "../lib/web/mod.ts";
import {
  homeTimeline,
  publicTimeline,
  type TimelineView,
} from "../lib/app/timelines.ts";
import { viewerOf } from "../lib/app/viewer.ts";
import type { AppState } from "../lib/instance/mod.ts";

type Data =
  | (TimelineView & { home: true; following: number })
  | (TimelineView & { home: false });

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const viewer = viewerOf(ctx.hono);
    const { instance } = ctx.state;
    const data: Data = viewer
      ? { home: true, ...await homeTimeline(instance, ctx.url, viewer) }
      : { home: false, ...await publicTimeline(instance, ctx.url) };
    return ctx.render(data);
  },
};

export default function Home({ state, data }: PageProps<Data, AppState>) {
  const { name, origin } = state.instance;
  if (data.home) {
    return (
      <>
        <h1 class="visually-hidden">Home</h1>
        <section class="write" aria-label="Write a post">
          <ComposeBox />
        </section>
        <section class="timeline" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Home</h2>
          <LiveBanner stream="home" />
          <EntryList
            later={data.later}
            view={data.view}
            next={data.next}
            emptyTitle={data.following === 0
              ? "Follow people to fill your home timeline"
              : "Nothing new from the people you follow"}
          >
            <p>
              Find people on the <a href="/local">local</a> or{" "}
              <a href="/federated">federated</a>{" "}
              timeline and follow them from their page; their posts and yours
              appear here.
            </p>
          </EntryList>
        </section>
      </>
    );
  }
  return (
    <>
      <section class="intro" aria-labelledby="instance-name">
        <h1 id="instance-name">{name}</h1>
        <p>
          A Kith instance: posts here are signed by their authors and shared
          with peer instances. <a href="/identity">Create your identity</a>{" "}
          to post and follow people.
        </p>
        <div class="share">
          <label for="instance-address">Address for peers</label>
          <div class="share-row">
            <input id="instance-address" type="text" readOnly value={origin} />
            <CopyButton text={origin} label="Copy address" />
          </div>
        </div>
      </section>
      <section class="timeline" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <LiveBanner stream="federated" />
        <EntryList
          later={data.later}
          view={data.view}
          next={data.next}
          emptyTitle="No posts yet"
        >
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
