import { secureOrigin, sessionCookie } from "../../lib/app/admin_guard.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import type { RouteContext } from "../../lib/web/mod.ts";

/** Ends the admin session (POST only; the middleware checked it). */
export const handler = {
  POST(ctx: RouteContext<AppState>): Response {
    return new Response(null, {
      status: 303,
      headers: {
        Location: "/admin/login",
        "Set-Cookie": sessionCookie(
          null,
          secureOrigin(ctx.url, ctx.state.instance.origin),
        ),
      },
    });
  },
};
