import {
  buildTagFeed,
  feedResponse,
  loadTagFeed,
} from "../../../lib/app/feeds.ts";
import { parseTag } from "../../../lib/app/timelines.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

/** GET: the newest posts with the tag as Atom 1.0 (docs/feeds.md). */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    // Normalized (NFC, lowercase) like the tag page; 400 bad_tag otherwise.
    const tag = parseTag(ctx.params.tag);
    const { kv, origin, name } = ctx.state.instance;
    // An unknown tag is an empty feed, not an error.
    const source = await loadTagFeed(kv, tag);
    const feed = buildTagFeed(tag, { ...source, origin, instanceName: name });
    return await feedResponse(ctx.req, feed, "atom");
  },
};
