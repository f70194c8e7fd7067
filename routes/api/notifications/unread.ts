import { parseAuthorParam } from "../../../lib/app/mod.ts";
import { unreadCount } from "../../../lib/app/notifications.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

/**
 * `GET /api/notifications/unread?author=KEY` -> `{"unread": n}`: the
 * author's notifications newer than their marker, counted up to 100, where
 * 100 means "more than 99" (a badge shows "99+").
 */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const author = parseAuthorParam(ctx.url.searchParams.get("author") ?? "");
    return Response.json({
      unread: await unreadCount(ctx.state.instance.kv, author),
    }, { headers: { "Cache-Control": "no-cache" } });
  },
};
