/**
 * Fuzz suite of the record parser and verifier (verifyRecord over
 * record.ts, entry.ts, content.ts, limits.ts): valid signed records of
 * every type are mutated, as JSON values (fields replaced by other types,
 * huge strings, Unicode edge cases, deep nesting; fields dropped; extra
 * fields such as `__proto__`) and as raw text (number forms like `-0` and
 * `1e400`, escapes, whitespace, duplicate keys, byte flips). Every result
 * is either refused with a ProtocolError whose code belongs to the field
 * that was broken, or accepted, and then byte-identical to the valid record
 * (or to it without content, which the protocol allows).
 *
 * Generated cases per run: 5,000 (value mutations 3,000, text edits 2,000).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { verifyEd25519, verifyEd25519Sync } from "../crypto/mod.ts";
import {
  edgeStringArb,
  fuzzAuthor,
  hashArb,
  jsonishArb,
  lineEditArb,
  nearHashArb,
  NOW,
  signedLine,
} from "./_arbitraries.ts";
import {
  canonicalize,
  encodeBase64Url,
  ENTRY_TYPES,
  ERROR_CODES,
  type ErrorCode,
  ProtocolError,
  verifyRecord,
} from "./mod.ts";

const alice = fuzzAuthor();
const bob = fuzzAuthor();
const first = signedLine(alice, { type: "post", content: { text: "first" } })
  .line;
const firstId = (await verifyRecord(first, { now: NOW, verify: verifyEd25519 }))
  .id;

/** Valid records of every type, with their content-less form. */
const BASES = [
  {
    type: "post" as const,
    content: {
      text: "Hi @bob #kith",
      tags: ["kith"],
      mentions: [bob.key],
      cw: "greeting",
      root: firstId,
      parent: firstId,
    },
    seq: 2,
    prev: firstId,
  },
  {
    type: "repost" as const,
    content: { target: firstId, targetAuthor: alice.key },
  },
  {
    type: "react" as const,
    content: {
      target: firstId,
      targetAuthor: alice.key,
      reaction: "\u{1f44d}",
    },
  },
  { type: "retract" as const, content: { target: firstId } },
  {
    type: "profile" as const,
    content: {
      name: "Al\u00efce",
      bio: "",
      avatar: "https://kith.example/a.png",
    },
  },
  { type: "follow" as const, content: { target: bob.key } },
  {
    type: "dm" as const,
    content: { to: [bob.key], box: "c2VjcmV0", conv: firstId },
  },
  {
    type: "ledger" as const,
    content: {
      ledger: firstId,
      tx: { type: "transfer", to: bob.key, amount: 5 },
    },
  },
].map((record) => {
  const { line } = signedLine(alice, record);
  const { entry } = JSON.parse(line);
  return { line, bare: canonicalize({ content: null, entry }) };
});

/** Codes a refusal may carry whatever was changed. */
const FRAMING: ErrorCode[] = [
  "record_too_large",
  "entry_too_large",
  "content_too_large",
  "non_canonical",
];
const CONTENT_RULES: ErrorCode[] = [
  "bad_content",
  "text_too_long",
  "too_many_tags",
  "too_many_mentions",
  "too_many_recipients",
];
/** Codes a refusal may carry when one entry field was replaced. */
const FIELD_CODES: Record<string, ErrorCode[]> = {
  v: ["unsupported_version"],
  author: ["bad_author", "invalid_signature"],
  seq: ["bad_seq", "bad_prev", "invalid_signature"],
  prev: ["bad_prev", "invalid_signature"],
  ts: ["bad_timestamp", "timestamp_in_future", "invalid_signature"],
  type: ["unknown_type", "invalid_signature", ...CONTENT_RULES],
  contentHash: ["bad_content_hash", "content_mismatch", "invalid_signature"],
  sig: ["bad_signature_encoding", "invalid_signature"],
};

/** A value to put somewhere: JSON of any kind, huge, or nested deep. */
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: jsonishArb },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom("a", "\u00e9", "\u{1f600}", "\\"),
      fc.integer({ min: 900, max: 70_000 }),
    ).map(([char, count]) => char.repeat(count)),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 60, max: 70 }).map((depth) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    }),
  },
);

type Tree = Record<string, unknown>;
type Mutation = { where: string; apply: (record: Tree) => void };
const mutation = (where: string, apply: Mutation["apply"]): Mutation => ({
  where,
  apply,
});

const own = (object: Tree, key: string, value: unknown) =>
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
const strayKeyArb = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "sig2", "", "Seq"),
  edgeStringArb,
);

const entryOf = (record: Tree) => record.entry as Tree;
const contentOf = (record: Tree) => record.content as Tree;
const keyAt = (object: Tree, pick: number) =>
  Object.keys(object)[pick % Object.keys(object).length];

/** Values close to what each entry field holds: right type, wrong value. */
const NEAR: Record<string, fc.Arbitrary<unknown>> = {
  v: fc.constantFrom(0, 2, "1", true),
  author: fc.oneof(fc.constant(bob.key), nearHashArb),
  seq: fc.constantFrom(0, 1, 2, 3, -1, 2 ** 53, 2 ** 53 - 1, 1.5),
  prev: fc.oneof(fc.constant(null), hashArb, nearHashArb),
  ts: fc.constantFrom(
    NOW - 1,
    NOW + 1,
    NOW + 600_000,
    NOW + 600_001,
    0,
    -1,
    2 ** 53,
    1.5,
  ),
  type: fc.constantFrom(...ENTRY_TYPES, "Post", "", "unknown"),
  contentHash: fc.oneof(hashArb, nearHashArb),
  sig: fc.oneof(
    fc.uint8Array({ minLength: 64, maxLength: 64 }).map(encodeBase64Url),
    fc.uint8Array({ minLength: 63, maxLength: 65 }).map(encodeBase64Url),
    fc.constant(JSON.parse(first).entry.sig),
  ),
};

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...Object.keys(FIELD_CODES)).chain((field) =>
      fc.tuple(
        fc.constant(field),
        fc.oneof({ weight: 3, arbitrary: NEAR[field] }, valueArb),
      )
    ).map(([field, value]) =>
      mutation(field, (record) => void (entryOf(record)[field] = value))
    ),
  },
  fc.constantFrom(...Object.keys(FIELD_CODES)).map((field) =>
    mutation("entry", (record) => void delete entryOf(record)[field])
  ),
  fc.tuple(strayKeyArb, valueArb).map(([key, value]) =>
    mutation("entry", (record) => void own(entryOf(record), key, value))
  ),
  valueArb.map((value) =>
    mutation("entry", (record) => void (record.entry = value))
  ),
  fc.tuple(fc.nat(), valueArb).map(([pick, value]) =>
    mutation("content", (record) => {
      contentOf(record)[keyAt(contentOf(record), pick)] = value;
    })
  ),
  fc.nat().map((pick) =>
    mutation("content", (record) => {
      delete contentOf(record)[keyAt(contentOf(record), pick)];
    })
  ),
  fc.tuple(strayKeyArb, valueArb).map(([key, value]) =>
    mutation("content", (record) => void own(contentOf(record), key, value))
  ),
  valueArb.map((value) =>
    mutation("content", (record) => void (record.content = value))
  ),
  fc.tuple(strayKeyArb, valueArb).map(([key, value]) =>
    mutation("record", (record) => void own(record, key, value))
  ),
  fc.constantFrom("content", "entry").map((key) =>
    mutation("record", (record) => void delete record[key])
  ),
);

/** The verdict of both verifiers, which must agree. */
async function verdict(line: string): Promise<string> {
  const results = await Promise.all(
    [verifyEd25519, verifyEd25519Sync].map(async (verify) => {
      try {
        const record = await verifyRecord(line, { now: NOW, verify });
        assert.equal(record.line, line);
        return "accepted";
      } catch (error) {
        assert.ok(error instanceof ProtocolError, String(error));
        assert.ok(ERROR_CODES.includes(error.code));
        assert.match(
          error.message,
          /^Cannot accept (record|entry|content): \S/,
        );
        return error.code;
      }
    }),
  );
  assert.equal(results[0], results[1], "server and browser verifiers differ");
  return results[0];
}

function assertAcceptedIsValid(
  line: string,
  base: (typeof BASES)[number],
  result: string,
) {
  if (result !== "accepted") return;
  assert.ok(
    line === base.line || line === base.bare,
    `accepted a changed record: ${line.slice(0, 300)}`,
  );
}

Deno.test("fuzz: mutated signed records are refused for what was broken, never accepted changed", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...BASES),
      mutationArb,
      fc.constantFrom("canonical", "canonical", "canonical", "pretty"),
      async (base, mutation, form) => {
        const record = JSON.parse(base.line) as Tree;
        mutation.apply(record);
        let line: string;
        try {
          line = form === "canonical"
            ? canonicalize(record)
            : JSON.stringify(record, null, 1);
        } catch {
          line = JSON.stringify(record);
        }
        const result = await verdict(line);
        assertAcceptedIsValid(line, base, result);
        if (result === "accepted" || FRAMING.includes(result as ErrorCode)) {
          return;
        }
        const allowed = mutation.where === "record"
          ? ["bad_record_shape"]
          : mutation.where === "entry"
          ? ["bad_entry_shape"]
          : mutation.where === "content"
          ? ["content_mismatch"]
          : FIELD_CODES[mutation.where];
        assert.ok(
          allowed.includes(result),
          `${result} after changing ${mutation.where}: ${line.slice(0, 300)}`,
        );
      },
    ),
    { numRuns: 3_000 },
  );
});

Deno.test("fuzz: raw text edits of record lines are refused with a protocol code", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...BASES),
      fc.array(lineEditArb, { minLength: 1, maxLength: 3 }),
      async (base, edits) => {
        const line = edits.reduce((text, edit) => edit(text), base.line);
        assertAcceptedIsValid(line, base, await verdict(line));
      },
    ),
    { numRuns: 2_000 },
  );
});
