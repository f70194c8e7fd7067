import { unreadCount, unreadLabel } from "../lib/app/notifications.ts";
import { viewerOf } from "../lib/app/viewer.ts";
import type { AppState } from "../lib/instance/mod.ts";
import type { RouteContext } from "../lib/web/mod.ts";

/**
 * For pages (not the API), who is reading and their unread notification
 * count, for the header's badge.
 */
export async function handler(ctx: RouteContext<AppState>) {
  if (ctx.req.method === "GET" && !ctx.url.pathname.startsWith("/api/")) {
    const viewer = viewerOf(ctx.hono);
    ctx.state.viewer = viewer;
    ctx.state.unread = viewer
      ? unreadLabel(await unreadCount(ctx.state.instance.kv, viewer))
      : "";
  }
  return await ctx.next();
}
