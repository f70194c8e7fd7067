/**
 * The route handlers of the author and hashtag feeds, one per format.
 *
 * @module
 */
import type { AppState } from "../instance/mod.ts";
import type { RouteContext } from "../web/mod.ts";
import { authorSummary, parseAuthorParam } from "./authors.ts";
import {
  buildAuthorFeed,
  buildTagFeed,
  feedResponse,
  loadAuthorFeed,
  loadTagFeed,
} from "./feeds.ts";
import { parseTag } from "./timelines.ts";

type Format = "atom" | "json";
type Handler = { GET(ctx: RouteContext<AppState>): Promise<Response> };

/**
 * GET for `/authors/:author/feed.<format>`: the author's newest posts.
 *
 * @throws {HttpError} 400 `bad_author`, 404 `unknown_author`.
 */
export function authorFeedHandler(format: Format): Handler {
  return {
    async GET(ctx) {
      const author = parseAuthorParam(ctx.params.author);
      const { store, kv, origin, name } = ctx.state.instance;
      await authorSummary(store, author); // 404 unknown_author
      const source = await loadAuthorFeed(kv, author);
      const feed = buildAuthorFeed(author, {
        ...source,
        origin,
        instanceName: name,
      });
      return await feedResponse(ctx.req, feed, format);
    },
  };
}

/**
 * GET for `/tags/:tag/feed.<format>`: the newest posts with the tag (an
 * unknown tag is an empty feed, not an error).
 *
 * @throws {HttpError} 400 `bad_tag`.
 */
export function tagFeedHandler(format: Format): Handler {
  return {
    async GET(ctx) {
      // Normalized (NFC, lowercase) like the tag page.
      const tag = parseTag(ctx.params.tag);
      const { kv, origin, name } = ctx.state.instance;
      const source = await loadTagFeed(kv, tag);
      const feed = buildTagFeed(tag, { ...source, origin, instanceName: name });
      return await feedResponse(ctx.req, feed, format);
    },
  };
}
