/**
 * Kith signature verification on the server, through WebCrypto Ed25519
 * (native code in Deno). Must give exactly the same verdict as
 * `verifyEd25519Sync` in verify_browser.ts on every input.
 *
 * WebCrypto alone is not Kith's rule: it accepts small-order public keys and
 * small-order R, and implementations differ on non-canonical encodings. So
 * `checkStrictEncoding` runs first; what it lets through is exactly what the
 * cofactorless equation [S]B = R + [k]A that WebCrypto checks should judge.
 *
 * @module
 */
import { LruCache } from "./lru_cache.ts";
import { checkStrictEncoding } from "./strict_ed25519.ts";

export { assertValidPublicKey } from "./strict_ed25519.ts";

/** How many imported keys {@linkcode verifyEd25519} keeps. */
export const KEY_CACHE_CAPACITY = 4096;

// importKey costs about as much as a verification, and a feed verifies many
// entries by the same author, so imported keys are kept. Promises are cached
// so concurrent verifications with a new key import it once.
const keys = new LruCache<string, Promise<CryptoKey>>(KEY_CACHE_CAPACITY);

const HEX = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

function cacheKey(bytes: Uint8Array): string {
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]];
  return hex;
}

function importPublicKey(publicKey: Uint8Array): Promise<CryptoKey> {
  const id = cacheKey(publicKey);
  let key = keys.get(id);
  if (key === undefined) {
    // WebCrypto copies its inputs (WebCrypto §"get a copy of the buffer
    // source"), so the caller may reuse its buffer afterwards.
    key = crypto.subtle.importKey(
      "raw",
      arrayBacked(publicKey),
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    keys.set(id, key);
    // Drop a refused import so the rejection is not served from the cache.
    // (Deno imports off-curve keys without complaint; verify refuses them.)
    key.catch(() => keys.delete(id));
  }
  return key;
}

/** `bytes` as WebCrypto wants it; copies only if backed by a SharedArrayBuffer. */
function arrayBacked(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? bytes as Uint8Array<ArrayBuffer>
    : bytes.slice();
}

function assertBytes(value: unknown, name: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Cannot verify signature: ${name} is not a Uint8Array`);
  }
}

/**
 * Verifies an Ed25519 signature under Kith's strict rule: the byte checks
 * of `checkStrictEncoding` (canonical S, A and R; A and R not small-order),
 * then WebCrypto's cofactorless check [S]B = R + [k]A. Any malformed key or
 * signature, including wrong lengths and points not on the curve, gives
 * `false`.
 *
 * @throws {TypeError} If an argument is not a Uint8Array (a caller bug, not
 * bad input); the promise rejects with it.
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateKeyPair();
 * const message = new TextEncoder().encode("hello");
 * await verifyEd25519(publicKey, message, sign(secretKey, message)); // true
 * ```
 */
export async function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  assertBytes(publicKey, "publicKey");
  assertBytes(message, "message");
  assertBytes(signature, "signature");
  if (!checkStrictEncoding(publicKey, signature).ok) return false;
  try {
    const key = await importPublicKey(publicKey);
    return await crypto.subtle.verify(
      "Ed25519",
      key,
      arrayBacked(signature),
      arrayBacked(message),
    );
  } catch {
    // Import or verify refused the bytes (e.g. A not on the curve).
    return false;
  }
}
