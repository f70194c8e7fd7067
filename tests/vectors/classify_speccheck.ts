/**
 * Derives Kith's verdict on the 15 published ed25519-speccheck cases and
 * builds tests/vectors/speccheck_cases.json from them.
 *
 * The cases (message, pub_key, signature) are the bytes of `cases.json` in
 * novifinancial/ed25519-speccheck at commit
 * d2b2ba588feb81f64c30f7094c05803b5e7d0066, unchanged and in order. This
 * script only adds the classification: for each case it decodes A and R
 * with @noble/ed25519's lenient (ZIP-215) decoding, decides canonicity and
 * order from first principles, compares S with L, and evaluates both the
 * cofactorless equation [S]B = R + [k]A and the cofactored one
 * [8]([S]B - R - [k]A) = 0, k = SHA-512(R ‖ A ‖ M) mod L over the bytes as
 * given. It deliberately does NOT import Kith's verifiers or
 * `checkStrictEncoding`: the verdicts are derived independently of the code
 * under test, which lib/crypto/speccheck_test.ts then checks against them.
 *
 * Deterministic. lib/crypto/speccheck_test.ts rebuilds the file in memory
 * and fails on any difference, so the classification cannot drift.
 *
 *   deno run -A tests/vectors/classify_speccheck.ts            # print table
 *   deno run -A tests/vectors/classify_speccheck.ts --write    # rewrite JSON
 *   deno run -A tests/vectors/classify_speccheck.ts --write --from=cases.json
 *
 * `--from` takes the published `cases.json` (checked against its SHA-256);
 * without it the cases are read back from speccheck_cases.json.
 *
 * @module
 */
import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";

type Point = ed.Point;
const { Point } = ed;
const B = Point.BASE;
const { bytesToHex: hex, hexToBytes } = ed.etc;

/** The field prime, written out rather than imported from the code under test. */
const P = 2n ** 255n - 19n;
/** The order of B. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Where the published cases come from. */
export const SOURCE = {
  repository: "https://github.com/novifinancial/ed25519-speccheck",
  path: "cases.json",
  commit: "d2b2ba588feb81f64c30f7094c05803b5e7d0066",
  license: "Apache-2.0 OR MIT",
  /** SHA-256 of the published file (4486 bytes, no trailing newline). */
  sha256: "392f79f2507f167b4ea262c416faad082555c2937215c90a5b8658b68d053240",
} as const;

/** One published case, exactly as in cases.json. */
export interface PublishedCase {
  message: string;
  pub_key: string;
  signature: string;
}

/** What the classifier finds out about one point encoding. */
interface PointInfo {
  /** `canonical`, or why the encoding is not (or that it does not decode). */
  encoding: "canonical" | "y >= p" | "x = 0 with sign bit set" | "off curve";
  /** Order class of the decoded point (lenient decoding). */
  order: "small" | "mixed" | "prime" | "off curve";
  /** Order of the torsion component (1, 2, 4 or 8); 0 if off curve. */
  torsion: number;
  point?: Point;
}

/** One case of speccheck_cases.json. */
export interface ClassifiedCase extends PublishedCase {
  index: number;
  class: string;
  expected: boolean;
  /** First Kith rule that refuses it (checkStrictEncoding's name), `equation`, or `ok`. */
  reason: string;
  why: string;
  properties: {
    a: string;
    r: string;
    s: "zero" | "below L" | "at least L";
    cofactorless: boolean;
    cofactored: boolean;
    /** Both equations again, with k hashed over the canonical re-encodings of R and A. */
    reencoded?: { cofactorless: boolean; cofactored: boolean };
  };
}

const le = (b: Uint8Array) => BigInt("0x" + (hex(b.slice().reverse()) || "0"));
const concat = (...parts: Uint8Array[]) => ed.etc.concatBytes(...parts);
const mul = (p: Point, n: bigint) => p.multiply(n % L, false);
const same = (a: Uint8Array, b: Uint8Array) => hex(a) === hex(b);

/** [n]Q for any n ≥ 0, by double-and-add (noble's multiply wants n < L). */
function mulAny(q: Point, n: bigint): Point {
  let acc = Point.ZERO;
  let d = q;
  for (; n > 0n; n >>= 1n) {
    if (n & 1n) acc = acc.add(d);
    d = d.double();
  }
  return acc;
}

function classifyPoint(bytes: Uint8Array): PointInfo {
  const y = le(bytes) & (2n ** 255n - 1n);
  const signed = (bytes[31] & 0x80) !== 0;
  let point: Point;
  try {
    point = Point.fromBytes(bytes, true); // lenient: accepts y ≥ p, x = 0 signed
  } catch {
    return { encoding: "off curve", order: "off curve", torsion: 0 };
  }
  const x0 = point.toAffine().x === 0n;
  const encoding = y >= P
    ? "y >= p"
    : x0 && signed
    ? "x = 0 with sign bit set"
    : "canonical";
  // Cross-check: an encoding is canonical exactly when re-encoding the
  // decoded point gives the same bytes.
  if ((encoding === "canonical") !== same(point.toBytes(), bytes)) {
    throw new Error(`canonicity disagreement on ${hex(bytes)}`);
  }
  // [L]Q is the torsion component scaled by L (a unit mod 8); its order
  // is the torsion order. [8]Q = 0 means Q itself is small.
  const torsionPart = mulAny(point, L);
  let torsion = 1;
  while (!mulAny(torsionPart, BigInt(torsion)).is0()) torsion *= 2;
  const small = mulAny(point, 8n).is0();
  const order = small ? "small" : torsion === 1 ? "prime" : "mixed";
  return { encoding, order, torsion, point };
}

function describePoint(name: string, info: PointInfo): string {
  if (info.order === "off curve") return `${name} not on the curve`;
  const order = info.order === "small"
    ? `small-order ${name} (order ${info.torsion})`
    : info.order === "mixed"
    ? `mixed-order ${name} (torsion order ${info.torsion})`
    : `prime-order ${name}`;
  return info.encoding === "canonical"
    ? order
    : `${order}, non-canonical (${info.encoding})`;
}

function equations(a: Point, r: Point, s: bigint, k: bigint) {
  const diff = mul(B, s).subtract(r).subtract(mul(a, k));
  return { cofactorless: diff.is0(), cofactored: mulAny(diff, 8n).is0() };
}

/** Classifies one published case under Kith's rule. */
export function classifyCase(c: PublishedCase, index: number): ClassifiedCase {
  const [a, m, sig] = [c.pub_key, c.message, c.signature].map(hexToBytes);
  if (a.length !== 32 || sig.length !== 64) {
    throw new Error(`case ${index}: unexpected lengths`);
  }
  const rBytes = sig.subarray(0, 32);
  const A = classifyPoint(a);
  const R = classifyPoint(rBytes);
  const s = le(sig.subarray(32));
  const sClass = s === 0n ? "zero" : s < L ? "below L" : "at least L";
  if (!A.point || !R.point) throw new Error(`case ${index}: point off curve`);
  const k = le(sha512(concat(rBytes, a, m))) % L;
  const eq = equations(A.point, R.point, s, k);
  const properties: ClassifiedCase["properties"] = {
    a: describePoint("A", A),
    r: describePoint("R", R),
    s: sClass,
    ...eq,
  };
  if (A.encoding !== "canonical" || R.encoding !== "canonical") {
    const k2 = le(sha512(concat(R.point.toBytes(), A.point.toBytes(), m))) % L;
    properties.reencoded = equations(A.point, R.point, s, k2);
  }

  // Kith's rule, every clause that refuses, in checkStrictEncoding's order.
  const refusals: [string, string][] = [];
  if (A.encoding !== "canonical") {
    refusals.push([
      "non_canonical_key",
      `A's encoding is not canonical (${A.encoding})`,
    ]);
  }
  if (A.order === "small") {
    refusals.push(["small_order_key", `A has small order ${A.torsion}`]);
  }
  if (R.encoding !== "canonical") {
    refusals.push([
      "non_canonical_r",
      `R's encoding is not canonical (${R.encoding})`,
    ]);
  }
  if (R.order === "small") {
    refusals.push(["small_order_r", `R has small order ${R.torsion}`]);
  }
  if (s >= L) refusals.push(["non_canonical_s", "S ≥ L"]);
  if (!eq.cofactorless) {
    refusals.push(["equation", "the cofactorless equation fails"]);
  }
  const expected = refusals.length === 0;
  const eqText = `cofactorless ${eq.cofactorless ? "holds" : "fails"}, ` +
    `cofactored ${eq.cofactored ? "holds" : "fails"}`;
  const sText = s === 0n
    ? "S = 0"
    : s < L
    ? "0 < S < L"
    : `S ≥ L (S mod L + ${s / L}L, ${
      s < 2n ** 253n ? "below" : "at least"
    } 2^253)`;
  const re = properties.reencoded;
  const reText = re
    ? `; hashing the re-encoded points instead: cofactorless ${
      re.cofactorless ? "holds" : "fails"
    }, cofactored ${re.cofactored ? "holds" : "fails"}`
    : "";
  return {
    index,
    message: c.message,
    pub_key: c.pub_key,
    signature: c.signature,
    class: `${sText}, ${properties.a}, ${properties.r}; ${eqText}${reText}`,
    expected,
    reason: expected ? "ok" : refusals[0][0],
    why: expected
      ? "A and R canonical and not small-order, S < L, and [S]B = R + [k]A holds: accept."
      : `Refused: ${refusals.map(([, text]) => text).join("; ")}.`,
    properties,
  };
}

/** The exact published serialization of `cases` (compact JSON, no newline). */
export function publishedText(cases: readonly PublishedCase[]): string {
  return JSON.stringify(
    cases.map(({ message, pub_key, signature }) => ({
      message,
      pub_key,
      signature,
    })),
  );
}

/** Builds the text of speccheck_cases.json from the published cases. */
export function generateFile(published: readonly PublishedCase[]): string {
  const text = publishedText(published);
  const digest = hex(sha256(new TextEncoder().encode(text)));
  if (digest !== SOURCE.sha256) {
    throw new Error(
      `published cases have sha256 ${digest}, not the pinned one`,
    );
  }
  const out = {
    source: {
      ...SOURCE,
      note:
        "message, pub_key and signature are the published bytes, unchanged and in order; index is the position in the published array",
    },
    rule:
      "Kith strict Ed25519: S < L; canonical A and R; A and R not small-order; cofactorless [S]B = R + [k]A with k = SHA-512(R || A || M) mod L over the bytes as given.",
    derived_by:
      "tests/vectors/classify_speccheck.ts (independent of Kith's verifiers)",
    cases: published.map(classifyCase),
  };
  return JSON.stringify(out, null, 2) + "\n";
}

const TARGET = new URL("./speccheck_cases.json", import.meta.url);

if (import.meta.main) {
  const from = Deno.args.find((a) => a.startsWith("--from="));
  const published: PublishedCase[] = from
    ? JSON.parse(await Deno.readTextFile(from.slice("--from=".length)))
    : JSON.parse(await Deno.readTextFile(TARGET)).cases;
  const text = generateFile(published);
  for (const c of JSON.parse(text).cases as ClassifiedCase[]) {
    console.log(
      `${String(c.index).padStart(2)} ${c.expected ? "accept" : "reject"} ${
        c.reason.padEnd(17)
      } ${c.class}`,
    );
  }
  if (Deno.args.includes("--write")) {
    await Deno.writeTextFile(TARGET, text);
    console.log(`wrote ${TARGET.pathname}`);
  }
}
