/**
 * Transactions waiting for a block, and what became of recent ones: a
 * stake holder's client asks whether its entry was included, is still
 * waiting, or is refused by the ledger's current state (and why).
 *
 * @module
 */
import {
  applyTransaction,
  decodeTransaction,
  type FinalizedBlock,
  LedgerError,
  type LedgerState,
} from "../ledger/mod.ts";
import { entryIdOfLine } from "../protocol/mod.ts";

/** Pending transactions kept at most. */
const MAX_POOL = 20_000;
/** Included transactions remembered (entry id -> height). */
const MAX_INCLUDED = 20_000;

/** What became of a transaction entry. */
export type TransactionStatus =
  | { status: "included"; height: number }
  | { status: "pending" }
  /** Waiting, but the current state refuses it: it will not be included as it is. */
  | { status: "refused"; reason: string; message: string }
  | { status: "unknown" };

/** The pool of one ledger; see the module doc. */
export class TransactionPool {
  readonly #ledger: string;
  readonly #lines = new Map<string, string>();
  readonly #included = new Map<string, number>();

  /** An empty pool of ledger `ledger`. */
  constructor(ledger: string) {
    this.#ledger = ledger;
  }

  /** Pending record lines, oldest first. */
  get lines(): string[] {
    return [...this.#lines.values()];
  }

  /** Pending transactions. */
  get size(): number {
    return this.#lines.size;
  }

  /**
   * Adds a verified record line unless it is another ledger's, malformed,
   * already applied (by nonce) or the pool is full. Returns whether added.
   */
  add(entryId: string, line: string, state: LedgerState): boolean {
    if (this.#lines.has(entryId) || this.#lines.size >= MAX_POOL) return false;
    try {
      const { transaction } = decodeTransaction(line, this.#ledger);
      if (transaction.seq <= state.nonce(transaction.signer)) return false;
    } catch {
      return false;
    }
    this.#lines.set(entryId, line);
    return true;
  }

  /**
   * After a block: remembers its transactions as included and drops every
   * pending one the state has moved past (its nonce is used). Returns the
   * entry ids dropped.
   */
  settle(finalized: FinalizedBlock, state: LedgerState): string[] {
    for (const line of finalized.block.txs) {
      this.#remember(entryIdOfLine(line), finalized.block.height);
    }
    const dropped: string[] = [];
    for (const [entryId, line] of this.#lines) {
      try {
        const { transaction } = decodeTransaction(line, this.#ledger);
        if (transaction.seq <= state.nonce(transaction.signer)) {
          dropped.push(entryId);
        }
      } catch {
        dropped.push(entryId);
      }
    }
    for (const entryId of dropped) this.#lines.delete(entryId);
    return dropped;
  }

  /**
   * What became of entry `entryId`: included at a height (if recent),
   * pending, refused by the current state with the ledger's reason, or
   * unknown here.
   */
  status(entryId: string, state: LedgerState): TransactionStatus {
    const height = this.#included.get(entryId);
    if (height !== undefined) return { status: "included", height };
    const line = this.#lines.get(entryId);
    if (!line) return { status: "unknown" };
    try {
      const { transaction } = decodeTransaction(line, this.#ledger);
      // A dry run on a throwaway copy: the reason a proposer would skip it.
      applyTransaction(state.fork(), transaction, {
        height: state.meta.height + 1,
      });
      return { status: "pending" };
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      return {
        status: "refused",
        reason: error.reason,
        message: error.message,
      };
    }
  }

  /** Remembers the transactions of a replayed block as included. */
  replayed(finalized: FinalizedBlock): void {
    for (const line of finalized.block.txs) {
      this.#remember(entryIdOfLine(line), finalized.block.height);
    }
  }

  #remember(entryId: string, height: number): void {
    this.#included.set(entryId, height);
    if (this.#included.size > MAX_INCLUDED) {
      this.#included.delete(this.#included.keys().next().value!);
    }
  }
}
