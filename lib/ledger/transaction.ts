/**
 * Ledger transactions: the `tx` object of a `ledger` entry, checked for
 * shape. Whether a transaction may apply in a state is apply.ts's work.
 *
 * @module
 */
import { FLAG_CATEGORIES, type FlagCategory } from "./genesis.ts";
import type { Subject } from "./state.ts";
import { check, isInteger, isKey, isObject, onlyFields } from "./_internal.ts";

/** Kinds of transaction, as the `type` field of `tx`. */
export const TRANSACTION_TYPES = [
  "transfer",
  "delegate",
  "undelegate",
  "flag",
  "retract",
  "appeal",
  "vote",
  "checkpoint",
] as const;

/** One of {@linkcode TRANSACTION_TYPES}. */
export type TransactionType = typeof TRANSACTION_TYPES[number];

/** A transaction's body. */
export type Transaction =
  | { type: "transfer"; to: string; amount: number }
  | { type: "delegate"; validator: string; amount: number }
  | { type: "undelegate"; validator: string; amount: number }
  | {
    type: "flag";
    subject: Subject;
    category: FlagCategory;
    bond: number;
    note?: string;
  }
  | { type: "retract"; flag: string }
  | { type: "appeal"; subject: Subject; bond: number; note?: string }
  | { type: "vote"; appeal: string; choice: "uphold" | "overturn" }
  | { type: "checkpoint"; heads: LogHeadClaim[] };

/** One author's log head in a checkpoint. */
export interface LogHeadClaim {
  author: string;
  seq: number;
  id: string;
}

/** A transaction with the entry that signed it. */
export interface SignedTransaction {
  /** Entry id: names flags and appeals. */
  id: string;
  /** The entry's author. */
  signer: string;
  /** The entry's seq: the nonce. */
  seq: number;
  tx: Transaction;
}

/** Most characters of a flag's or appeal's note. */
export const NOTE_CHARS = 280;
/** Most heads in one checkpoint. */
export const CHECKPOINT_HEADS = 100;

const FIELDS: Record<TransactionType, string[]> = {
  transfer: ["to", "amount"],
  delegate: ["validator", "amount"],
  undelegate: ["validator", "amount"],
  flag: ["subject", "category", "bond", "note"],
  retract: ["flag"],
  appeal: ["subject", "bond", "note"],
  vote: ["appeal", "choice"],
  checkpoint: ["heads"],
};

/**
 * Checks a transaction's shape: known type, exact fields, keys and ids of
 * 43 base64url characters, positive safe-integer amounts.
 *
 * @throws {LedgerError} `bad_transaction`, e.g.
 * `Cannot accept transaction: flag bond is 0, expected an integer ≥ 1`.
 *
 * @example
 * ```ts
 * assertValidTransaction({ type: "transfer", to: key, amount: 5 });
 * ```
 */
export function assertValidTransaction(
  value: unknown,
): asserts value is Transaction {
  const fail = (message: string) => `Cannot accept transaction: ${message}`;
  check(isObject(value), "bad_transaction", fail("expected an object"));
  const type = value.type as TransactionType;
  check(
    TRANSACTION_TYPES.includes(type),
    "bad_transaction",
    fail(`unknown type ${JSON.stringify(value.type)}`),
  );
  onlyFields(value, ["type", ...FIELDS[type]], "bad_transaction", type);
  const key = (field: string) =>
    check(
      isKey(value[field]),
      "bad_transaction",
      fail(`${type} ${field} must be a 43-character base64url key or id`),
    );
  const amount = (field: string) =>
    check(
      isInteger(value[field], 1),
      "bad_transaction",
      fail(
        `${type} ${field} is ${shown(value[field])}, expected an integer ≥ 1`,
      ),
    );
  const note = () =>
    check(
      value.note === undefined ||
        (typeof value.note === "string" && value.note.length > 0 &&
          [...value.note].length <= NOTE_CHARS),
      "bad_transaction",
      fail(`${type} note must have 1 to ${NOTE_CHARS} characters`),
    );
  switch (type) {
    case "transfer":
      key("to");
      amount("amount");
      break;
    case "delegate":
    case "undelegate":
      key("validator");
      amount("amount");
      break;
    case "flag":
      assertSubject(value.subject, fail);
      check(
        FLAG_CATEGORIES.includes(value.category as FlagCategory),
        "bad_transaction",
        fail(`flag category must be one of ${FLAG_CATEGORIES.join(", ")}`),
      );
      amount("bond");
      note();
      break;
    case "retract":
      key("flag");
      break;
    case "appeal":
      assertSubject(value.subject, fail);
      amount("bond");
      note();
      break;
    case "vote":
      key("appeal");
      check(
        value.choice === "uphold" || value.choice === "overturn",
        "bad_transaction",
        fail('vote choice must be "uphold" or "overturn"'),
      );
      break;
    case "checkpoint":
      assertHeads(value.heads, fail);
      break;
  }
}

/** Whether `value` is a well-formed transaction. */
export function isValidTransaction(value: unknown): value is Transaction {
  try {
    assertValidTransaction(value);
    return true;
  } catch {
    return false;
  }
}

function assertSubject(
  value: unknown,
  fail: (message: string) => string,
): asserts value is Subject {
  check(isObject(value), "bad_transaction", fail("subject must be an object"));
  const post = "post" in value;
  onlyFields(
    value,
    post ? ["post", "author"] : ["author"],
    "bad_transaction",
    "subject",
  );
  check(
    isKey(value.author) && (!post || isKey(value.post)),
    "bad_transaction",
    fail("subject needs an author key, and a post id for a post"),
  );
}

function assertHeads(
  value: unknown,
  fail: (message: string) => string,
): void {
  check(
    Array.isArray(value) && value.length >= 1 &&
      value.length <= CHECKPOINT_HEADS,
    "bad_transaction",
    fail(`checkpoint heads must be a list of 1 to ${CHECKPOINT_HEADS}`),
  );
  const seen = new Set<string>();
  for (const head of value) {
    check(
      isObject(head) && isKey(head.author) && isKey(head.id) &&
        isInteger(head.seq, 1) && Object.keys(head).length === 3,
      "bad_transaction",
      fail("each checkpoint head is {author, seq ≥ 1, id}"),
    );
    check(
      !seen.has(head.author as string),
      "bad_transaction",
      fail("checkpoint heads repeat an author"),
    );
    seen.add(head.author as string);
  }
}

/**
 * A value as an error message shows it, whatever it is: objects (which may
 * have hostile `toString`s) as JSON, or as "an object" when even that fails.
 */
function shown(value: unknown): string {
  if (typeof value !== "object" || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? "an object";
  } catch {
    return "an object";
  }
}
