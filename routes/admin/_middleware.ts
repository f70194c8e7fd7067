import {
  assertAdminSession,
  assertSameOrigin,
  hasAdminSession,
} from "../../lib/app/admin_guard.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import type { RouteContext } from "../../lib/web/mod.ts";

/** Pages and posts open to anyone: they prove the owner's key themselves. */
const OPEN = new Set(["/admin/claim", "/admin/login"]);

/**
 * Every post under /admin comes from this instance's own pages (403
 * `cross_site` otherwise) and, but for the claim and the login (which
 * carry their own signature), from the signed-in owner (403 `not_admin`).
 * Every other admin page sends a reader without the owner's session to the
 * login (to the claim while nobody owns the instance). No admin page is cached.
 */
export async function handler(ctx: RouteContext<AppState>) {
  const { instance } = ctx.state;
  const open = OPEN.has(ctx.url.pathname);
  if (ctx.req.method !== "GET" && ctx.req.method !== "HEAD") {
    assertSameOrigin(ctx.req, [ctx.url.origin, instance.origin]);
    if (!open) await assertAdminSession(ctx.hono, instance.admin);
  } else if (!open && !await hasAdminSession(ctx.hono, instance.admin)) {
    // An instance nobody owns yet is claimed, not logged in to.
    const to = instance.admin.owner === null ? "/admin/claim" : "/admin/login";
    return new Response(null, {
      status: 303,
      headers: { Location: to, "Cache-Control": "no-store" },
    });
  }
  const response = await ctx.next();
  response.headers.set("Cache-Control", "no-store");
  return response;
}
