/**
 * The one error class of lib/ledger, with a machine-readable reason.
 *
 * @module
 */

/** Why a genesis, transaction, block, vote or evidence is refused. */
export type LedgerErrorReason =
  /** The genesis document breaks a rule. */
  | "bad_genesis"
  /** A transaction's shape or fields are wrong. */
  | "bad_transaction"
  /** The record carrying a transaction is not a ledger entry of this ledger. */
  | "wrong_ledger"
  /** The signer's entry seq does not exceed the last one applied. */
  | "stale_nonce"
  /** The signer does not hold enough free stake. */
  | "insufficient_stake"
  /** The transaction names a validator, flag or appeal that does not exist. */
  | "unknown_target"
  /** The transaction is valid in shape but not allowed in this state. */
  | "not_allowed"
  /** A block's fields, height, parent, proposer or state root are wrong. */
  | "bad_block"
  /** A vote or proposal is malformed or from outside the validator set. */
  | "bad_vote"
  /** Evidence does not prove what it claims, or is stale or known. */
  | "bad_evidence"
  /** A commit lacks more than 2/3 of stake or holds a bad vote. */
  | "bad_commit";

/**
 * Thrown by lib/ledger when an input breaks a rule of docs/ledger.md.
 *
 * @example
 * ```ts
 * try { applyTransaction(state, tx); } catch (e) {
 *   if (e instanceof LedgerError && e.reason === "insufficient_stake") skip(tx);
 * }
 * ```
 */
export class LedgerError extends Error {
  /** Machine-readable reason. */
  readonly reason: LedgerErrorReason;

  /** Creates the error; `message` says what is wrong and what was expected. */
  constructor(reason: LedgerErrorReason, message: string) {
    super(message);
    this.name = "LedgerError";
    this.reason = reason;
  }
}
