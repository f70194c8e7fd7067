/**
 * Who may read `/metrics`. Metrics name peers and ledgers and show load,
 * so by default only this machine may scrape them: a request from a
 * loopback address that no proxy forwarded (a reverse proxy on the same
 * machine also connects from loopback, but adds X-Forwarded-For).
 *
 * @module
 */

/** `loopback` (default), `public` (anyone) or `off` (404 for all). */
export type MetricsAccess = "loopback" | "public" | "off";

/**
 * Whether a request from `remote` (the socket's address, if known) with
 * `headers` may read the metrics under `access`.
 *
 * @example
 * ```ts
 * metricsAllowed("loopback", { remote: "127.0.0.1", headers: new Headers() });
 * // true
 * ```
 */
export function metricsAllowed(
  access: MetricsAccess,
  request: { remote?: string; headers: Headers },
): boolean {
  if (access === "public") return true;
  if (access === "off") return false;
  if (request.remote === undefined || !isLoopback(request.remote)) {
    return false;
  }
  return !request.headers.has("x-forwarded-for") &&
    !request.headers.has("forwarded");
}

function isLoopback(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").toLowerCase();
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    bare === "::1" || bare === "0:0:0:0:0:0:0:1";
}
