/**
 * The proof-of-stake moderation ledger, pure: genesis, transactions,
 * state and its root, blocks, proposer selection, Tendermint consensus as
 * a state machine, finality and fork choice, slashing, and the moderation
 * function. No Deno APIs, no clock. Specified in docs/ledger.md.
 *
 * @example
 * ```ts
 * import { executeBlock, LedgerState, moderate } from "./lib/ledger/mod.ts";
 * const state = LedgerState.fromGenesis(genesis);
 * executeBlock(state, block).state.commit();
 * const verdicts = moderate(state);
 * ```
 *
 * @module
 */
export { LedgerError, type LedgerErrorReason } from "./errors.ts";
export {
  assertValidGenesis,
  DEFAULT_PARAMS,
  FLAG_CATEGORIES,
  type FlagCategory,
  type FlagEffect,
  type Genesis,
  ledgerIdOf,
  type LedgerParams,
} from "./genesis.ts";
export {
  assertValidTransaction,
  CHECKPOINT_HEADS,
  isValidTransaction,
  type LogHeadClaim,
  NOTE_CHARS,
  type SignedTransaction,
  type Transaction,
  TRANSACTION_TYPES,
  type TransactionType,
} from "./transaction.ts";
export {
  type Account,
  type Appeal,
  type Checkpoint,
  type Flag,
  type Forked,
  LedgerState,
  type Meta,
  type Subject,
  subjectKey,
  type SubjectRecord,
  type Validator,
} from "./state.ts";
export { applyTransaction, type Touched } from "./apply.ts";
export { applyEvidence } from "./slashing.ts";
export { endBlock, tally } from "./appeals.ts";
export {
  assertValidBlockShape,
  type Block,
  BLOCK_BYTES,
  blockChecks,
  blockId,
  buildBlock,
  decodeTransaction,
  executeBlock,
  type Execution,
} from "./block.ts";
export {
  assertValidVote,
  conflicting,
  equivocation,
  type Evidence,
  evidenceChecks,
  evidenceId,
  type Proposal,
  proposalCheck,
  proposalSigningBytes,
  type SignatureCheck,
  type Vote,
  voteCheck,
  voteSigningBytes,
  type VoteType,
} from "./vote.ts";
export {
  isOneThird,
  isQuorum,
  proposerOf,
  type ValidatorSet,
  validatorSet,
} from "./proposer.ts";
export { commitChecks, type FinalizedBlock, forkChoice } from "./commit.ts";
export {
  Consensus,
  type ConsensusAction,
  type ConsensusHost,
  type ConsensusOptions,
  type Step,
} from "./consensus.ts";
export {
  type FlagEvidence,
  type Label,
  moderate,
  updateVerdicts,
  type Verdict,
  verdictOf,
} from "./moderation.ts";
