/**
 * Test fixtures shared by the lib/ledger suites: people with fixed keys,
 * genesis documents, signed ledger records, signed votes and blocks.
 *
 * @module
 */
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { publicKeyOf, sign } from "../crypto/mod.ts";
import { createRecord, encodeBase64Url } from "../protocol/mod.ts";
import { applyTransaction } from "./apply.ts";
import { LedgerError, type LedgerErrorReason } from "./errors.ts";
import { DEFAULT_PARAMS, type Genesis, type LedgerParams } from "./genesis.ts";
import { LedgerState, type Subject } from "./state.ts";
import type { SignedTransaction, Transaction } from "./transaction.ts";
import { type Vote, voteSigningBytes, type VoteType } from "./vote.ts";

const encoder = new TextEncoder();

/** Genesis time of every fixture ledger. */
export const T0 = 1_700_000_000_000;

/** Someone with a fixed Ed25519 key. */
export interface Person {
  name: string;
  secretKey: Uint8Array;
  key: string;
}

const people = new Map<string, Person>();

/** The person called `name`: seed SHA-256(`kith ledger test <name>`). */
export function person(name: string): Person {
  let found = people.get(name);
  if (!found) {
    const secretKey = sha256(encoder.encode(`kith ledger test ${name}`));
    const key = encodeBase64Url(publicKeyOf(secretKey));
    found = { name, secretKey, key };
    people.set(name, found);
  }
  return found;
}

/** A 43-character id derived from `label` (for flags, posts, blocks). */
export function fakeId(label: string): string {
  return encodeBase64Url(
    sha256(encoder.encode(`kith ledger test id ${label}`)),
  );
}

/** A genesis; by default validators v1..v4 (100 each) and alice..dave. */
export function makeGenesis(options: {
  validators?: [string, number][];
  accounts?: [string, number][];
  params?: Partial<LedgerParams>;
} = {}): Genesis {
  const validators = options.validators ??
    [["v1", 100], ["v2", 100], ["v3", 100], ["v4", 100]];
  const accounts = options.accounts ??
    [["alice", 1_000], ["bob", 1_000], ["carol", 1_000], ["dave", 1_000]];
  return {
    kind: "kith-ledger",
    version: 1,
    name: "Test ledger",
    time: T0,
    validators: validators.map(([name, stake]) => ({
      key: person(name).key,
      stake,
    })),
    accounts: accounts.map(([name, balance]) => ({
      key: person(name).key,
      balance,
    })),
    params: { ...DEFAULT_PARAMS, ...options.params },
  };
}

/** The state of {@linkcode makeGenesis}. */
export function makeState(
  options: Parameters<typeof makeGenesis>[0] = {},
): LedgerState {
  return LedgerState.fromGenesis(makeGenesis(options));
}

let unsignedCount = 0;

/** A signed transaction whose signature is not modelled (apply tests). */
export function txOf(
  name: string,
  seq: number,
  tx: Transaction,
  id = fakeId(`tx ${++unsignedCount}`),
): SignedTransaction {
  return { id, signer: person(name).key, seq, tx };
}

/**
 * Applies `tx` signed by `name` with the next seq (nonce + 1) at
 * `height` (default 1); returns the transaction's id.
 */
export function run(
  state: LedgerState,
  name: string,
  tx: Transaction,
  options: { height?: number; touched?: Set<string>; id?: string } = {},
): string {
  const signed = txOf(name, state.nonce(person(name).key) + 1, tx, options.id);
  applyTransaction(state, signed, {
    height: options.height ?? 1,
    touched: options.touched,
  });
  return signed.id;
}

/** An author's ledger entries: real records, signed, chained by seq/prev. */
export class Writer {
  seq = 0;
  prev: string | null = null;
  constructor(readonly who: Person, readonly ledger: string) {}

  /** The next record carrying `tx` (any object: shapes are not checked). */
  record(
    tx: Record<string, unknown>,
    options: { ledger?: string; seq?: number } = {},
  ): { line: string; id: string; seq: number } {
    const seq = options.seq ?? this.seq + 1;
    const made = createRecord({
      author: this.who.key,
      seq,
      prev: seq === 1 ? null : this.prev ?? fakeId(`prev ${seq}`),
      ts: T0 + seq,
      type: "ledger",
      content: { ledger: options.ledger ?? this.ledger, tx },
    }, { sign: (bytes) => sign(this.who.secretKey, bytes) });
    if (options.seq === undefined) {
      this.seq = seq;
      this.prev = made.id;
    }
    return { line: made.line, id: made.id, seq };
  }
}

/** A vote signed by `who`. */
export function signedVote(
  who: Person,
  fields: {
    ledger: string;
    height: number;
    round?: number;
    type?: VoteType;
    block: string | null;
  },
): Vote {
  const unsigned = {
    ledger: fields.ledger,
    height: fields.height,
    round: fields.round ?? 0,
    type: fields.type ?? "precommit",
    block: fields.block,
    validator: who.key,
  };
  const sig = encodeBase64Url(sign(who.secretKey, voteSigningBytes(unsigned)));
  return { ...unsigned, sig };
}

/** Asserts that `run` throws a LedgerError with `reason` and `message`. */
export function throwsLedger(
  run: () => unknown,
  reason: LedgerErrorReason,
  message: string | RegExp,
): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof LedgerError, `not a LedgerError: ${error}`);
    assert.equal(error.name, "LedgerError");
    assert.equal(error.reason, reason);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

/** Sum of every holding in `state`: must equal `meta.supply`. */
export function stakeSum(state: LedgerState, names: string[]): number {
  let sum = 0;
  for (const name of names) {
    const { balance, delegated, locked } = state.account(person(name).key);
    sum += balance + delegated + locked;
  }
  for (const key of state.validatorKeys) sum += state.validator(key)!.self;
  return sum;
}

/**
 * A state where alice flags `subject` (abuse, 100), bob flags it (spam,
 * 40) and carol appeals (bond 50): the three are the appeal's parties.
 */
export function openAppeal(
  subject: Subject,
  params: Partial<LedgerParams> = {},
): { state: LedgerState; flags: string[]; appeal: string } {
  const state = makeState({ params });
  const flags = [
    run(state, "alice", {
      type: "flag",
      subject,
      category: "abuse",
      bond: 100,
    }),
    run(state, "bob", { type: "flag", subject, category: "spam", bond: 40 }),
  ];
  const appeal = run(state, "carol", { type: "appeal", subject, bond: 50 });
  return { state, flags, appeal };
}

/** `name` votes `choice` on `appeal` in block `height`. */
export function voteOn(
  state: LedgerState,
  name: string,
  appeal: string,
  choice: "uphold" | "overturn",
  height = 2,
): string {
  return run(state, name, { type: "vote", appeal, choice }, { height });
}
