/**
 * Cross-site request forgery defence for every state-changing request:
 * browsers say where a request comes from in `Sec-Fetch-Site` (or, older
 * ones, `Origin`), and a request another site's page made is refused
 * before any handler runs. Clients that are not browsers send neither and
 * pass: they carry no ambient cookies to abuse.
 *
 * @module
 */
import type { Context } from "hono";
import { HttpError } from "./http_error.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether `req` may change state here: safe methods always; others unless a
 * browser marks them as coming from another site, or their `Origin` is
 * neither the request's own origin nor one of `origins`.
 *
 * @example
 * ```ts
 * isSameSiteRequest(new Request("https://a.example/x", {
 *   method: "POST",
 *   headers: { "Sec-Fetch-Site": "cross-site" },
 * }), []); // false
 * ```
 */
export function isSameSiteRequest(req: Request, origins: string[]): boolean {
  if (SAFE_METHODS.has(req.method)) return true;
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const origin = req.headers.get("origin");
  if (origin === null) return true;
  return origin === new URL(req.url).origin || origins.includes(origin);
}

/**
 * Middleware refusing cross-site state changes with 403 `cross_site`;
 * `origins` gives the instance's public origins (read per request, since
 * the listening address is known only after start).
 *
 * @example
 * ```ts
 * hono.use(csrfGuard(() => ["https://kith.example"]));
 * ```
 */
export function csrfGuard(
  origins: () => string[],
): (c: Context, next: () => Promise<void>) => Promise<void> {
  return async (c, next) => {
    if (!isSameSiteRequest(c.req.raw, origins())) {
      throw new HttpError(
        403,
        "This instance accepts changes from its own pages only; another site's page sent this request",
        { reason: "cross_site" },
      );
    }
    await next();
  };
}
