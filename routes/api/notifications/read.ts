import {
  markRead,
  parseReadRequest,
  unreadCount,
} from "../../../lib/app/notifications.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteConfig, RouteContext } from "../../../lib/web/mod.ts";

export const config: RouteConfig = { bodyLimit: 4 * 1024 };

/**
 * `POST /api/notifications/read` with `{"author": key, "upTo": time}`: sets
 * the author's "read up to" marker to `upTo`, as given, and answers
 * `{"author", "readUpTo", "unread"}`. No authentication: notifications are
 * public data and the marker only changes what is highlighted as new.
 */
export const handler = {
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const { author, upTo } = parseReadRequest(await ctx.req.text());
    const { kv } = ctx.state.instance;
    await markRead(kv, author, upTo);
    return Response.json({
      author,
      readUpTo: upTo,
      unread: await unreadCount(kv, author),
    }, { headers: { "Cache-Control": "no-store" } });
  },
};
