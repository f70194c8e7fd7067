/**
 * Message keys: X25519 keys derived from an author's Ed25519 identity, and
 * the per-pair wrapping keys that protect each message's content key.
 * Browser-safe: no Deno APIs.
 *
 * @module
 */
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";
import { MessageError } from "./errors.ts";

/** Domain-separation label of scheme version 1. */
export const SCHEME = "kith-dm/v1";
const SALT = new TextEncoder().encode(SCHEME);
const WRAP_INFO = new TextEncoder().encode(`${SCHEME} wrap`);

function authorBytes(author: string, role: string): Uint8Array {
  const bytes = decodeBase64Url(author, { expectedBytes: 32 });
  if (!bytes) {
    throw new MessageError(
      "bad_key",
      `Cannot use ${role} key: it is not 32 bytes of base64url`,
    );
  }
  return bytes;
}

/**
 * The X25519 public key of an author: the Montgomery form of their Ed25519
 * key (the birational map libsodium's `crypto_sign_ed25519_pk_to_curve25519`
 * uses).
 *
 * @throws {MessageError} `bad_key` when `author` is not a valid Ed25519
 * point, e.g. `Cannot use recipient key: it is not a point of Ed25519`.
 *
 * @example
 * ```ts
 * const u = encryptionKeyOf(author); // 32 bytes
 * ```
 */
export function encryptionKeyOf(author: string, role = "author"): Uint8Array {
  const bytes = authorBytes(author, role);
  try {
    return ed25519.utils.toMontgomery(bytes);
  } catch {
    throw new MessageError(
      "bad_key",
      `Cannot use ${role} key: it is not a point of Ed25519`,
    );
  }
}

/**
 * One identity's message keys: its X25519 secret (derived from the Ed25519
 * seed as in RFC 8032 key generation, so the secret scalar is shared) and a
 * cache of pair keys, so opening a thousand messages of one conversation
 * costs one X25519 per correspondent.
 *
 * @example
 * ```ts
 * const keys = new MessageKeys(identity.secretKey);
 * const box = sealMessage(keys, { to: [bob], payload: { kind: "message", text: "hi" } });
 * ```
 */
export class MessageKeys {
  /** The author key (Ed25519 public key, base64url). */
  readonly author: string;
  readonly #secret: Uint8Array;
  readonly #pairs = new Map<string, Uint8Array>();

  /**
   * Derives the keys of a 32-byte Ed25519 seed.
   *
   * @throws {MessageError} `bad_key` when the seed is not 32 bytes.
   */
  constructor(secretKey: Uint8Array) {
    if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
      throw new MessageError(
        "bad_key",
        "Cannot use secret key: it must be a 32-byte Uint8Array",
      );
    }
    this.author = encodeBase64Url(ed25519.getPublicKey(secretKey));
    this.#secret = ed25519.utils.toMontgomerySecret(secretKey);
  }

  /**
   * The key that wraps content keys from `sender` to `recipient`; this
   * identity must be one of them. HKDF-SHA256 over their X25519 shared
   * secret, salt `kith-dm/v1`, info `kith-dm/v1 wrap` ‖ sender ‖ recipient
   * (32 bytes each), so the two directions get different keys.
   *
   * @throws {MessageError} `not_a_recipient` when this identity is neither;
   * `bad_key` when the other key is unusable (not a point, small order).
   */
  wrapKey(sender: string, recipient: string): Uint8Array {
    const pair = `${sender}>${recipient}`;
    const known = this.#pairs.get(pair);
    if (known) return known;
    if (sender !== this.author && recipient !== this.author) {
      throw new MessageError(
        "not_a_recipient",
        "Cannot open message: this key is neither its sender nor a recipient",
      );
    }
    const other = sender === this.author ? recipient : sender;
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(this.#secret, encryptionKeyOf(other));
    } catch (error) {
      if (error instanceof MessageError) throw error;
      throw new MessageError(
        "bad_key",
        "Cannot use author key: X25519 with it gives no shared secret (small order)",
      );
    }
    const info = new Uint8Array(WRAP_INFO.length + 64);
    info.set(WRAP_INFO);
    info.set(authorBytes(sender, "sender"), WRAP_INFO.length);
    info.set(authorBytes(recipient, "recipient"), WRAP_INFO.length + 32);
    const key = hkdf(sha256, shared, SALT, info, 32);
    if (this.#pairs.size >= 4_096) this.#pairs.clear();
    this.#pairs.set(pair, key);
    return key;
  }
}
