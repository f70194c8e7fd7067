/**
 * Kith's strict Ed25519 encoding rule, as cheap byte comparisons.
 *
 * Every Kith node must accept exactly the same signatures, or the network
 * forks. RFC 8032 leaves room for verifiers to disagree ("Taming the many
 * EdDSAs", Chalkias, Garillot, Nikolaenko, SSR 2020), so Kith pins the rule:
 *
 * 1. S must be canonical: S < L.
 * 2. A (public key) and R must be canonical point encodings: y < p, and not
 *    the sign-bit-set encoding of a point with x = 0.
 * 3. A must not be a small-order point (order dividing 8).
 * 4. R must not be a small-order point either. Honest signers never produce
 *    one (R = [r]B is small-order only if r ≡ 0 mod L), so rejecting costs
 *    nothing, and it matches libsodium and ed25519-dalek's `verify_strict`
 *    (which refuse paper case 2, mixed-order A with small-order R, while
 *    plain WebCrypto accepts it). Both Kith verifiers apply it here, so
 *    they agree either way.
 * 5. Then the cofactorless equation [S]B = R + [k]A, k = SHA-512(R‖A‖M)
 *    mod L, which the verifiers in this folder check.
 *
 * This file holds rules 1-4 only. It is pure: no I/O, no clock, no Deno
 * namespace, so the server and the browser share it byte for byte.
 *
 * @module
 */

/** The field prime p = 2^255 - 19. */
export const P: bigint = 2n ** 255n - 19n;

/** The prime order of the base point, L = 2^252 + 27742317777372353535851937790883648493. */
export const L: bigint = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Length of a public key and of a point encoding, in bytes. */
export const PUBLIC_KEY_LENGTH = 32;

/** Length of a signature (R ‖ S), in bytes. */
export const SIGNATURE_LENGTH = 64;

/** Why {@linkcode checkStrictEncoding} refused a key/signature pair. */
export type StrictReason =
  | "bad_key_length"
  | "bad_signature_length"
  | "non_canonical_key"
  | "small_order_key"
  | "non_canonical_r"
  | "small_order_r"
  | "non_canonical_s";

/** Outcome of {@linkcode checkStrictEncoding}. */
export type StrictVerdict = { ok: true } | { ok: false; reason: StrictReason };

/** Why {@linkcode checkStrictPoint} refused a point encoding. */
export type PointVerdict = "ok" | "non_canonical" | "small_order";

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

/**
 * The canonical encodings of the 8 points of order dividing 8 (the torsion
 * subgroup): identity, the point of order 2, two of order 4, four of order 8.
 * Their non-canonical encodings (y + p for y ∈ {0, 1}, and the sign-bit-set
 * encodings of x = 0) are refused earlier, as non-canonical.
 */
export const SMALL_ORDER_ENCODINGS: readonly string[] = Object.freeze([
  "0100000000000000000000000000000000000000000000000000000000000000", // identity
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
  "0000000000000000000000000000000000000000000000000000000000000000", // order 4
  "0000000000000000000000000000000000000000000000000000000000000080", // order 4
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
]);

const SMALL_ORDER_BYTES = SMALL_ORDER_ENCODINGS.map(fromHex);
// p and L as 32 little-endian bytes, for byte-wise comparison.
const P_BYTES = fromHex(
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
);
const L_BYTES = fromHex(
  "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010",
);
// The y = 1 and y = p - 1 encodings: the only points with x = 0.
const Y_ONE = SMALL_ORDER_BYTES[0];
const Y_MINUS_ONE = SMALL_ORDER_BYTES[1];

/**
 * Whether the little-endian number in `bytes[offset..offset+32)`, with the
 * top bit of the last byte masked off when `mask` is set, is < `bound`.
 * Compares from the most significant byte down. Variable-time, which is fine:
 * everything compared here is public.
 */
function lessThan(
  bytes: Uint8Array,
  offset: number,
  bound: Uint8Array,
  mask: boolean,
): boolean {
  for (let i = 31; i >= 0; i--) {
    const byte = i === 31 && mask
      ? bytes[offset + i] & 0x7f
      : bytes[offset + i];
    if (byte !== bound[i]) return byte < bound[i];
  }
  return false; // equal
}

/** Whether `bytes[offset..offset+32)` equals `expected` with the sign bit ignored. */
function sameY(bytes: Uint8Array, offset: number, expected: Uint8Array) {
  for (let i = 0; i < 31; i++) {
    if (bytes[offset + i] !== expected[i]) return false;
  }
  return (bytes[offset + 31] & 0x7f) === (expected[31] & 0x7f);
}

/** Whether `bytes[offset..offset+32)` equals `expected` exactly. */
function same(bytes: Uint8Array, offset: number, expected: Uint8Array) {
  for (let i = 0; i < 32; i++) {
    if (bytes[offset + i] !== expected[i]) return false;
  }
  return true;
}

function assertBytes(value: unknown, name: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Cannot check ${name}: it is not a Uint8Array`);
  }
}

/**
 * Checks the 32-byte point encoding at `bytes[offset..offset+32)` against
 * rules 2-4: canonical (y < p, no x = 0 with the sign bit set) and not one
 * of the 8 small-order points. Does not check that the point is on the
 * curve; the verifiers' decompression does that.
 *
 * @throws {TypeError} If `bytes` is not a Uint8Array.
 * @throws {RangeError} If `bytes` has fewer than `offset + 32` bytes.
 * @example
 * ```ts
 * checkStrictPoint(new Uint8Array(32)); // "small_order" (y = 0, order 4)
 * ```
 */
export function checkStrictPoint(
  bytes: Uint8Array,
  options: { offset?: number } = {},
): PointVerdict {
  assertBytes(bytes, "point");
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`Cannot check point: offset ${offset} is invalid`);
  }
  if (bytes.length < offset + 32) {
    throw new RangeError(
      `Cannot check point: it has ${
        Math.max(0, bytes.length - offset)
      } bytes, expected 32`,
    );
  }
  // y ≥ p: a second encoding of y - p, which lenient decoders reduce.
  if (!lessThan(bytes, offset, P_BYTES, true)) return "non_canonical";
  // x = 0 has no sign, so a set sign bit there is a second encoding.
  const signed = (bytes[offset + 31] & 0x80) !== 0;
  if (
    signed &&
    (sameY(bytes, offset, Y_ONE) || sameY(bytes, offset, Y_MINUS_ONE))
  ) return "non_canonical";
  for (const encoding of SMALL_ORDER_BYTES) {
    if (same(bytes, offset, encoding)) return "small_order";
  }
  return "ok";
}

/**
 * Checks a public key and signature against Kith's strict encoding rules
 * (S < L; A and R canonical; A and R not small-order) without any curve
 * arithmetic. A pair that passes may still fail verification.
 *
 * @throws {TypeError} If an argument is not a Uint8Array. Wrong lengths are
 * not thrown: they are reported as `bad_key_length` / `bad_signature_length`.
 * @example
 * ```ts
 * const verdict = checkStrictEncoding(new Uint8Array(32), new Uint8Array(64));
 * // { ok: false, reason: "small_order_key" }
 * ```
 */
export function checkStrictEncoding(
  publicKey: Uint8Array,
  signature: Uint8Array,
): StrictVerdict {
  assertBytes(publicKey, "public key");
  assertBytes(signature, "signature");
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    return { ok: false, reason: "bad_key_length" };
  }
  if (signature.length !== SIGNATURE_LENGTH) {
    return { ok: false, reason: "bad_signature_length" };
  }
  const key = checkStrictPoint(publicKey);
  if (key === "non_canonical") {
    return { ok: false, reason: "non_canonical_key" };
  }
  if (key === "small_order") return { ok: false, reason: "small_order_key" };
  const r = checkStrictPoint(signature);
  if (r === "non_canonical") return { ok: false, reason: "non_canonical_r" };
  if (r === "small_order") return { ok: false, reason: "small_order_r" };
  // S is a full 256-bit little-endian number here; no bit is masked.
  if (!lessThan(signature, 32, L_BYTES, false)) {
    return { ok: false, reason: "non_canonical_s" };
  }
  return { ok: true };
}

/**
 * Throws unless `publicKey` could ever verify under Kith's rule as far as
 * bytes tell: 32 bytes, canonical, not small-order. Use it where a key is
 * accepted (registration, config) to fail early with a clear message; the
 * verifiers themselves never throw on bad keys, they return `false`. Does
 * not decompress the point, so a y that is not on the curve passes here and
 * fails at verification.
 *
 * @throws {TypeError} `Cannot use public key: it is not a Uint8Array`,
 * `Cannot use public key: it has 31 bytes, expected 32`,
 * `Cannot use public key: it is not a canonical point encoding`, or
 * `Cannot use public key: it is a small-order point`.
 * @example
 * ```ts
 * assertValidPublicKey(new Uint8Array(31));
 * // TypeError: Cannot use public key: it has 31 bytes, expected 32
 * ```
 */
export function assertValidPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array)) {
    throw new TypeError("Cannot use public key: it is not a Uint8Array");
  }
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new TypeError(
      `Cannot use public key: it has ${publicKey.length} bytes, expected ${PUBLIC_KEY_LENGTH}`,
    );
  }
  const verdict = checkStrictPoint(publicKey);
  if (verdict === "non_canonical") {
    throw new TypeError(
      "Cannot use public key: it is not a canonical point encoding",
    );
  }
  if (verdict === "small_order") {
    throw new TypeError("Cannot use public key: it is a small-order point");
  }
}
