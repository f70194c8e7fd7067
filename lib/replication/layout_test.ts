import assert from "node:assert/strict";
import fc from "fast-check";
import { testAuthor } from "../../tests/helpers.ts";
import {
  BLOCK_SIZE,
  blockOf,
  checkKey,
  headSoul,
  type KithSoul,
  logSoul,
  MAX_STATE_AHEAD_MS,
  packSegments,
  parseSoul,
  peekEntry,
  SEGMENT_BYTES,
  SEGMENT_RECORDS,
  segmentKey,
} from "./layout.ts";

const NOW = 1_800_000_000_000;
const AUTHOR = "A".repeat(43);
const bytes = (text: string) => new TextEncoder().encode(text).length;
const authorArb = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/);

Deno.test("parseSoul reads back every log and head soul it built", () => {
  fc.assert(
    fc.property(authorArb, fc.nat({ max: 999_999_999 }), (author, block) => {
      assert.deepEqual(parseSoul(logSoul(author, block)), {
        kind: "log",
        author,
        block,
      });
      assert.deepEqual(parseSoul(headSoul(author)), { kind: "head", author });
    }),
  );
});

Deno.test("parseSoul says why each malformed soul is not a Kith soul", () => {
  const cases: [string, string][] = [
    ["", "not a Kith soul"],
    ["other/log/x/0", "not a Kith soul"],
    [`Kith/head/${AUTHOR}`, "not a Kith soul"],
    ["kith", "unknown Kith soul"],
    ["kith/", "unknown Kith soul"],
    ["kith/other/x", "unknown Kith soul"],
    [`kith/log/${AUTHOR}`, "unknown Kith soul"],
    [`kith/log/${AUTHOR}/0/extra`, "unknown Kith soul"],
    [`kith/head/${AUTHOR}/0`, "unknown Kith soul"],
    [`kith/log/${"A".repeat(42)}/0`, "log soul with a malformed author"],
    [`kith/log/${"A".repeat(44)}/0`, "log soul with a malformed author"],
    [`kith/log/${"A".repeat(42)}+/0`, "log soul with a malformed author"],
    [`kith/log/${"A".repeat(42)}=/0`, "log soul with a malformed author"],
    [`kith/log//0`, "log soul with a malformed author"],
    [`kith/log/${AUTHOR}/`, "log soul with a malformed block"],
    [`kith/log/${AUTHOR}/01`, "log soul with a malformed block"],
    [`kith/log/${AUTHOR}/-1`, "log soul with a malformed block"],
    [`kith/log/${AUTHOR}/1.5`, "log soul with a malformed block"],
    [`kith/log/${AUTHOR}/1e3`, "log soul with a malformed block"],
    [`kith/log/${AUTHOR}/ 1`, "log soul with a malformed block"],
    [`kith/log/${AUTHOR}/1234567890`, "log soul with a malformed block"],
    [`kith/head/${"A".repeat(42)}`, "head soul with a malformed author"],
    [`kith/head/${AUTHOR}.`, "head soul with a malformed author"],
    ["kith/head/", "head soul with a malformed author"],
  ];
  for (const [soul, reason] of cases) {
    assert.equal(parseSoul(soul), reason, soul);
  }
});

Deno.test("blockOf puts seq 1-1000 in block 0 and each seq in exactly one block", () => {
  assert.equal(blockOf(1), 0);
  assert.equal(blockOf(1000), 0);
  assert.equal(blockOf(1001), 1);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (seq) => {
      const block = blockOf(seq);
      assert.ok(block * BLOCK_SIZE < seq && seq <= (block + 1) * BLOCK_SIZE);
    }),
  );
});

Deno.test("segmentKey is the base64url sha256 of the UTF-8 value", () => {
  // sha256("") is e3b0c442…b855.
  assert.equal(segmentKey(""), "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  assert.match(segmentKey("é"), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(segmentKey("a"), segmentKey("b"));
});

Deno.test("packSegments keeps every line in order within record and byte limits", () => {
  const line = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(20_000, 60_000).map((size) => "x".repeat(size)),
    fc.nat({ max: 3_000 }).map((size) => "€".repeat(size)),
  ).filter((text) => !text.includes("\n"));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 400 }), (lines) => {
      const values = packSegments(lines);
      assert.deepEqual(values.flatMap((value) => value.split("\n")), lines);
      for (const value of values) {
        const records = value.split("\n").length;
        assert.ok(records <= SEGMENT_RECORDS);
        if (records > 1) assert.ok(bytes(value) <= SEGMENT_BYTES);
      }
    }),
    { numRuns: 60 },
  );
});

Deno.test("packSegments cuts at 100 records and keeps an oversized line alone", () => {
  const lines = Array.from({ length: 250 }, (_, i) => `line ${i}`);
  assert.deepEqual(
    packSegments(lines).map((value) => value.split("\n").length),
    [100, 100, 50],
  );
  assert.deepEqual(packSegments([]), []);
  const huge = "y".repeat(SEGMENT_BYTES + 10);
  assert.deepEqual(packSegments(["a", huge, "b"]), ["a", huge, "b"]);
  // Each line counts its separator: two lines of half the budget fit.
  const half = "z".repeat(SEGMENT_BYTES / 2 - 1);
  assert.equal(packSegments([half, half]).length, 1);
  assert.equal(packSegments([half, half + "z"]).length, 2);
});

Deno.test("peekEntry reads author and seq of a real record line", () => {
  const alice = testAuthor();
  alice.next("post", { text: "one" });
  const { line } = alice.next("post", { text: ',"entry":{"seq":9}}' });
  assert.deepEqual(peekEntry(line), { author: alice.key, seq: 2 });
});

Deno.test("peekEntry is null for lines that do not look like records", () => {
  const entry = (fields: string) => `{"content":null,"entry":{${fields}}}`;
  for (
    const line of [
      "",
      "hello",
      "{}",
      entry(`"author":"a","seq":1`).slice(0, -1),
      `{"content":null,"entry":{"author":"a",}}`,
      entry(`"seq":1`),
      entry(`"author":5,"seq":1`),
      entry(`"author":"a","seq":"1"`),
      entry(`"author":"a","seq":0`),
      entry(`"author":"a","seq":-3`),
      entry(`"author":"a","seq":1.5`),
      entry(`"author":"a","seq":9007199254740992`),
    ]
  ) {
    assert.equal(peekEntry(line), null, line);
  }
  assert.deepEqual(peekEntry(entry(`"author":"a","seq":3`)), {
    author: "a",
    seq: 3,
  });
});

const head: KithSoul = { kind: "head", author: AUTHOR };
const log: KithSoul = { kind: "log", author: AUTHOR, block: 0 };
const check = (soul: KithSoul, value: unknown, state: unknown) =>
  checkKey(soul, {
    key: typeof value === "string" ? segmentKey(value) : "k",
    value,
    state,
  }, { now: NOW });
const checkValue = (soul: KithSoul, value: unknown) => check(soul, value, NOW);

Deno.test("checkKey accepts a value exactly when the key is its hash", () => {
  fc.assert(
    fc.property(
      fc.string().filter((text) => !text.includes("\n")),
      fc.string(),
      fc.boolean(),
      (value, other, honest) => {
        const key = honest ? segmentKey(value) : other;
        const problem = checkKey(head, { key, value, state: NOW }, {
          now: NOW,
        });
        assert.equal(
          problem,
          key === segmentKey(value) ? null : "key_not_hash",
        );
      },
    ),
  );
});

Deno.test("checkKey refuses missing, non-numeric and non-finite states", () => {
  for (const state of [undefined, null, "1", NaN, Infinity, -Infinity, {}]) {
    assert.equal(check(head, "v", state), "bad_state", String(state));
  }
  assert.equal(check(head, "v", -5), null);
});

Deno.test("checkKey refuses states more than a minute ahead", () => {
  assert.equal(check(head, "v", NOW + MAX_STATE_AHEAD_MS), null);
  assert.equal(check(head, "v", NOW + MAX_STATE_AHEAD_MS + 1), "future_state");
});

Deno.test("checkKey refuses values that are not strings", () => {
  for (const value of [42, null, true, { a: 1 }, ["x"]]) {
    assert.equal(checkValue(log, value), "not_a_string");
  }
});

Deno.test("checkKey bounds heads by the record limit and logs by the segment limit", () => {
  assert.equal(checkValue(head, "x".repeat(62_000)), null);
  assert.equal(checkValue(head, "x".repeat(62_001)), "too_large");
  // Fewer characters than the limit, more UTF-8 bytes.
  assert.equal(checkValue(head, "€".repeat(20_667)), "too_large");
  assert.equal(checkValue(log, "x".repeat(62_001)), null);
  assert.equal(checkValue(log, "x".repeat(SEGMENT_BYTES)), null);
  assert.equal(checkValue(log, "x".repeat(SEGMENT_BYTES + 1)), "too_large");
  assert.equal(
    checkValue(log, "€".repeat(Math.ceil(SEGMENT_BYTES / 3))),
    "too_large",
  );
});

Deno.test("checkKey allows one record per head key and 100 per log key", () => {
  assert.equal(checkValue(head, "a\nb"), "too_many_records");
  assert.equal(checkValue(log, Array(100).fill("r").join("\n")), null);
  assert.equal(
    checkValue(log, Array(101).fill("r").join("\n")),
    "too_many_records",
  );
});
