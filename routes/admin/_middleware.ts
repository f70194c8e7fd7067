import {
  assertAdminSession,
  assertSameOrigin,
} from "../../lib/app/admin_guard.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import type { RouteContext } from "../../lib/web/mod.ts";

/** Posts that prove the owner's key themselves. */
const SIGNED_POSTS = new Set(["/admin/claim", "/admin/login"]);

/**
 * Every post under /admin comes from this instance's own pages (403
 * `cross_site` otherwise) and, but for the claim and the login (which
 * carry their own signature), from the signed-in owner (403 `not_admin`).
 * No admin page is cached.
 */
export async function handler(ctx: RouteContext<AppState>) {
  const { instance } = ctx.state;
  if (ctx.req.method !== "GET" && ctx.req.method !== "HEAD") {
    assertSameOrigin(ctx.req, [ctx.url.origin, instance.origin]);
    if (!SIGNED_POSTS.has(ctx.url.pathname)) {
      await assertAdminSession(ctx.hono, instance.admin);
    }
  }
  const response = await ctx.next();
  response.headers.set("Cache-Control", "no-store");
  return response;
}
