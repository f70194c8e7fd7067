import { withReader } from "../../lib/app/viewer.ts";
import { LiveBanner } from "../../islands/live_banner.tsx";
import { ThreadTree } from "../../components/thread_tree.tsx";
import { ComposeBox } from "../../islands/compose_box.tsx";
import { thread, type ThreadNode } from "../../lib/app/timelines.ts";
import type { EntriesView } from "../../lib/app/view.ts";
import { type FlagLedger, flagLedgersOf } from "../../lib/app/moderation.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import {
  Head,
  HttpError,
  type PageProps,
  type RouteContext,
} from "../../lib/web/mod.ts";

interface Data {
  focused: string;
  /** The thread's first post. */
  root: string;
  roots: ThreadNode[];
  view: EntriesView;
  /** Honoured ledgers the reader may flag the post in. */
  flagLedgers: FlagLedger[];
}

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const id = ctx.params.id;
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) {
      throw new HttpError(400, "A post id is 43 base64url characters", {
        reason: "bad_id",
      });
    }
    const { instance } = ctx.state;
    const data = {
      ...await thread(instance, id),
      flagLedgers: flagLedgersOf(instance.ledgers),
    } satisfies Data;
    await withReader(instance, data.view, ctx.state.viewer);
    return ctx.render(data);
  },
};

export default function PostPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="thread-title">
      <Head>
        <title>Thread</title>
      </Head>
      <h1 id="thread-title">Thread</h1>
      <LiveBanner stream={`thread:${data.root}`} immediate noun="reply" />
      <ThreadTree
        nodes={data.roots}
        view={data.view}
        focused={data.focused}
        flagLedgers={data.flagLedgers}
      />
      <section class="write" aria-label="Reply">
        <ComposeBox
          root={data.root}
          parent={data.focused}
          label="Write a reply"
        />
      </section>
    </section>
  );
}
