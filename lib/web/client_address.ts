/**
 * Who a request comes from, for per-client budgets: the socket's address,
 * or behind a trusted reverse proxy the address the proxy saw. By default
 * only a proxy on this machine (a loopback peer) is trusted: anyone else
 * could write any `X-Forwarded-For` they like. IPv6
 * clients are grouped by their /64, since one host usually holds a whole
 * /64 and could otherwise rotate through fresh budgets.
 *
 * @module
 */

/** Whose `X-Forwarded-For` counts: a loopback peer's, anyone's, nobody's. */
export type TrustProxy = "loopback" | "always" | "never";

/**
 * The budget key of a client: an IPv4 address, or an IPv6 /64 as
 * `2001:db8:1:2::/64`. From a trusted proxy (`trustProxy`, default
 * `loopback`), the last address of `X-Forwarded-For` (the one the proxy
 * appended) is used instead of the socket's, when it parses.
 *
 * @example
 * ```ts
 * clientKey("2001:db8::1", new Headers()); // "2001:db8:0:0::/64"
 * clientKey("127.0.0.1", new Headers({ "X-Forwarded-For": "198.51.100.4" }));
 * // "198.51.100.4"
 * clientKey("203.0.113.9", new Headers({ "X-Forwarded-For": "198.51.100.4" }));
 * // "203.0.113.9"
 * ```
 */
export function clientKey(
  remote: string,
  headers: Headers,
  options: { trustProxy?: TrustProxy } = {},
): string {
  const own = addressKey(remote);
  const trust = options.trustProxy ?? "loopback";
  if (
    trust === "always" ||
    (trust === "loopback" && own !== null && isLoopback(own))
  ) {
    const forwarded = headers.get("x-forwarded-for")?.split(",").at(-1);
    const key = forwarded === undefined ? null : addressKey(forwarded.trim());
    if (key !== null) return key;
  }
  return own ?? remote;
}

function isLoopback(key: string): boolean {
  return key.startsWith("127.") || key === "0:0:0:0::/64";
}

/** The budget key of one address, or null when it is not an IP address. */
function addressKey(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare)) return bare;
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1];
  const groups = expandIpv6(bare);
  if (groups === null) return null;
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address (lowercase, no leading zeros). */
function expandIpv6(address: string): string[] | null {
  if (!/^[0-9a-f:]+$/i.test(address) || !address.includes(":")) return null;
  const halves = address.toLowerCase().split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 && halves[1] !== ""
    ? halves[1].split(":")
    : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array(missing).fill("0"), ...tail];
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => group.replace(/^0+(?=.)/, ""));
}
