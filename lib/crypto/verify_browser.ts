/**
 * Synchronous Kith signature verification in pure JavaScript, for browsers
 * (and anywhere WebCrypto Ed25519 is missing). Must give exactly the same
 * verdict as `verifyEd25519` in verify_server.ts on every input.
 *
 * Why not `ed.verify(sig, msg, key, { zip215: false })`: @noble/ed25519
 * 3.2.0's strict branch checks the COFACTORED equation [8][S]B = [8]R +
 * [8][k]A, while WebCrypto (and Kith's rule) is cofactorless. The two differ
 * for mixed-order public keys (paper cases 4 and 5), which would fork the
 * network. So this file uses noble's strict point decoding and group
 * arithmetic but checks the cofactorless equation itself.
 *
 * @module
 */
import { sha512 } from "@noble/hashes/sha2.js";
import { ed } from "./noble.ts";
import { checkStrictEncoding, L } from "./strict_ed25519.ts";

const { Point } = ed;

/** Little-endian bytes to bigint. */
function toBigIntLE(bytes: Uint8Array): bigint {
  let hex = "";
  for (let i = bytes.length - 1; i >= 0; i--) {
    hex += bytes[i].toString(16).padStart(2, "0");
  }
  return BigInt("0x" + hex);
}

function assertBytes(value: unknown, name: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Cannot verify signature: ${name} is not a Uint8Array`);
  }
}

/**
 * Verifies an Ed25519 signature under Kith's strict rule: the byte checks
 * of `checkStrictEncoding` (canonical S, A and R; A and R not small-order),
 * then the cofactorless equation [S]B = R + [k]A with k = SHA-512(R‖A‖M)
 * mod L. Any malformed key or signature, including wrong lengths and
 * points not on the curve, gives `false`.
 *
 * @throws {TypeError} If an argument is not a Uint8Array (a caller bug, not
 * bad input).
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateKeyPair();
 * const message = new TextEncoder().encode("hello");
 * verifyEd25519Sync(publicKey, message, sign(secretKey, message)); // true
 * ```
 */
export function verifyEd25519Sync(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  assertBytes(publicKey, "publicKey");
  assertBytes(message, "message");
  assertBytes(signature, "signature");
  if (!checkStrictEncoding(publicKey, signature).ok) return false;
  const rBytes = signature.subarray(0, 32);
  let a, r;
  try {
    // Strict decoding (zip215 = false) also refuses y ≥ p and x = 0 with the
    // sign bit set; those were already refused above. What is left to fail
    // here is "y is not on the curve".
    a = Point.fromBytes(publicKey, false);
    r = Point.fromBytes(rBytes, false);
  } catch {
    return false;
  }
  // S < L is guaranteed by checkStrictEncoding, so no reduction is needed.
  const s = toBigIntLE(signature.subarray(32, 64));
  const hashed = sha512(concat(rBytes, publicKey, message));
  const k = toBigIntLE(hashed) % L;
  // multiply(_, false) is the variable-time path; it accepts 0 (returning
  // the identity). Everything here is public, so variable time is fine.
  const sB = Point.BASE.multiply(s, false);
  return sB.equals(r.add(a.multiply(k, false)));
}

function concat(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}
