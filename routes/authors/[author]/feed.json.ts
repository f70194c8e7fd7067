import { authorSummary, parseAuthorParam } from "../../../lib/app/mod.ts";
import {
  buildAuthorFeed,
  feedResponse,
  loadAuthorFeed,
} from "../../../lib/app/feeds.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

/** GET: the author's newest posts as JSON Feed 1.1 (docs/feeds.md). */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const author = parseAuthorParam(ctx.params.author);
    const { store, kv, origin, name } = ctx.state.instance;
    await authorSummary(store, author); // 404 unknown_author
    const source = await loadAuthorFeed(kv, author);
    const feed = buildAuthorFeed(author, {
      ...source,
      origin,
      instanceName: name,
    });
    return await feedResponse(ctx.req, feed, "json");
  },
};
