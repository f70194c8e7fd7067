/**
 * Guards of the admin pages and API: same-origin form posts only, the
 * owner's session cookie for pages, the owner's signature for the API.
 *
 * @module
 */
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import { HttpError } from "../web/http_error.ts";
import { ADMIN_COOKIE, type AdminAuth, SESSION_MS } from "./admin.ts";

/**
 * Refuses a form post from another site: the browser's `Sec-Fetch-Site`
 * must say `same-origin`, or (older browsers) its `Origin` must be this
 * instance's. A post with neither is refused too.
 *
 * @throws {HttpError} 403 `cross_site`.
 */
export function assertSameOrigin(req: Request, origins: string[]): void {
  const site = req.headers.get("Sec-Fetch-Site");
  const origin = req.headers.get("Origin");
  const ok = site !== null
    ? site === "same-origin"
    : origin !== null && origins.includes(origin);
  if (!ok) {
    throw new HttpError(
      403,
      "Admin forms accept posts from this instance's own pages only; open the admin page here and submit it again",
      { reason: "cross_site" },
    );
  }
}

/** Whether the request carries a valid session cookie of the owner. */
export async function hasAdminSession(
  context: Context,
  admin: AdminAuth,
): Promise<boolean> {
  return await admin.verifySession(getCookie(context, ADMIN_COOKIE));
}

/**
 * Requires the owner's session cookie.
 *
 * @throws {HttpError} 403 `not_admin`.
 */
export async function assertAdminSession(
  context: Context,
  admin: AdminAuth,
): Promise<void> {
  if (!await hasAdminSession(context, admin)) {
    throw new HttpError(
      403,
      "Sign in as the owner first: open /admin/login in the browser that holds the owner's key",
      { reason: "not_admin" },
    );
  }
}

/**
 * Requires an API request signed by the owner's key (see
 * {@linkcode AdminAuth.verifyRequest}) and returns its body, which the
 * signature covers.
 *
 * @throws {HttpError} 403 `not_admin`, `bad_time`, `unclaimed`,
 * `not_owner`, `bad_signature` or `replayed`; 400 `bad_key`.
 * @example
 * ```ts
 * const body = JSON.parse(new TextDecoder().decode(await assertSignedRequest(ctx.req, admin)));
 * ```
 */
export async function assertSignedRequest(
  req: Request,
  admin: AdminAuth,
): Promise<Uint8Array> {
  const url = new URL(req.url);
  const body = new Uint8Array(await req.arrayBuffer());
  await admin.verifyRequest({
    method: req.method,
    path: url.pathname + url.search,
    headers: req.headers,
    body,
  });
  return body;
}

/** `Set-Cookie` value of a new admin session (or, with null, its removal). */
export function sessionCookie(value: string | null, secure: boolean): string {
  const attributes = [
    `${ADMIN_COOKIE}=${value ?? ""}`,
    "Path=/admin",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${value === null ? 0 : Math.floor(SESSION_MS / 1000)}`,
  ];
  if (secure) attributes.push("Secure");
  return attributes.join("; ");
}

/**
 * Whether cookies should be `Secure`: the request came over https, or the
 * instance's public origin is https (TLS ends at a proxy in front).
 */
export function secureOrigin(url: URL, origin: string): boolean {
  return url.protocol === "https:" || origin.startsWith("https:");
}
