/**
 * One simulated node: its ledger state, its consensus machine's host
 * (blocks built, executed and rooted by the real core), its pools of
 * transactions and evidence, the votes it has seen at every height (an
 * evidence pool finds equivocation the machine no longer sees), and the
 * moderation it computes after every block.
 *
 * Signatures are modelled: a 64-byte SHA-256 construction over the key
 * and the real signing bytes, checked where a shell would check them.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64Url, encodeBase64Url } from "../../protocol/base64url.ts";
import { hashId } from "../_internal.ts";
import {
  type Block,
  blockId,
  buildBlock,
  decodeTransaction,
  executeBlock,
  type Execution,
} from "../block.ts";
import { commitChecks, type FinalizedBlock } from "../commit.ts";
import {
  Consensus,
  type ConsensusAction,
  type ConsensusHost,
} from "../consensus.ts";
import type { Genesis } from "../genesis.ts";
import { moderate, updateVerdicts, type Verdict } from "../moderation.ts";
import { proposerOf, validatorSet } from "../proposer.ts";
import { LedgerError } from "../errors.ts";
import { applyEvidence } from "../slashing.ts";
import { LedgerState } from "../state.ts";
import {
  conflicting,
  equivocation,
  type Evidence,
  evidenceChecks,
  evidenceId,
  type SignatureCheck,
  type Vote,
} from "../vote.ts";

const encoder = new TextEncoder();

/** A stand-in key for node `index` (32 bytes, base64url). */
export function simulatedKey(index: number, kind = "validator"): string {
  return encodeBase64Url(sha256(encoder.encode(`${kind}:${index}`)));
}

/** The modelled signature scheme: signs `message` as `key`. */
export function fakeSign(key: string): (message: Uint8Array) => Uint8Array {
  const secret = sha256(encoder.encode(key));
  return (message) => {
    const input = new Uint8Array(secret.length + message.length);
    input.set(secret);
    input.set(message, secret.length);
    const a = sha256(input);
    const out = new Uint8Array(64);
    out.set(a);
    out.set(sha256(a), 32);
    return out;
  };
}

/** Checks a modelled signature. */
export function fakeVerify(check: SignatureCheck): boolean {
  const sig = decodeBase64Url(check.sig);
  const expected = fakeSign(check.key)(check.message);
  return sig != null && sig.length === 64 &&
    sig.every((byte, i) => byte === expected[i]);
}

const blockIds = new WeakMap<Block, string>();
const evidenceIds = new WeakMap<Evidence, string>();

/** A block's id, hashed once per block object (messages share objects). */
export function idOfBlock(block: Block): string {
  let id = blockIds.get(block);
  if (id === undefined) blockIds.set(block, id = blockId(block));
  return id;
}

/** A piece of evidence's id, hashed once per object. */
export function idOfEvidence(evidence: Evidence): string {
  let id = evidenceIds.get(evidence);
  if (id === undefined) evidenceIds.set(evidence, id = evidenceId(evidence));
  return id;
}

/** Digest of a node's moderation output: every verdict, by subject key. */
export function moderationDigest(verdicts: Map<string, Verdict>): string {
  return hashId(
    [...verdicts.keys()].sort().map((key) => [key, verdicts.get(key)]),
  );
}

/** A node of the simulation; see the module doc. */
export class SimNode {
  readonly state: LedgerState;
  consensus!: Consensus;
  readonly chain: string[] = [];
  readonly finalized: FinalizedBlock[] = [];
  /** Moderation digest after each height. */
  readonly moderation: string[] = [];
  readonly verdicts: Map<string, Verdict>;
  /** Pending transaction lines with their signer and nonce. */
  readonly mempool = new Map<string, { signer: string; seq: number }>();
  readonly evidence = new Map<string, Evidence>();
  /** First vote seen per validator, height, round and type. */
  readonly votes = new Map<string, Vote>();
  /** Message keys already handled. */
  readonly seen = new Set<string>();
  /** Last time this node asked a peer to sync, or helped it, by peer. */
  readonly asked = new Map<number, number>();
  readonly helped = new Map<number, number>();
  readonly roundHelped = new Map<number, number>();
  /** Timers that expired while the node was down. */
  readonly paused: (() => void)[] = [];
  /** Commits that failed commitChecks when this node decided. */
  badCommits = 0;
  /** Crash windows the node is in (they may overlap). */
  crashes = 0;
  /** (time, height, round) each time the node enters a new round. */
  readonly steps: { at: number; height: number; round: number }[] = [];
  /** Time of each decision. */
  readonly decidedAt: number[] = [];
  readonly #executions = new Map<string, Execution>();
  readonly #now: () => number;

  constructor(
    readonly index: number,
    genesis: Genesis,
    now: () => number,
  ) {
    this.state = LedgerState.fromGenesis(genesis);
    this.verdicts = moderate(this.state);
    this.#now = now;
  }

  /** Whether the node is down. */
  get down(): boolean {
    return this.crashes > 0;
  }

  /** Creates this node's consensus machine at height 1 and starts it. */
  start(ledger: string): ConsensusAction[] {
    const key = simulatedKey(this.index);
    const t = this.state.params;
    this.consensus = new Consensus(this.host(), {
      ledger,
      self: key,
      sign: fakeSign(key),
      height: 1,
      timeouts: {
        propose: t.timeoutProposeMs,
        prevote: t.timeoutPrevoteMs,
        precommit: t.timeoutPrecommitMs,
        delta: t.timeoutDeltaMs,
      },
    });
    return this.consensus.start();
  }

  /** The host of this node's consensus machine. */
  host(): ConsensusHost {
    return {
      validators: () => validatorSet(this.state),
      proposer: (round) => proposerOf(this.state, round).proposer,
      isValid: (block) => this.#isValid(block),
      propose: (round) =>
        buildBlock(this.state, {
          round,
          time: Math.floor(this.#now()),
          txs: [...this.mempool.keys()],
          evidence: [...this.evidence.values()],
        }),
      decide: (finalized) => this.#decide(finalized),
    };
  }

  /**
   * Whether a commit for the current height checks out: shape, power and
   * (unless `signed` is false: the machine assembled it) signatures.
   */
  verifyCommit(finalized: FinalizedBlock, signed = true): boolean {
    try {
      const checks = commitChecks(this.state, finalized);
      return !signed || checks.every(fakeVerify);
    } catch (error) {
      if (error instanceof LedgerError) return false;
      throw error;
    }
  }

  /**
   * Records a vote seen on the wire; returns evidence when the same
   * validator signed a different one for the same height, round and type.
   */
  witness(vote: Vote): Evidence | null {
    const key = `${vote.validator}/${vote.height}/${vote.round}/${vote.type}`;
    const seen = this.votes.get(key);
    if (!seen) {
      this.votes.set(key, vote);
      return null;
    }
    return conflicting(seen, vote) ? equivocation(seen, vote) : null;
  }

  /** Adds evidence to the pool when it still punishes someone; returns whether new. */
  addEvidence(evidence: Evidence): boolean {
    const id = idOfEvidence(evidence);
    if (this.evidence.has(id) || !this.#pending(evidence)) return false;
    if (!evidenceChecks(evidence).every(fakeVerify)) return false;
    this.evidence.set(id, evidence);
    return true;
  }

  /**
   * Whether evidence can still go in a block (the slashing rules decide:
   * not yet punished, not too old); evidence from heights this node has
   * not reached yet is kept.
   */
  #pending(evidence: Evidence): boolean {
    const height = this.state.meta.height + 1;
    if (evidence.kind === "equivocation" && evidence.votes[0].height > height) {
      return true;
    }
    try {
      applyEvidence(this.state.fork(), evidence, { height });
      return true;
    } catch (error) {
      if (error instanceof LedgerError) return false;
      throw error;
    }
  }

  /** Adds a transaction line to the pool unless it is malformed or stale. */
  addTransaction(line: string): void {
    if (this.mempool.has(line)) return;
    try {
      const { transaction: { signer, seq }, signed } = decodeTransaction(
        line,
        this.state.meta.ledger,
      );
      if (seq > this.state.nonce(signer) && fakeVerify(signed)) {
        this.mempool.set(line, { signer, seq });
      }
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
    }
  }

  #isValid(block: Block): boolean {
    try {
      this.#executions.set(idOfBlock(block), executeBlock(this.state, block));
      return true;
    } catch (error) {
      // Anything but a broken rule is a bug, and the run stops on it.
      if (error instanceof LedgerError) return false;
      throw error;
    }
  }

  #decide(finalized: FinalizedBlock): void {
    if (!this.verifyCommit(finalized, false)) this.badCommits++;
    const id = idOfBlock(finalized.block);
    const execution = this.#executions.get(id) ??
      executeBlock(this.state, finalized.block);
    execution.state.commit();
    this.#executions.clear();
    updateVerdicts(this.verdicts, this.state, execution);
    this.chain.push(id);
    this.finalized.push(finalized);
    this.decidedAt.push(this.#now());
    this.moderation.push(moderationDigest(this.verdicts));
    for (const [line, { signer, seq }] of this.mempool) {
      if (seq <= this.state.nonce(signer)) this.mempool.delete(line);
    }
    for (const [key, item] of this.evidence) {
      if (!this.#pending(item)) this.evidence.delete(key);
    }
  }
}
