/**
 * The instance admin: one secret token, made at first start and kept in
 * KV (or given by the operator), and the session cookie the admin pages
 * set after a login. The cookie holds an expiry and an HMAC keyed by the
 * token, never the token itself, so a leaked cookie expires and does not
 * reveal the token.
 *
 * | Key | Value |
 * | --- | --- |
 * | `["instance", "adminToken"]` | the generated token (absent when configured) |
 *
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";

/** Name of the admin session cookie (Path=/admin). */
export const ADMIN_COOKIE = "kith_admin";
/** How long an admin session lasts. */
export const SESSION_MS = 12 * 60 * 60 * 1000;

const KEY = ["instance", "adminToken"];
const encoder = new TextEncoder();

/** The admin token and sessions of one instance; see the module doc. */
export class AdminAuth {
  /** The token the admin logs in with. */
  readonly token: string;
  /** Whether the operator set the token (flag or environment). */
  readonly configured: boolean;
  readonly #key: Promise<CryptoKey>;

  private constructor(token: string, configured: boolean) {
    this.token = token;
    this.configured = configured;
    this.#key = crypto.subtle.importKey(
      "raw",
      encoder.encode(token),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  }

  /**
   * The admin of the instance whose KV is `kv`: `configured` when given,
   * else the token stored at first start (made now if there is none).
   *
   * @example
   * ```ts
   * const admin = await AdminAuth.open(kv, config.adminToken);
   * console.log(`Admin token: ${admin.token}`);
   * ```
   */
  static async open(kv: Deno.Kv, configured?: string): Promise<AdminAuth> {
    if (configured) return new AdminAuth(configured, true);
    const made = encodeBase64Url(crypto.getRandomValues(new Uint8Array(24)));
    const result = await kv.atomic().check({ key: KEY, versionstamp: null })
      .set(KEY, made).commit();
    const token = result.ok ? made : (await kv.get<string>(KEY)).value;
    return new AdminAuth(token ?? made, false);
  }

  /** Whether `given` is the token (compared in constant time). */
  async matches(given: string): Promise<boolean> {
    // HMACs of equal length compared with verify(): no early exit on a
    // differing prefix.
    const mac = await this.#mac(`token/${given}`);
    return await crypto.subtle.verify(
      "HMAC",
      await this.#key,
      mac,
      message(`token/${this.token}`),
    );
  }

  /** A session cookie value valid until `now + SESSION_MS`. */
  async session(now: number): Promise<string> {
    const expires = now + SESSION_MS;
    const mac = await this.#mac(`session/${expires}`);
    return `${expires}.${encodeBase64Url(mac)}`;
  }

  /** Whether `value` is an unexpired session cookie of this token. */
  async verifySession(
    value: string | undefined,
    now: number,
  ): Promise<boolean> {
    const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
    if (!match || Number(match[1]) <= now) return false;
    const decoded = decodeBase64Url(match[2], { expectedBytes: 32 });
    if (!decoded) return false;
    const mac = new Uint8Array(decoded);
    return await crypto.subtle.verify(
      "HMAC",
      await this.#key,
      mac,
      message(`session/${match[1]}`),
    );
  }

  async #mac(text: string): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(
      await crypto.subtle.sign("HMAC", await this.#key, message(text)),
    );
  }
}

/** The bytes an HMAC covers: domain-separated from any other use. */
function message(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`kith-admin/v1/${text}`);
}
