import assert from "node:assert/strict";
import fc from "fast-check";
import { fakeId, person, throwsLedger } from "./_fixtures.ts";
import { LedgerError } from "./errors.ts";
import {
  assertValidTransaction,
  CHECKPOINT_HEADS,
  isValidTransaction,
  NOTE_CHARS,
  TRANSACTION_TYPES,
} from "./transaction.ts";

const key = person("alice").key;
const post = fakeId("post");
const refuse = (value: unknown, message: string) =>
  throwsLedger(
    () => assertValidTransaction(value),
    "bad_transaction",
    `Cannot accept transaction: ${message}`,
  );

const VALID = [
  { type: "transfer", to: key, amount: 5 },
  { type: "delegate", validator: key, amount: 1 },
  { type: "undelegate", validator: key, amount: Number.MAX_SAFE_INTEGER },
  { type: "flag", subject: { post, author: key }, category: "spam", bond: 10 },
  {
    type: "flag",
    subject: { author: key },
    category: "other",
    bond: 10,
    note: "n".repeat(NOTE_CHARS),
  },
  { type: "retract", flag: fakeId("flag") },
  { type: "appeal", subject: { post, author: key }, bond: 10, note: "🙂" },
  { type: "vote", appeal: fakeId("appeal"), choice: "uphold" },
  { type: "vote", appeal: fakeId("appeal"), choice: "overturn" },
  { type: "checkpoint", heads: [{ author: key, seq: 1, id: post }] },
];

Deno.test("one valid example of every transaction type passes", () => {
  for (const tx of VALID) {
    assertValidTransaction(tx);
    assert.equal(isValidTransaction(tx), true);
  }
  const types = new Set(VALID.map((tx) => tx.type));
  assert.deepEqual([...types].sort(), [...TRANSACTION_TYPES].sort());
});

Deno.test("transaction refusals: object, type and fields", () => {
  refuse(null, "expected an object");
  refuse(["transfer"], "expected an object");
  refuse({ type: "mint", amount: 1 }, 'unknown type "mint"');
  refuse({ to: key, amount: 1 }, "unknown type undefined");
  throwsLedger(
    () => assertValidTransaction({ ...VALID[0], memo: "x" }),
    "bad_transaction",
    'Cannot accept transfer: unknown field "memo"',
  );
  throwsLedger(
    () => assertValidTransaction({ ...VALID[5], to: key }),
    "bad_transaction",
    'Cannot accept retract: unknown field "to"',
  );
  assert.equal(isValidTransaction({ type: "transfer" }), false);
});

Deno.test("transaction refusals: keys, ids and amounts", () => {
  refuse(
    { type: "transfer", to: "x".repeat(43), amount: 1 },
    "transfer to must be a 43-character base64url key or id",
  );
  refuse(
    { type: "transfer", amount: 1 },
    "transfer to must be a 43-character base64url key or id",
  );
  refuse(
    { type: "delegate", validator: key + "A", amount: 1 },
    "delegate validator must be a 43-character base64url key or id",
  );
  refuse(
    { type: "retract", flag: 7 },
    "retract flag must be a 43-character base64url key or id",
  );
  refuse(
    { type: "vote", appeal: "", choice: "uphold" },
    "vote appeal must be a 43-character base64url key or id",
  );
  for (const amount of [0, -1, 1.5, "5", Number.MAX_SAFE_INTEGER + 1]) {
    refuse(
      { type: "transfer", to: key, amount },
      `transfer amount is ${amount}, expected an integer ≥ 1`,
    );
  }
  refuse(
    { type: "undelegate", validator: key },
    "undelegate amount is undefined, expected an integer ≥ 1",
  );
  refuse(
    { type: "flag", subject: { author: key }, category: "spam", bond: 0 },
    "flag bond is 0, expected an integer ≥ 1",
  );
  refuse(
    { type: "appeal", subject: { author: key }, bond: -3 },
    "appeal bond is -3, expected an integer ≥ 1",
  );
});

Deno.test("transaction refusals: subjects, categories, notes, choices", () => {
  const flag = { type: "flag", category: "abuse", bond: 10 };
  refuse({ ...flag, subject: key }, "subject must be an object");
  refuse(
    { ...flag, subject: { post } },
    "subject needs an author key, and a post id for a post",
  );
  refuse(
    { ...flag, subject: { post: "p", author: key } },
    "subject needs an author key, and a post id for a post",
  );
  throwsLedger(
    () =>
      assertValidTransaction({ ...flag, subject: { author: key, post, x: 1 } }),
    "bad_transaction",
    'Cannot accept subject: unknown field "x"',
  );
  refuse(
    { ...flag, subject: { author: key }, category: "rude" },
    "flag category must be one of spam, abuse, illegal, sexual, violence, impersonation, other",
  );
  refuse(
    { ...flag, subject: { author: key }, note: "" },
    `flag note must have 1 to ${NOTE_CHARS} characters`,
  );
  refuse(
    { ...flag, subject: { author: key }, note: "n".repeat(NOTE_CHARS + 1) },
    `flag note must have 1 to ${NOTE_CHARS} characters`,
  );
  refuse(
    { type: "appeal", subject: { author: key }, bond: 10, note: 5 },
    `appeal note must have 1 to ${NOTE_CHARS} characters`,
  );
  // Characters are code points: 280 emoji fit.
  assertValidTransaction({
    ...flag,
    subject: { author: key },
    note: "🙂".repeat(NOTE_CHARS),
  });
  refuse(
    { type: "vote", appeal: post, choice: "abstain" },
    'vote choice must be "uphold" or "overturn"',
  );
});

Deno.test("transaction refusals: checkpoint heads", () => {
  const head = (i: number) => ({
    author: person(`h${i}`).key,
    seq: 1,
    id: post,
  });
  const heads = (value: unknown) => ({ type: "checkpoint", heads: value });
  const list = `checkpoint heads must be a list of 1 to ${CHECKPOINT_HEADS}`;
  refuse(heads([]), list);
  refuse(heads(head(0)), list);
  const full = Array.from({ length: CHECKPOINT_HEADS + 1 }, (_, i) => head(i));
  refuse(heads(full), list);
  assertValidTransaction(heads(full.slice(1)));
  const shape = "each checkpoint head is {author, seq ≥ 1, id}";
  refuse(heads([{ ...head(0), seq: 0 }]), shape);
  refuse(heads([{ ...head(0), id: "x" }]), shape);
  refuse(heads([{ ...head(0), extra: 1 }]), shape);
  refuse(heads([{ author: key, seq: 1 }]), shape);
  refuse(heads([null]), shape);
  refuse(
    heads([head(0), head(1), head(0)]),
    "checkpoint heads repeat an author",
  );
});

Deno.test("property: any value is accepted or refused with a LedgerError, never another error", () => {
  const tx = fc.record({
    type: fc.constantFrom(...TRANSACTION_TYPES, "mint"),
    to: fc.constantFrom(key, "x", 3),
    amount: fc.oneof(fc.integer(), fc.double(), fc.string()),
    validator: fc.constantFrom(key, null),
    subject: fc.oneof(
      fc.constant({ author: key }),
      fc.constant({ post, author: key }),
      fc.anything(),
    ),
    category: fc.constantFrom("spam", "abuse", "nope"),
    bond: fc.integer({ min: -2, max: 20 }),
    heads: fc.array(fc.anything(), { maxLength: 3 }),
    choice: fc.constantFrom("uphold", "overturn", 1),
  }, { requiredKeys: ["type"] });
  fc.assert(
    fc.property(fc.oneof(tx, fc.anything()), (value) => {
      try {
        assertValidTransaction(value);
        assert.equal(isValidTransaction(value), true);
      } catch (error) {
        assert.ok(error instanceof LedgerError);
        assert.equal(error.reason, "bad_transaction");
        assert.equal(isValidTransaction(value), false);
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("a hostile amount is refused with a LedgerError, not a TypeError", () => {
  const hostile: [unknown, string][] = [
    [{ toString: 1 }, '{"toString":1}'],
    [{ toJSON: () => 1n }, "an object"],
    [[1], "[1]"],
  ];
  for (const [amount, shownAs] of hostile) {
    refuse(
      { type: "transfer", to: key, amount },
      `transfer amount is ${shownAs}, expected an integer ≥ 1`,
    );
  }
});
