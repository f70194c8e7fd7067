/**
 * Test helper: fast-check generators for the protocol fuzz suites, and a
 * signer that signs whatever content it is given (valid or not), so the
 * parser's content checks are reached past the signature.
 *
 * @module
 */
import fc from "fast-check";
import { generateKeyPair, sign } from "../crypto/mod.ts";
import {
  canonicalize,
  contentHashOf,
  encodeBase64Url,
  type EntryType,
  signingBytes,
  type UnsignedEntry,
} from "./mod.ts";

/** A fixed instant the suites use as the receiver's clock. */
export const NOW = 1_800_000_000_000;

/**
 * A key pair with its author key.
 *
 * @example
 * ```ts
 * const { key, secretKey } = fuzzAuthor();
 * ```
 */
export function fuzzAuthor() {
  const keys = generateKeyPair();
  return { ...keys, key: encodeBase64Url(keys.publicKey) };
}

/**
 * A record line of `record.content` (valid or not) signed by `author`, at
 * seq 1 unless told; the line is canonical when the content can be
 * canonicalized and plain JSON.stringify otherwise.
 *
 * @example
 * ```ts
 * const { line } = signedLine(author, { type: "post", content: { text: "" } });
 * ```
 */
export function signedLine(
  author: ReturnType<typeof fuzzAuthor>,
  record: {
    type: EntryType;
    content: unknown;
    seq?: number;
    prev?: string | null;
  },
): { line: string; canonical: boolean } {
  const { type, content, seq = 1, prev = null } = record;
  let contentHash: string;
  try {
    contentHash = contentHashOf(content);
  } catch {
    contentHash = encodeBase64Url(new Uint8Array(32));
  }
  const unsigned: UnsignedEntry = {
    v: 1,
    author: author.key,
    seq,
    prev,
    ts: NOW,
    type,
    contentHash,
  };
  const entry = {
    ...unsigned,
    sig: encodeBase64Url(sign(author.secretKey, signingBytes(unsigned))),
  };
  try {
    return { line: canonicalize({ content, entry }), canonical: true };
  } catch {
    return { line: JSON.stringify({ content, entry }), canonical: false };
  }
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** A valid 32-byte base64url value (key or id). */
export const hashArb = bytes32.map(encodeBase64Url);

/** Strings near the edges of Unicode and of the protocol's limits. */
export const edgeStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "",
    " ",
    "\t",
    "\n \r",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "\u0000",
    "\u0008",
    "\u000b",
    "\u001f",
    "\u007f",
    "\u0085",
    "\ud800",
    "a\udc00b",
    "e\u0301",
    "\u00e9",
    "\u{1f600}",
    "\u{1f44d}\u{1f3fd}",
    "\u{1f468}\u200d\u{1f469}\u200d\u{1f467}",
    "\u0130",
    "\u01c5",
    "stra\u00dfe",
    "\u0939\u093f\u0928\u094d\u0926\u0940",
    "like",
    "__proto__",
    "constructor",
    "https://kith.example/a.png",
    "https://",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:image/gif;base64,R0lGOD",
    "-0",
    "1e400",
    "NaN",
  ),
  fc.tuple(
    fc.constantFrom("a", "\u00e9", "\u{1f600}", " ", "\u0000", "_"),
    fc.constantFrom(16, 17, 64, 65, 500, 501, 1_000, 1_001, 4_999, 5_001),
  ).map(([char, count]) => char.repeat(count)),
);

/** A 32-byte value with a small defect, or a valid one. */
export const nearHashArb: fc.Arbitrary<string> = fc.oneof(
  hashArb,
  hashArb.map((value) => value.slice(1)),
  hashArb.map((value) => value + "A"),
  hashArb.map((value) => value.slice(0, 42) + "B"),
  hashArb.map((value) => value.slice(0, 10) + "+" + value.slice(11)),
  hashArb.map((value) => value.slice(0, 10) + "=" + value.slice(11)),
  hashArb.map((value) => value.slice(0, 10) + "\u00e9" + value.slice(11)),
  fc.uint8Array({ minLength: 31, maxLength: 33 }).map(encodeBase64Url),
);

/** Any JSON value, with the edge strings and numbers mixed in. */
export const jsonishArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  edgeStringArb,
  nearHashArb,
  fc.constantFrom(0, -0, 1, -1, 2 ** 53, -(2 ** 53), 1.5, 1e21, null, true),
  fc.constantFrom([], {}, [null], { "": 1 }),
);

/** Raw replacements for a JSON value in the text. */
const tokenArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "-0",
    "1e400",
    "-1e400",
    "1.0",
    "1E0",
    "01",
    "+1",
    "NaN",
    "Infinity",
    "0x1",
    "1n",
    '"1"',
    "null",
    "true",
    "[]",
    "{}",
    "9007199254740993",
    '"\\u0041"',
    '"\\/"',
    '"\\ud800"',
    "undefined",
    "",
  ),
  jsonishArb.map((value) => JSON.stringify(value) ?? "null"),
);

/**
 * An edit of a record line's text: a value replaced by a raw token, a
 * stray character, an escape, a repeated key, a cut, flipped bytes.
 */
export const lineEditArb: fc.Arbitrary<(line: string) => string> = fc.oneof(
  // A scalar value of the record, replaced by a raw token.
  fc.tuple(fc.nat(), tokenArb).map(([pick, token]) => (line: string) => {
    const values = [...line.matchAll(/:("(?:[^"\\]|\\.)*"|-?\d+|null)/g)];
    const found = values[pick % values.length];
    if (!found) return line;
    const at = found.index! + 1;
    return line.slice(0, at) + token + line.slice(at + found[1].length);
  }),
  // Whitespace or a stray character anywhere.
  fc.tuple(
    fc.nat(),
    fc.constantFrom(" ", "\t", "\n", "\r", "\ufeff", ",", "\u0000"),
  )
    .map(([pick, char]) => (line: string) => {
      const at = pick % (line.length + 1);
      return line.slice(0, at) + char + line.slice(at);
    }),
  // A plain character written as an escape.
  fc.nat().map((pick) => (line: string) => {
    const letters = [...line.matchAll(/[A-Za-z]/g)];
    if (letters.length === 0) return line;
    const at = letters[pick % letters.length].index!;
    const escape = "\\u" + line.charCodeAt(at).toString(16).padStart(4, "0");
    return line.slice(0, at) + escape + line.slice(at + 1);
  }),
  // A key given twice, a byte order mark, a line break, the line twice.
  fc.constantFrom(
    (line: string) => line.replace('{"content":', '{"content":null,"content":'),
    (line: string) => line.replace('"seq":', '"seq":1,"seq":'),
    (line: string) => line.replace('"entry":{', '"entry":{"v":1,'),
    (line: string) => `\ufeff${line}`,
    (line: string) => `${line}\n`,
    (line: string) => `${line}${line}`,
  ),
  // Cut short, or bytes flipped (which may break the UTF-8).
  fc.nat().map((pick) => (line: string) => line.slice(0, pick % line.length)),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
    minLength: 1,
    maxLength: 3,
  }).map((flips) => (line: string) => {
    const bytes = new TextEncoder().encode(line);
    if (bytes.length === 0) return line;
    for (const [pick, delta] of flips) {
      bytes[pick % bytes.length] = (bytes[pick % bytes.length] + delta) % 256;
    }
    return new TextDecoder().decode(bytes);
  }),
);
