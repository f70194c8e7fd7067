/**
 * Kith's Ed25519: key generation, signing, and the one verification rule
 * every node must apply identically, or the network forks.
 *
 * The rule (strict RFC 8032): refuse S ≥ L; refuse non-canonical encodings
 * of A and R; refuse small-order A and small-order R; then check the
 * cofactorless equation [S]B = R + [k]A, k = SHA-512(R‖A‖M) mod L.
 *
 * - {@linkcode verifyEd25519} (server): byte checks + WebCrypto, with a
 *   bounded cache of imported keys.
 * - {@linkcode verifyEd25519Sync} (browser): byte checks + pure-JS
 *   arithmetic from @noble/ed25519.
 *
 * Both are tested to agree on Wycheproof, on the published
 * ed25519-speccheck cases and on constructed "Taming the many EdDSAs"
 * edge cases (tests/vectors/).
 *
 * @example
 * ```ts
 * import { generateKeyPair, sign, verifyEd25519 } from "./mod.ts";
 *
 * const { secretKey, publicKey } = generateKeyPair();
 * const message = new TextEncoder().encode("hello");
 * await verifyEd25519(publicKey, message, sign(secretKey, message)); // true
 * ```
 *
 * @module
 */
export {
  assertValidPublicKey,
  checkStrictEncoding,
  checkStrictPoint,
  L,
  P,
  type PointVerdict,
  PUBLIC_KEY_LENGTH,
  SIGNATURE_LENGTH,
  SMALL_ORDER_ENCODINGS,
  type StrictReason,
  type StrictVerdict,
} from "./strict_ed25519.ts";
export { KEY_CACHE_CAPACITY, verifyEd25519 } from "./verify_server.ts";
export { verifyEd25519Sync } from "./verify_browser.ts";
export {
  generateKeyPair,
  type KeyPair,
  publicKeyOf,
  SECRET_KEY_LENGTH,
  sign,
} from "./keys.ts";
