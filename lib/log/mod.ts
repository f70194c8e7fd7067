/**
 * Per-author log rules, pure: where an entry fits in a log, where a log
 * breaks, and fork proofs.
 *
 * @example
 * ```ts
 * import { chainVerdict } from "./lib/log/mod.ts";
 * const verdict = chainVerdict(head, { seq, prev, id }, storedIdAt);
 * ```
 *
 * @module
 */
export {
  type ChainVerdict,
  chainVerdict,
  findChainBreak,
  type LogHead,
} from "./chain.ts";
export {
  type ForkProof,
  ForkProofError,
  forkProofId,
  makeForkProof,
  verifyForkProof,
} from "./fork_proof.ts";
