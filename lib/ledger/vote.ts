/**
 * Consensus messages: votes and proposals, their signing bytes, and the
 * evidence a validator gives away by signing two of a kind.
 *
 * @module
 */
import { decodeBase64Url } from "../protocol/base64url.ts";
import { signingBytes } from "../protocol/entry.ts";
import type { ForkProof } from "../log/fork_proof.ts";
import {
  check,
  domainBytes,
  hashId,
  isInteger,
  isKey,
  isObject,
} from "./_internal.ts";
import type { Block } from "./block.ts";

/** Prevote or precommit. */
export type VoteType = "prevote" | "precommit";

/** A signed vote for a block id (or for nothing: `block: null`). */
export interface Vote {
  ledger: string;
  height: number;
  round: number;
  type: VoteType;
  block: string | null;
  validator: string;
  sig: string;
}

/** A signed proposal of `block` at height/round; `polRound` is -1 or the round of its prevote quorum. */
export interface Proposal {
  ledger: string;
  height: number;
  round: number;
  polRound: number;
  block: Block;
  proposer: string;
  sig: string;
}

/** Self-verifying evidence carried in blocks. */
export type Evidence =
  | { kind: "equivocation"; votes: [Vote, Vote] }
  | { kind: "fork"; proof: ForkProof };

/** A signature the shell must check before the pure core trusts a value. */
export interface SignatureCheck {
  key: string;
  message: Uint8Array;
  sig: string;
}

/** Bytes a validator signs for a vote. */
export function voteSigningBytes(vote: Omit<Vote, "sig"> | Vote): Uint8Array {
  const { ledger, height, round, type, block, validator } = vote;
  return domainBytes("kith-ledger/v1 vote", {
    ledger,
    height,
    round,
    type,
    block,
    validator,
  });
}

/** Bytes a proposer signs for a proposal (the block by its id). */
export function proposalSigningBytes(
  proposal: Omit<Proposal, "sig"> | Proposal,
): Uint8Array {
  const { ledger, height, round, polRound, block, proposer } = proposal;
  return domainBytes("kith-ledger/v1 proposal", {
    ledger,
    height,
    round,
    polRound,
    block: hashId(block),
    proposer,
  });
}

/**
 * Checks a vote's shape (not its signature; see {@linkcode voteCheck}).
 *
 * @throws {LedgerError} `bad_vote`, e.g. `Cannot accept vote: round is -1, expected ≥ 0`.
 *
 * @example
 * ```ts
 * assertValidVote(JSON.parse(line));
 * ```
 */
export function assertValidVote(value: unknown): asserts value is Vote {
  const fail = (m: string) => `Cannot accept vote: ${m}`;
  check(isObject(value), "bad_vote", fail("expected an object"));
  check(
    Object.keys(value).length === 7,
    "bad_vote",
    fail("expected exactly ledger, height, round, type, block, validator, sig"),
  );
  check(isKey(value.ledger), "bad_vote", fail("ledger must be an id"));
  check(
    isInteger(value.height, 1),
    "bad_vote",
    fail(`height is ${value.height}, expected ≥ 1`),
  );
  check(
    isInteger(value.round),
    "bad_vote",
    fail(`round is ${value.round}, expected ≥ 0`),
  );
  check(
    value.type === "prevote" || value.type === "precommit",
    "bad_vote",
    fail('type must be "prevote" or "precommit"'),
  );
  check(
    value.block === null || isKey(value.block),
    "bad_vote",
    fail("block must be a block id or null"),
  );
  check(isKey(value.validator), "bad_vote", fail("validator must be a key"));
  check(
    typeof value.sig === "string" && decodeBase64Url(value.sig)?.length === 64,
    "bad_vote",
    fail("sig must be 64 bytes of base64url"),
  );
}

/** The signature check of a vote. */
export function voteCheck(vote: Vote): SignatureCheck {
  return {
    key: vote.validator,
    message: voteSigningBytes(vote),
    sig: vote.sig,
  };
}

/** The signature check of a proposal. */
export function proposalCheck(proposal: Proposal): SignatureCheck {
  return {
    key: proposal.proposer,
    message: proposalSigningBytes(proposal),
    sig: proposal.sig,
  };
}

/**
 * Whether two votes are equivocation: one validator, one ledger, height,
 * round and type, two different blocks.
 *
 * @example
 * ```ts
 * if (conflicting(seen, vote)) pool.add({ kind: "equivocation", votes: [seen, vote] });
 * ```
 */
export function conflicting(a: Vote, b: Vote): boolean {
  return a.validator === b.validator && a.ledger === b.ledger &&
    a.height === b.height && a.round === b.round && a.type === b.type &&
    a.block !== b.block;
}

/** Equivocation evidence from two conflicting votes, in a canonical order. */
export function equivocation(a: Vote, b: Vote): Evidence {
  return { kind: "equivocation", votes: a.sig < b.sig ? [a, b] : [b, a] };
}

/** Id of a piece of evidence: SHA-256 of its canonical form. */
export function evidenceId(evidence: Evidence): string {
  return hashId(evidence);
}

/** Signature checks of a piece of evidence. */
export function evidenceChecks(evidence: Evidence): SignatureCheck[] {
  if (evidence.kind === "equivocation") return evidence.votes.map(voteCheck);
  return evidence.proof.entries.map((entry) => ({
    key: entry.author,
    message: signingBytes(entry),
    sig: entry.sig,
  }));
}
