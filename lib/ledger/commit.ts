/**
 * Finality: a block is final with precommits for it, from one round, by
 * validators holding more than 2/3 of the power at its height. Fork
 * choice follows: the only branch is the finalized one, and two commits
 * for different blocks at one height name the validators who signed both.
 *
 * @module
 */
import { check } from "./_internal.ts";
import { type Block, blockId } from "./block.ts";
import { isQuorum, validatorSet } from "./proposer.ts";
import type { LedgerState } from "./state.ts";
import {
  assertValidVote,
  type SignatureCheck,
  type Vote,
  voteCheck,
} from "./vote.ts";

/** A block with the precommits that finalized it. */
export interface FinalizedBlock {
  block: Block;
  commit: Vote[];
}

/**
 * Checks that `commit` finalizes `block` on `state` (the state at height
 * - 1): precommits by distinct active validators, one round, for this
 * block, over 2/3 of power. Returns the signatures to check.
 *
 * @throws {LedgerError} `bad_commit`, e.g.
 * `Cannot accept commit for block 9: precommits hold 50 of 100 power, need more than 2/3`.
 *
 * @example
 * ```ts
 * const checks = commitChecks(state, { block, commit });
 * ```
 */
export function commitChecks(
  state: LedgerState,
  finalized: FinalizedBlock,
): SignatureCheck[] {
  const { block, commit } = finalized;
  const at = `Cannot accept commit for block ${block.height}`;
  check(
    Array.isArray(commit) && commit.length > 0,
    "bad_commit",
    `${at}: no precommits`,
  );
  const id = blockId(block);
  const { members, total } = validatorSet(state);
  const power = new Map(members.map((m) => [m.key, m.power]));
  const signers = new Set<string>();
  let sum = 0;
  for (const vote of commit) {
    assertValidVote(vote);
    check(
      vote.type === "precommit" && vote.block === id &&
        vote.height === block.height &&
        vote.round === commit[0].round && vote.ledger === block.ledger,
      "bad_commit",
      `${at}: a vote is not a precommit for this block in round ${
        commit[0].round
      }`,
    );
    check(
      power.has(vote.validator),
      "bad_commit",
      `${at}: ${vote.validator} is not an active validator`,
    );
    check(
      !signers.has(vote.validator),
      "bad_commit",
      `${at}: ${vote.validator} signed twice`,
    );
    signers.add(vote.validator);
    sum += power.get(vote.validator)!;
  }
  check(
    isQuorum(sum, total),
    "bad_commit",
    `${at}: precommits hold ${sum} of ${total} power, need more than 2/3`,
  );
  return commit.map(voteCheck);
}

/**
 * Fork choice between two finalized blocks at one height: the same block
 * is no conflict; different blocks mean at least 1/3 of power signed both,
 * and those validators are returned (accountable safety). The first seen
 * stays the chain.
 *
 * @example
 * ```ts
 * const { conflict, culprits } = forkChoice(mine, theirs);
 * ```
 */
export function forkChoice(
  first: FinalizedBlock,
  second: FinalizedBlock,
): { keep: FinalizedBlock; conflict: boolean; culprits: string[] } {
  if (blockId(first.block) === blockId(second.block)) {
    return { keep: first, conflict: false, culprits: [] };
  }
  const signedFirst = new Set(first.commit.map((v) => v.validator));
  const culprits = [
    ...new Set(
      second.commit.map((v) => v.validator).filter((k) => signedFirst.has(k)),
    ),
  ].sort();
  return { keep: first, conflict: true, culprits };
}
