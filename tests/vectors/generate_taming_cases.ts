/**
 * Builds tests/vectors/taming_eddsa.json: 12 Ed25519 edge cases (0-11) in
 * the classes of "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko,
 * SSR 2020). These are CONSTRUCTED EQUIVALENTS, not the bytes published with
 * the paper: same edge class per case number, our own keys and messages.
 *
 * Deterministic: every scalar and message comes from SHA-512 of a label, so
 * re-running gives identical bytes. Every case is checked here against
 * independent arithmetic (cofactored and cofactorless equations, strict
 * byte rule) before it is written.
 *
 * Run: deno run -A tests/vectors/generate_taming_cases.ts
 *
 * @module
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import {
  checkStrictEncoding,
  L,
  SMALL_ORDER_ENCODINGS,
} from "../../lib/crypto/strict_ed25519.ts";

type Point = ed.Point;
const { Point } = ed;
const B = Point.BASE;
const { bytesToHex: hex, hexToBytes } = ed.etc;

const le = (b: Uint8Array) => BigInt("0x" + hex(b.slice().reverse()));
const scalarBytes = (n: bigint) =>
  hexToBytes(n.toString(16).padStart(64, "0")).reverse();
const concat = (...parts: Uint8Array[]) => ed.etc.concatBytes(...parts);
const label = (s: string) => sha512(new TextEncoder().encode(s));
const scalarOf = (s: string) => le(label(s)) % L;
const mul = (p: Point, n: bigint) => p.multiply(n % L, false);
const k = (r: Uint8Array, a: Uint8Array, m: Uint8Array) =>
  le(sha512(concat(r, a, m))) % L;

// The 8 torsion points, and one of order 8 to build mixed-order points.
const TORSION = SMALL_ORDER_ENCODINGS.map((h) => Point.fromHex(h));
const T8 = TORSION[4];
// Non-canonical encodings of small-order points: y + p for y ∈ {0, 1}, and
// x = 0 with the sign bit set. All decode under lenient (ZIP-215) rules.
const NON_CANONICAL = [
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y=p: order 4
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y=p: order 4
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y=p+1: identity
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y=p+1, x=0 signed
  "0100000000000000000000000000000000000000000000000000000000000080", // identity, x=0 signed
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 2, x=0 signed
];

/** Cofactorless and cofactored equations, lenient decoding, given hash. */
function equations(a: Uint8Array, sig: Uint8Array, kk: bigint) {
  const A = Point.fromBytes(a, true);
  const R = Point.fromBytes(sig.subarray(0, 32), true);
  const S = le(sig.subarray(32)) % L; // the equation itself, S reduced
  const diff = mul(B, S).subtract(R).subtract(mul(A, kk));
  return { cofactorless: diff.is0(), cofactored: diff.clearCofactor().is0() };
}

interface Case {
  id: number;
  message: string;
  pub_key: string;
  signature: string;
  description: string;
  expected: boolean;
  reason: string;
  why: string;
  properties: {
    hash_input: "given_bytes" | "canonical_reencoding";
    cofactorless: boolean;
    cofactored: boolean;
  };
}
const cases: Case[] = [];

/**
 * Tries labelled messages until `build` returns a case. `build` gets the
 * message and attempt index and returns undefined to try the next one.
 */
function search(
  id: number,
  build: (m: Uint8Array, i: number) =>
    | { a: Uint8Array; sig: Uint8Array; hashed?: "canonical_reencoding" }
    | undefined,
  meta: Pick<Case, "description" | "expected" | "reason" | "why">,
  want: { cofactorless: boolean; cofactored: boolean },
) {
  for (let i = 0; i < 10_000; i++) {
    const m = label(`kith taming case ${id} message ${i}`).subarray(0, 32);
    const built = build(m, i);
    if (!built) continue;
    const { a, sig } = built;
    const hashInput = built.hashed ?? "given_bytes";
    const kk = hashInput === "given_bytes" ? k(sig.subarray(0, 32), a, m) : k(
      Point.fromBytes(sig.subarray(0, 32), true).toBytes(),
      Point.fromBytes(a, true).toBytes(),
      m,
    );
    const eq = equations(a, sig, kk);
    if (eq.cofactorless !== want.cofactorless) continue;
    if (eq.cofactored !== want.cofactored) continue;
    const verdict = checkStrictEncoding(a, sig);
    const reason = verdict.ok ? "ok" : verdict.reason;
    const strictOk = verdict.ok && eq.cofactorless &&
      hashInput === "given_bytes";
    if (reason !== meta.reason && !(meta.reason === "equation" && verdict.ok)) {
      throw new Error(`case ${id}: strict reason ${reason} != ${meta.reason}`);
    }
    if (strictOk !== meta.expected) throw new Error(`case ${id}: verdict`);
    cases.push({
      id,
      message: hex(m),
      pub_key: hex(a),
      signature: hex(sig),
      ...meta,
      properties: { hash_input: hashInput, ...eq },
    });
    return;
  }
  throw new Error(`case ${id}: no candidate found`);
}

const sigOf = (r: Uint8Array, s: bigint) => concat(r, scalarBytes(s));
const aMixed = scalarOf("kith mixed-order key");
const A_MIXED = mul(B, aMixed).add(T8).toBytes();
const aHonest = scalarOf("kith honest key");
const A_HONEST = mul(B, aHonest).toBytes();
const pick = <T>(list: T[], i: number) => list[i % list.length];
// A torsion point other than the identity, so "mixed-order" really is.
const torsion = (i: number) => TORSION[1 + (i % 7)];

// 0: S = 0, small-order A, small-order R. 0 = R + [k]A holds.
search(0, (m, i) => {
  const r = pick(TORSION, i).toBytes();
  const a = T8.toBytes();
  if (!pick(TORSION, i).add(T8.multiply(k(r, a, m), false)).is0()) return;
  return { a, sig: sigOf(r, 0n) };
}, {
  description: "S = 0, small-order A, small-order R",
  expected: false,
  reason: "small_order_key",
  why: "A has order 8: every small-order key is refused (rule 3).",
}, { cofactorless: true, cofactored: true });

// 1: 0 < S < L, small-order A, mixed-order R.
search(1, (_m, i) => {
  const r = scalarOf(`case 1 r ${i}`);
  const R = mul(B, r).add(torsion(i)).toBytes();
  return { a: T8.toBytes(), sig: sigOf(R, r) };
}, {
  description: "0 < S < L, small-order A, mixed-order R",
  expected: false,
  reason: "small_order_key",
  why: "A has order 8: every small-order key is refused (rule 3).",
}, { cofactorless: true, cofactored: true });

// 2: 0 < S < L, mixed-order A, small-order R: S = k·a, R = -[k]T8.
search(2, (m, i) => {
  const R = torsion(i).toBytes();
  return { a: A_MIXED, sig: sigOf(R, (k(R, A_MIXED, m) * aMixed) % L) };
}, {
  description: "0 < S < L, mixed-order A, small-order R",
  expected: false,
  reason: "small_order_r",
  why:
    "R has small order: Kith refuses small-order R (rule 4), although the cofactorless equation holds and plain WebCrypto accepts it.",
}, { cofactorless: true, cofactored: true });

// 3 and 4: mixed-order A and R, S = r + k·a; the torsion parts cancel or not.
const mixedR = (id: number) => (m: Uint8Array, i: number) => {
  const r = scalarOf(`case ${id} r ${i}`);
  const R = mul(B, r).add(torsion(i)).toBytes();
  return { a: A_MIXED, sig: sigOf(R, (r + k(R, A_MIXED, m) * aMixed) % L) };
};
search(3, mixedR(3), {
  description:
    "0 < S < L, mixed-order A, mixed-order R, passes cofactored and cofactorless",
  expected: true,
  reason: "ok",
  why:
    "All encodings canonical, neither A nor R small-order, and [S]B = R + [k]A holds exactly.",
}, { cofactorless: true, cofactored: true });
search(4, mixedR(4), {
  description:
    "0 < S < L, mixed-order A, mixed-order R, passes cofactored, fails cofactorless",
  expected: false,
  reason: "equation",
  why:
    "Kith checks the cofactorless equation, which fails: the torsion parts of R and [k]A do not cancel.",
}, { cofactorless: false, cofactored: true });

// 5: mixed-order A, prime-order R: [k]T8 ≠ 0 so only the cofactored check passes.
search(5, (m, i) => {
  const r = scalarOf(`case 5 r ${i}`);
  const R = mul(B, r).toBytes();
  return { a: A_MIXED, sig: sigOf(R, (r + k(R, A_MIXED, m) * aMixed) % L) };
}, {
  description:
    "0 < S < L, mixed-order A, L-order R, passes cofactored, fails cofactorless (and fails verifiers that pre-reduce 8k mod L)",
  expected: false,
  reason: "equation",
  why:
    "Cofactorless equation fails: [k]A keeps a torsion component that R lacks.",
}, { cofactorless: false, cofactored: true });

// 6: S + L < 2^253: passes verifiers that only check S's top 3 bits.
search(6, (m, i) => {
  const r = scalarOf(`case 6 r ${i}`);
  const R = mul(B, r).toBytes();
  const s = (r + k(R, A_HONEST, m) * aHonest) % L + L;
  if (s >= 2n ** 253n) return;
  return { a: A_HONEST, sig: sigOf(R, s) };
}, {
  description: "S > L (S = S' + L < 2^253), prime-order A and R",
  expected: false,
  reason: "non_canonical_s",
  why: "S ≥ L is refused (rule 1); S mod L would verify.",
}, { cofactorless: true, cofactored: true });

// 7: S ≫ L: S' + n·L with the largest n that fits 256 bits; top bits set.
search(7, (m, i) => {
  const r = scalarOf(`case 7 r ${i}`);
  const R = mul(B, r).toBytes();
  const s0 = (r + k(R, A_HONEST, m) * aHonest) % L;
  const s = s0 + ((2n ** 256n - 1n - s0) / L) * L;
  return { a: A_HONEST, sig: sigOf(R, s) };
}, {
  description: "S >> L (top bits of S set), prime-order A and R",
  expected: false,
  reason: "non_canonical_s",
  why: "S ≥ L is refused (rule 1); S mod L would verify.",
}, { cofactorless: true, cofactored: true });

// 8 and 9: non-canonical small-order R, mixed-order A, S = k·a, R = -[k]T8.
const nonCanonicalR = (hashed?: "canonical_reencoding") =>
(
  m: Uint8Array,
  i: number,
) => {
  const R = hexToBytes(pick(NON_CANONICAL, i));
  const kR = hashed ? Point.fromBytes(R, true).toBytes() : R;
  return {
    a: A_MIXED,
    sig: sigOf(R, (k(kR, A_MIXED, m) * aMixed) % L),
    hashed,
  };
};
search(8, nonCanonicalR("canonical_reencoding"), {
  description:
    "0 < S < L, mixed-order A, small-order R with a non-canonical encoding; equation holds when hashing the re-encoded (reduced) R",
  expected: false,
  reason: "non_canonical_r",
  why: "R's encoding is not canonical (rule 2).",
}, { cofactorless: true, cofactored: true });
search(9, nonCanonicalR(), {
  description:
    "0 < S < L, mixed-order A, small-order R with a non-canonical encoding; equation holds when hashing R's bytes as given",
  expected: false,
  reason: "non_canonical_r",
  why: "R's encoding is not canonical (rule 2).",
}, { cofactorless: true, cofactored: true });

// 10 and 11: non-canonical small-order A, mixed-order R, S = r.
const nonCanonicalA = (id: number, hashed?: "canonical_reencoding") =>
(
  _m: Uint8Array,
  i: number,
) => {
  const a = hexToBytes(pick(NON_CANONICAL, i));
  const r = scalarOf(`case ${id} r ${i}`);
  const R = mul(B, r).add(torsion(i)).toBytes();
  return { a, sig: sigOf(R, r), hashed };
};
search(10, nonCanonicalA(10, "canonical_reencoding"), {
  description:
    "0 < S < L, small-order A with a non-canonical encoding, mixed-order R; equation holds when hashing the re-encoded (reduced) A",
  expected: false,
  reason: "non_canonical_key",
  why: "A's encoding is not canonical (rule 2); A is also small-order.",
}, { cofactorless: true, cofactored: true });
search(11, nonCanonicalA(11), {
  description:
    "0 < S < L, small-order A with a non-canonical encoding, mixed-order R; equation holds when hashing A's bytes as given",
  expected: false,
  reason: "non_canonical_key",
  why: "A's encoding is not canonical (rule 2); A is also small-order.",
}, { cofactorless: true, cofactored: true });

const out = {
  source:
    "Constructed equivalents of the 12 edge-case classes of 'Taming the many EdDSAs' (SSR 2020); NOT the published bytes. Generated by tests/vectors/generate_taming_cases.ts.",
  rule:
    "Kith strict Ed25519: S < L; canonical A and R; A and R not small-order; cofactorless [S]B = R + [k]A with k = SHA-512(R || A || M) mod L over the bytes as given.",
  cases,
};
const path = new URL("./taming_eddsa.json", import.meta.url);
await Deno.writeTextFile(path, JSON.stringify(out, null, 2) + "\n");
console.log(`wrote ${cases.length} cases to ${path.pathname}`);
