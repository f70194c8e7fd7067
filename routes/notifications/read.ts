import { markAllRead } from "../../lib/app/notifications.ts";
import { viewerOf } from "../../lib/app/viewer.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import type { RouteConfig, RouteContext } from "../../lib/web/mod.ts";

export const config: RouteConfig = { bodyLimit: 4 * 1024 };

/**
 * "Mark all as read" on the notifications page, without JavaScript: sets
 * the reader's marker (from the cookie) to the newest notification, or to
 * the form's `upTo` (the newest the page showed) when that is older, then
 * sends the browser back to the page.
 */
export const handler = {
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const reader = viewerOf(ctx.hono);
    if (reader) {
      let upTo: number | undefined;
      try {
        const raw = (await ctx.req.formData()).get("upTo");
        const parsed = typeof raw === "string" ? Number(raw) : NaN;
        if (Number.isSafeInteger(parsed) && parsed >= 0) upTo = parsed;
      } catch {
        // No form body: mark everything up to the newest.
      }
      await markAllRead(ctx.state.instance.kv, reader, upTo);
    }
    return new Response(null, {
      status: 303,
      headers: { Location: "/notifications" },
    });
  },
};
