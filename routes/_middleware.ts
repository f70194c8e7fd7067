import { unreadCount, unreadLabel } from "../lib/app/notifications.ts";
import { viewerOf } from "../lib/app/viewer.ts";
import type { AppState } from "../lib/instance/mod.ts";
import type { RouteContext } from "../lib/web/mod.ts";

/**
 * For pages (not the API), who is reading and their unread notification
 * count, for the header's badge.
 */
export async function handler(ctx: RouteContext<AppState>) {
  if (ctx.req.method !== "GET" || ctx.url.pathname.startsWith("/api/")) {
    return await ctx.next();
  }
  const viewer = viewerOf(ctx.hono);
  ctx.state.viewer = viewer;
  ctx.state.unread = viewer
    ? unreadLabel(await unreadCount(ctx.state.instance.kv, viewer))
    : "";
  const response = await ctx.next();
  // Pages differ by reader: no shared cache may keep one for another.
  response.headers.append("Vary", "Cookie");
  if (viewer && response.headers.get("Content-Type")?.startsWith("text/html")) {
    response.headers.set("Cache-Control", "private, no-cache");
  }
  return response;
}
