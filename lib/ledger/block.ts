/**
 * Blocks: format, id, and execution against a state. A block is valid
 * when its height, parent, proposer and time follow the state, every
 * transaction and piece of evidence applies, and the resulting state has
 * the root the block claims.
 *
 * @module
 */
import { decodeRecord } from "../protocol/record.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { canonicalBytes } from "../protocol/canonical_json.ts";
import { check, hashId, isInteger, isKey, isObject } from "./_internal.ts";
import { applyTransaction, type Touched } from "./apply.ts";
import { endBlock } from "./appeals.ts";
import { applyEvidence } from "./slashing.ts";
import { LedgerError } from "./errors.ts";
import { proposerOf } from "./proposer.ts";
import type { LedgerState } from "./state.ts";
import {
  assertValidTransaction,
  type SignedTransaction,
} from "./transaction.ts";
import {
  type Evidence,
  evidenceChecks,
  evidenceId,
  type SignatureCheck,
} from "./vote.ts";

/** A block of a ledger. */
export interface Block {
  ledger: string;
  height: number;
  /** The consensus round that proposed it. */
  round: number;
  /** Id of the block at height - 1; null at height 1. */
  prev: string | null;
  proposer: string;
  /** Proposer's time in ms: after the parent's by at least blockIntervalMs. */
  time: number;
  /** Canonical record lines of `ledger` entries. */
  txs: string[];
  evidence: Evidence[];
  /** Root of the state after this block. */
  stateRoot: string;
}

/** Most bytes of a canonical block. */
export const BLOCK_BYTES = 4_000_000;

/** A block's id: SHA-256 of its canonical JSON, base64url. */
export function blockId(block: Block): string {
  return hashId(block);
}

/**
 * Checks a block's fields and size (not its transactions' validity).
 *
 * @throws {LedgerError} `bad_block`, e.g. `Cannot accept block: height is 0, expected ≥ 1`.
 */
export function assertValidBlockShape(value: unknown): asserts value is Block {
  const fail = (m: string) => `Cannot accept block: ${m}`;
  check(isObject(value), "bad_block", fail("expected an object"));
  check(
    Object.keys(value).length === 9,
    "bad_block",
    fail("expected exactly the nine block fields"),
  );
  check(isKey(value.ledger), "bad_block", fail("ledger must be an id"));
  check(
    isInteger(value.height, 1),
    "bad_block",
    fail(`height is ${value.height}, expected ≥ 1`),
  );
  check(
    isInteger(value.round),
    "bad_block",
    fail(`round is ${value.round}, expected ≥ 0`),
  );
  check(
    value.prev === null || isKey(value.prev),
    "bad_block",
    fail("prev must be a block id or null"),
  );
  check(isKey(value.proposer), "bad_block", fail("proposer must be a key"));
  check(isInteger(value.time), "bad_block", fail("time must be ms ≥ 0"));
  check(
    Array.isArray(value.txs) && value.txs.every((t) => typeof t === "string"),
    "bad_block",
    fail("txs must be a list of record lines"),
  );
  check(
    Array.isArray(value.evidence) && value.evidence.every(isObject),
    "bad_block",
    fail("evidence must be a list of objects"),
  );
  check(isKey(value.stateRoot), "bad_block", fail("stateRoot must be a hash"));
  const size = canonicalBytes(value).length;
  check(
    size <= BLOCK_BYTES,
    "bad_block",
    fail(`it has ${size} bytes, at most ${BLOCK_BYTES}`),
  );
}

/**
 * Decodes a block's transaction lines (no signature check; see
 * {@linkcode blockChecks}).
 *
 * @throws {LedgerError} `bad_transaction` or `wrong_ledger`.
 */
export function transactionsOf(block: Block): {
  transactions: SignedTransaction[];
  checks: SignatureCheck[];
} {
  const transactions: SignedTransaction[] = [];
  const checks: SignatureCheck[] = [];
  for (const [index, line] of block.txs.entries()) {
    const { signed, transaction } = decodeTransaction(
      line,
      block.ledger,
      index,
    );
    transactions.push(transaction);
    checks.push(signed);
  }
  return { transactions, checks };
}

/**
 * Decodes one record line carrying a transaction of `ledger`.
 *
 * @throws {LedgerError} `bad_transaction` (not a valid ledger record) or
 * `wrong_ledger`.
 */
export function decodeTransaction(
  line: string,
  ledger: string,
  index = 0,
): { transaction: SignedTransaction; signed: SignatureCheck } {
  const at = `Cannot accept transaction ${index + 1}`;
  let record;
  try {
    record = decodeRecord(line, { now: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    if (error instanceof ProtocolError) {
      throw new LedgerError("bad_transaction", `${at}: ${error.message}`);
    }
    throw error;
  }
  const { entry, content, id } = record;
  check(
    entry.type === "ledger" && content,
    "bad_transaction",
    `${at}: not a ledger entry with content`,
  );
  const body = content as { ledger: string; tx: unknown };
  check(
    body.ledger === ledger,
    "wrong_ledger",
    `${at}: it belongs to ledger ${body.ledger}`,
  );
  assertValidTransaction(body.tx);
  return {
    transaction: { id, signer: entry.author, seq: entry.seq, tx: body.tx },
    signed: { key: entry.author, message: record.signed, sig: entry.sig },
  };
}

/** Every signature a block depends on: its transactions' and its evidence's. */
export function blockChecks(block: Block): SignatureCheck[] {
  return [
    ...transactionsOf(block).checks,
    ...block.evidence.flatMap(evidenceChecks),
  ];
}

/** What executing a block produced. */
export interface Execution {
  /** The state after the block (a speculative copy: `commit()` to keep). */
  state: LedgerState;
  /** Subject keys whose moderation may have changed. */
  touched: Touched;
  /** Whether total stake changed (every threshold moves with it). */
  supplyChanged: boolean;
}

/**
 * Executes `block` on a copy of `state` (the state at height - 1) and
 * checks every rule. Signatures must have been checked (blockChecks).
 *
 * @throws {LedgerError} `bad_block` with the first broken rule, e.g.
 * `Cannot accept block 7: state root differs`, or the error of a
 * transaction or evidence that does not apply.
 *
 * @example
 * ```ts
 * const { state: next } = executeBlock(state, block);
 * next.commit();
 * ```
 */
export function executeBlock(state: LedgerState, block: Block): Execution {
  assertValidBlockShape(block);
  const meta = state.meta;
  const at = `Cannot accept block ${block.height}`;
  check(
    block.ledger === meta.ledger,
    "bad_block",
    `${at}: it belongs to another ledger`,
  );
  check(
    block.height === meta.height + 1,
    "bad_block",
    `${at}: expected height ${meta.height + 1}`,
  );
  check(
    block.prev === state.blockId,
    "bad_block",
    `${at}: prev is not the last block`,
  );
  check(
    block.time >= meta.time + state.params.blockIntervalMs,
    "bad_block",
    `${at}: time ${block.time} is not ${state.params.blockIntervalMs} ms after ${meta.time}`,
  );
  check(
    block.txs.length <= state.params.maxBlockTxs,
    "bad_block",
    `${at}: ${block.txs.length} transactions, at most ${state.params.maxBlockTxs}`,
  );
  const { proposer, priorities } = proposerOf(state, block.round);
  check(
    block.proposer === proposer,
    "bad_block",
    `${at}: round ${block.round} is ${proposer}'s to propose`,
  );
  const { transactions } = transactionsOf(block);
  const ids = new Set(transactions.map((t) => t.id));
  check(
    ids.size === transactions.length,
    "bad_block",
    `${at}: a transaction repeats`,
  );
  const evidenceIds = new Set(block.evidence.map(evidenceId));
  check(
    evidenceIds.size === block.evidence.length,
    "bad_block",
    `${at}: evidence repeats`,
  );
  const next = state.fork();
  const touched: Touched = new Set();
  for (const transaction of transactions) {
    applyTransaction(next, transaction, { height: block.height, touched });
  }
  for (const evidence of block.evidence) {
    applyEvidence(next, evidence, { height: block.height, touched });
  }
  finishBlock(next, block, priorities, touched);
  check(
    next.root() === block.stateRoot,
    "bad_block",
    `${at}: state root differs`,
  );
  next.blockId = blockId(block);
  return {
    state: next,
    touched,
    supplyChanged: next.meta.supply !== meta.supply,
  };
}

function finishBlock(
  state: LedgerState,
  block: Omit<Block, "stateRoot">,
  priorities: Record<string, number>,
  touched: Touched,
): void {
  endBlock(state, { height: block.height, touched });
  state.setPriorities(priorities);
  state.setMeta({
    ...state.meta,
    height: block.height,
    time: block.time,
  });
}

/**
 * Builds a valid block from candidates: transactions and evidence that do
 * not apply (stale, unfunded, already known) are left out, in order.
 * Signatures of the candidates must have been checked.
 *
 * @example
 * ```ts
 * const block = buildBlock(state, { round: 0, time: Date.now(), txs: pool, evidence: [] });
 * ```
 */
export function buildBlock(
  state: LedgerState,
  options: { round: number; time: number; txs: string[]; evidence: Evidence[] },
): Block {
  const meta = state.meta;
  const { proposer, priorities } = proposerOf(state, options.round);
  const height = meta.height + 1;
  const next = state.fork();
  const txs: string[] = [];
  const seen = new Set<string>();
  for (const line of options.txs) {
    if (txs.length >= state.params.maxBlockTxs) break;
    try {
      const { transaction } = decodeTransaction(line, meta.ledger);
      if (seen.has(transaction.id)) continue;
      applyTransaction(next, transaction, { height });
      seen.add(transaction.id);
      txs.push(line);
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
    }
  }
  const evidence: Evidence[] = [];
  const seenEvidence = new Set<string>();
  for (const item of options.evidence) {
    try {
      const id = evidenceId(item);
      if (seenEvidence.has(id)) continue;
      applyEvidence(next, item, { height });
      seenEvidence.add(id);
      evidence.push(item);
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
    }
  }
  const time = Math.max(options.time, meta.time + state.params.blockIntervalMs);
  const block = {
    ledger: meta.ledger,
    height,
    round: options.round,
    prev: state.blockId,
    proposer,
    time,
    txs,
    evidence,
  };
  finishBlock(next, block, priorities, new Set());
  return { ...block, stateRoot: next.root() };
}
