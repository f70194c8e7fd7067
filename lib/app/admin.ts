/**
 * The instance's owner: one Ed25519 author key, proven by signatures,
 * never a password. An instance without an owner makes a one-time claim
 * token at each start (only its SHA-256 is stored; the token itself lives
 * in memory and is printed once); whoever signs the claim challenge with
 * the token becomes the owner. Later the owner logs in by signing a
 * single-use nonce, and API calls carry a signature of the request.
 *
 * The session cookie holds an expiry and an HMAC of the owner's key and
 * that expiry, keyed by a random server secret: it reveals nothing, ends
 * on its own, and stops working when the owner changes.
 *
 * | Key | Value |
 * | --- | --- |
 * | `["instance", "owner"]` | the owner's author key |
 * | `["instance", "claimTokenHash"]` | SHA-256 (base64url) of the claim token, until claimed |
 * | `["instance", "sessionSecret"]` | 32 random bytes keying session HMACs |
 * | `["admin", "nonce", nonce]` | expiry of a login nonce (expires in KV too) |
 * | `["admin", "seen", signature]` | a used API signature, kept past its window |
 *
 * @module
 */
import { verifyEd25519 } from "../crypto/mod.ts";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";
import { HttpError } from "../web/http_error.ts";
import {
  ADMIN_KEY_HEADER,
  ADMIN_SIGNATURE_HEADER,
  ADMIN_TIME_HEADER,
  claimMessage,
  loginMessage,
  requestMessage,
  tokenHash,
} from "./admin_messages.ts";

/** Name of the admin session cookie (Path=/admin). */
export const ADMIN_COOKIE = "kith_admin";
/** How long an admin session lasts. */
export const SESSION_MS = 12 * 60 * 60 * 1000;
/** How long a login nonce can be signed and sent back. */
export const NONCE_MS = 2 * 60 * 1000;
/** How far a signed API request's time may be from the server's clock. */
export const REQUEST_WINDOW_MS = 5 * 60 * 1000;

const OWNER = ["instance", "owner"];
const CLAIM = ["instance", "claimTokenHash"];
const SECRET = ["instance", "sessionSecret"];
/** The admin token of earlier versions: removed, nothing secret is kept. */
const LEGACY_TOKEN = ["instance", "adminToken"];
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const encoder = new TextEncoder();

/** Options of {@linkcode AdminAuth.open}. */
export interface AdminOptions {
  /** The owner's key set by the operator (`--owner`); wins over a claim. */
  owner?: string;
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number;
}

/** The owner and the admin sessions of one instance; see the module doc. */
export class AdminAuth {
  /** The claim token made at this start, while nobody owns the instance. */
  readonly claimToken: string | undefined;
  /** Whether the operator set the owner (`--owner`). */
  readonly configured: boolean;
  readonly #kv: Deno.Kv;
  readonly #key: CryptoKey;
  readonly #now: () => number;
  #owner: string | null;

  private constructor(
    kv: Deno.Kv,
    fields: {
      key: CryptoKey;
      owner: string | null;
      claimToken?: string;
      configured: boolean;
      now: () => number;
    },
  ) {
    this.#kv = kv;
    this.#key = fields.key;
    this.#owner = fields.owner;
    this.claimToken = fields.claimToken;
    this.configured = fields.configured;
    this.#now = fields.now;
  }

  /**
   * The owner of the instance whose KV is `kv`. Without one, a fresh claim
   * token replaces any earlier one (whose link is then dead).
   *
   * @throws {TypeError} When `options.owner` is not an author key.
   * @example
   * ```ts
   * const admin = await AdminAuth.open(kv, { owner: config.owner });
   * if (admin.claimToken) console.log(`Claim: ${url}/admin/claim#${admin.claimToken}`);
   * ```
   */
  static async open(
    kv: Deno.Kv,
    options: AdminOptions = {},
  ): Promise<AdminAuth> {
    const now = options.now ?? Date.now;
    const made = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    await kv.atomic().check({ key: SECRET, versionstamp: null })
      .set(SECRET, made).commit();
    const secret = (await kv.get<string>(SECRET)).value ?? made;
    const key = await crypto.subtle.importKey(
      "raw",
      new Uint8Array(decodeBase64Url(secret) ?? encoder.encode(secret)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    await kv.delete(LEGACY_TOKEN);
    if (options.owner !== undefined) {
      if (!isAuthorKey(options.owner)) {
        throw new TypeError(
          "Cannot set owner: it is not an author key (43 base64url characters)",
        );
      }
      await kv.atomic().set(OWNER, options.owner).delete(CLAIM).commit();
      return new AdminAuth(kv, {
        key,
        owner: options.owner,
        configured: true,
        now,
      });
    }
    const owner = (await kv.get<string>(OWNER)).value;
    if (owner !== null) {
      return new AdminAuth(kv, { key, owner, configured: false, now });
    }
    const claimToken = encodeBase64Url(
      crypto.getRandomValues(new Uint8Array(32)),
    );
    await kv.set(CLAIM, tokenHash(claimToken));
    return new AdminAuth(kv, {
      key,
      owner: null,
      claimToken,
      configured: false,
      now,
    });
  }

  /** The owner's author key, or null before the instance is claimed. */
  get owner(): string | null {
    return this.#owner;
  }

  /**
   * Makes the signer of a claim the owner, once: the token must be this
   * start's claim token and `signature` must sign
   * {@linkcode claimMessage} of `origin`, the token's hash and `author`.
   *
   * @throws {HttpError} 409 `already_claimed`; 403 `bad_token` (wrong,
   * used or old token); 400 `bad_key`; 403 `bad_signature`.
   * @example
   * ```ts
   * await admin.claim({ token, author, signature, origin: "https://kith.example" });
   * ```
   */
  async claim(
    fields: {
      token: string;
      author: string;
      signature: string;
      origin: string;
    },
  ): Promise<void> {
    const stored = await this.#kv.get<string>(CLAIM);
    if (this.#owner !== null || (await this.#kv.get(OWNER)).value !== null) {
      throw new HttpError(409, "This instance already has an owner", {
        reason: "already_claimed",
      });
    }
    const hash = tokenHash(fields.token);
    if (stored.value === null || stored.value !== hash) {
      throw new HttpError(
        403,
        "That claim link is not this instance's current one: use the link printed at its latest start",
        { reason: "bad_token" },
      );
    }
    const message = claimMessage(fields.origin, {
      tokenHash: hash,
      author: fields.author,
    });
    await assertSigned(fields, message);
    const result = await this.#kv.atomic()
      .check(stored)
      .check({ key: OWNER, versionstamp: null })
      .set(OWNER, fields.author)
      .delete(CLAIM)
      .commit();
    if (!result.ok) {
      throw new HttpError(409, "This instance already has an owner", {
        reason: "already_claimed",
      });
    }
    this.#owner = fields.author;
  }

  /**
   * A fresh login nonce, valid for {@linkcode NONCE_MS} and one use.
   *
   * @example
   * ```ts
   * const nonce = await admin.nonce();
   * ```
   */
  async nonce(): Promise<string> {
    const nonce = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    await this.#kv.set(["admin", "nonce", nonce], this.#now() + NONCE_MS, {
      expireIn: NONCE_MS,
    });
    return nonce;
  }

  /**
   * Checks a login: the nonce is used up first (whatever follows), then
   * `author` must be the owner and `signature` must sign
   * {@linkcode loginMessage}.
   *
   * @throws {HttpError} 403 `unclaimed`, `bad_nonce` (unknown, used or
   * expired), `not_owner`, `bad_signature`; 400 `bad_key`.
   * @example
   * ```ts
   * await admin.login({ nonce, author, signature, origin });
   * ```
   */
  async login(
    fields: {
      nonce: string;
      author: string;
      signature: string;
      origin: string;
    },
  ): Promise<void> {
    const key = ["admin", "nonce", fields.nonce.slice(0, 64)];
    const entry = await this.#kv.get<number>(key);
    const used = entry.value === null ||
      !(await this.#kv.atomic().check(entry).delete(key).commit()).ok;
    if (used || (entry.value ?? 0) <= this.#now()) {
      throw new HttpError(
        403,
        "That sign-in request has expired or was used: reload the page and sign in again",
        { reason: "bad_nonce" },
      );
    }
    this.#assertOwner(fields.author);
    await assertSigned(fields, loginMessage(fields.origin, fields));
  }

  /**
   * Checks an API request signed by the owner (see
   * {@linkcode requestMessage}): its time within ±5 minutes, the owner's
   * key, a good signature, and a signature never seen before.
   *
   * @throws {HttpError} 403 `not_admin` (headers missing), `bad_time`,
   * `unclaimed`, `not_owner`, `bad_signature`, `replayed`; 400 `bad_key`.
   * @example
   * ```ts
   * await admin.verifyRequest({ method: "POST", path: "/api/admin/instance", headers, body });
   * ```
   */
  async verifyRequest(
    request: {
      method: string;
      path: string;
      headers: Headers;
      body: Uint8Array;
    },
  ): Promise<void> {
    const author = request.headers.get(ADMIN_KEY_HEADER) ?? "";
    const time = request.headers.get(ADMIN_TIME_HEADER) ?? "";
    const signature = request.headers.get(ADMIN_SIGNATURE_HEADER) ?? "";
    if (!author || !time || !signature) {
      throw new HttpError(
        403,
        `Sign admin requests with the owner's key: send ${ADMIN_KEY_HEADER}, ${ADMIN_TIME_HEADER} and ${ADMIN_SIGNATURE_HEADER} (kith admin does this with --key)`,
        { reason: "not_admin" },
      );
    }
    const seconds = /^\d{1,12}$/.test(time) ? Number(time) : NaN;
    if (
      !(Math.abs(seconds * 1000 - this.#now()) <= REQUEST_WINDOW_MS)
    ) {
      throw new HttpError(
        403,
        `${ADMIN_TIME_HEADER} must be within 5 minutes of the instance's clock (seconds since 1970); check the clocks`,
        { reason: "bad_time" },
      );
    }
    this.#assertOwner(author);
    await assertSigned(
      { author, signature },
      requestMessage({ ...request, time: seconds }),
    );
    const seen = ["admin", "seen", signature];
    const fresh = await this.#kv.atomic()
      .check({ key: seen, versionstamp: null })
      .set(seen, true, { expireIn: 2 * REQUEST_WINDOW_MS })
      .commit();
    if (!fresh.ok) {
      throw new HttpError(
        403,
        "This signed request was already used: sign each request afresh",
        { reason: "replayed" },
      );
    }
  }

  /** A session cookie value of the owner, valid until `now + SESSION_MS`. */
  async session(): Promise<string> {
    const expires = this.#now() + SESSION_MS;
    const mac = await crypto.subtle.sign(
      "HMAC",
      this.#key,
      sessionBytes(this.#owner ?? "", expires),
    );
    return `${expires}.${encodeBase64Url(new Uint8Array(mac))}`;
  }

  /** Whether `value` is an unexpired session cookie of the current owner. */
  async verifySession(value: string | undefined): Promise<boolean> {
    const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
    if (!match || this.#owner === null) return false;
    const expires = Number(match[1]);
    if (expires <= this.#now()) return false;
    const mac = decodeBase64Url(match[2], { expectedBytes: 32 });
    if (!mac) return false;
    return await crypto.subtle.verify(
      "HMAC",
      this.#key,
      new Uint8Array(mac),
      sessionBytes(this.#owner, expires),
    );
  }

  #assertOwner(author: string): void {
    if (this.#owner === null) {
      throw new HttpError(
        403,
        "This instance has no owner yet: open the claim link printed when it starts",
        { reason: "unclaimed" },
      );
    }
    if (author !== this.#owner) {
      throw new HttpError(
        403,
        "Only the owner of this instance can do that; this key is not the owner's",
        { reason: "not_owner" },
      );
    }
  }
}

/** Whether `text` looks like an author key (43 base64url characters). */
export function isAuthorKey(text: string): boolean {
  return KEY_PATTERN.test(text) &&
    decodeBase64Url(text, { expectedBytes: 32 }) !== undefined;
}

async function assertSigned(
  fields: { author: string; signature: string },
  message: Uint8Array,
): Promise<void> {
  const key = isAuthorKey(fields.author)
    ? decodeBase64Url(fields.author, { expectedBytes: 32 })
    : undefined;
  if (!key) {
    throw new HttpError(400, "The key is not an author key", {
      reason: "bad_key",
    });
  }
  const signature = /^[A-Za-z0-9_-]{86}$/.test(fields.signature)
    ? decodeBase64Url(fields.signature, { expectedBytes: 64 })
    : undefined;
  if (!signature || !await verifyEd25519(key, message, signature)) {
    throw new HttpError(403, "The signature does not match", {
      reason: "bad_signature",
    });
  }
}

function sessionBytes(owner: string, expires: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`kith-session/v1/${owner}/${expires}`);
}
