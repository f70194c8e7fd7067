/**
 * Tendermint consensus for one validator (or follower) as a pure state
 * machine: events in (proposals, votes, timeouts, commits), actions out
 * (broadcast, schedule a timeout, evidence, behind). No clock, no I/O:
 * the shell runs timers and sockets, the simulator runs a model of both.
 *
 * The rules are those of "The latest gossip on BFT consensus" (Buchman,
 * Kwon, Milosevic, 2018) with stake-weighted quorums: "2f+1" is more than
 * 2/3 of power, "f+1" more than 1/3. Locking (lockedValue/lockedRound)
 * keeps an honest validator from helping to finalize two blocks at one
 * height.
 *
 * @module
 */
import { encodeBase64Url } from "../protocol/base64url.ts";
import { type Block, blockId } from "./block.ts";
import type { FinalizedBlock } from "./commit.ts";
import { isOneThird, isQuorum, type ValidatorSet } from "./proposer.ts";
import {
  conflicting,
  equivocation,
  type Evidence,
  type Proposal,
  proposalSigningBytes,
  type Vote,
  voteSigningBytes,
  type VoteType,
} from "./vote.ts";

/** Steps of a round. */
export type Step = "propose" | "prevote" | "precommit";

/**
 * Timers: one per step, and "gossip", which re-sends this node's messages
 * of the round while the round lasts (a dropped vote is sent again).
 */
export type Timer = Step | "gossip";

/** What the consensus machine needs from the chain it runs on. */
export interface ConsensusHost {
  /** Validators of the height being decided (state at height - 1). */
  validators(): ValidatorSet;
  /** The proposer of `round` at the current height. */
  proposer(round: number): string;
  /** Whether `block` is valid on the current state (signatures already checked). */
  isValid(block: Block): boolean;
  /** A new block for `round` (this node is its proposer). */
  propose(round: number): Block;
  /** Applies a decided block; the machine then starts the next height. */
  decide(finalized: FinalizedBlock): void;
}

/** What the shell must do. */
export type ConsensusAction =
  | { type: "broadcast"; proposal: Proposal }
  | { type: "broadcast"; vote: Vote }
  | { type: "timeout"; height: number; round: number; step: Timer; ms: number }
  | { type: "evidence"; evidence: Evidence }
  | { type: "decided"; finalized: FinalizedBlock }
  /** A message from a later height arrived: fetch commits up to it. */
  | { type: "behind"; height: number };

/** Options of {@linkcode Consensus}. */
export interface ConsensusOptions {
  ledger: string;
  /** This validator's key; null for a follower that only verifies. */
  self: string | null;
  /** Signs bytes with this validator's key (64-byte signature). */
  sign?: (message: Uint8Array) => Uint8Array;
  /** Height to start at (the last decided height + 1). */
  height: number;
  timeouts: {
    propose: number;
    prevote: number;
    precommit: number;
    delta: number;
  };
}

/** Rounds beyond the current one whose messages are kept. */
const MAX_ROUNDS_AHEAD = 64;

const ids = new WeakMap<Block, string>();
/** Block ids, hashed once per block object. */
function idOf(block: Block): string {
  let id = ids.get(block);
  if (!id) {
    id = blockId(block);
    ids.set(block, id);
  }
  return id;
}

interface RoundVotes {
  prevote: Map<string, Vote>;
  precommit: Map<string, Vote>;
}

/** One node's Tendermint state machine; see the module doc. */
export class Consensus {
  readonly #options: ConsensusOptions;
  readonly #host: ConsensusHost;
  height: number;
  round = 0;
  step: Step = "propose";
  #set!: ValidatorSet;
  #power = new Map<string, number>();
  #lockedValue: Block | null = null;
  #lockedRound = -1;
  #validValue: Block | null = null;
  #validRound = -1;
  #proposals = new Map<number, Proposal>();
  #votes = new Map<number, RoundVotes>();
  #valid = new Map<string, boolean>();
  #done = new Set<string>();
  #future: (Proposal | Vote)[] = [];
  #evidence = new Set<string>();

  /** A machine at `options.height`; call {@linkcode start}. */
  constructor(host: ConsensusHost, options: ConsensusOptions) {
    this.#host = host;
    this.#options = options;
    this.height = options.height;
  }

  /** Starts round 0 of the current height. */
  start(): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    this.#newHeight(this.height);
    this.#startRound(0, out);
    return out;
  }

  /** A proposal whose signature the shell checked. */
  onProposal(proposal: Proposal): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    if (proposal.ledger !== this.#options.ledger) return out;
    if (proposal.height > this.height) return this.#later(proposal, out);
    if (proposal.height < this.height) return out;
    if (proposal.proposer !== this.#host.proposer(proposal.round)) return out;
    if (this.#proposals.has(proposal.round)) return out;
    if (proposal.round > this.round + MAX_ROUNDS_AHEAD) return out;
    this.#proposals.set(proposal.round, proposal);
    this.#run(out);
    return out;
  }

  /** A vote whose signature the shell checked. */
  onVote(vote: Vote): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    if (vote.ledger !== this.#options.ledger) return out;
    if (vote.height > this.height) return this.#later(vote, out);
    if (vote.height < this.height || !this.#power.has(vote.validator)) {
      return out;
    }
    // Rounds far ahead are not kept: a validator cannot grow this map.
    if (vote.round > this.round + MAX_ROUNDS_AHEAD) return out;
    const votes = this.#roundVotes(vote.round)[vote.type];
    const seen = votes.get(vote.validator);
    if (seen) {
      if (conflicting(seen, vote)) this.#report(equivocation(seen, vote), out);
      return out;
    }
    votes.set(vote.validator, vote);
    this.#run(out);
    return out;
  }

  /** A timeout the shell scheduled has fired. */
  onTimeout(height: number, round: number, step: Timer): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    if (height !== this.height || round !== this.round) return out;
    if (step === "gossip") {
      // Send again what this node said in the round: drops heal.
      this.#regossip(out);
      out.push(this.#timeout("gossip"));
      return out;
    }
    if (step === "propose" && this.step === "propose") {
      this.#vote("prevote", null, out);
      this.step = "prevote";
    } else if (step === "prevote" && this.step === "prevote") {
      this.#vote("precommit", null, out);
      this.step = "precommit";
    } else if (step === "precommit") {
      this.#startRound(this.round + 1, out);
      return out;
    }
    this.#run(out);
    return out;
  }

  /** A finalized block (commit verified by the shell) for the current height. */
  onCommit(finalized: FinalizedBlock): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    if (finalized.block.height !== this.height) return out;
    if (!this.#isValid(finalized.block)) return out;
    this.#decide(finalized, out);
    return out;
  }

  /** Pieces of evidence this node has seen. */
  get evidenceSeen(): number {
    return this.#evidence.size;
  }

  #later(message: Proposal | Vote, out: ConsensusAction[]): ConsensusAction[] {
    if (message.height === this.height + 1 && this.#future.length < 10_000) {
      this.#future.push(message);
    }
    out.push({ type: "behind", height: message.height });
    return out;
  }

  #newHeight(height: number): void {
    this.height = height;
    this.#set = this.#host.validators();
    this.#power = new Map(this.#set.members.map((m) => [m.key, m.power]));
    this.#lockedValue = this.#validValue = null;
    this.#lockedRound = this.#validRound = -1;
    this.#proposals.clear();
    this.#votes.clear();
    this.#valid.clear();
    this.#done.clear();
  }

  #startRound(round: number, out: ConsensusAction[]): void {
    this.round = round;
    this.step = "propose";
    const { self } = this.#options;
    if (self && this.#host.proposer(round) === self) {
      const block = this.#validValue ?? this.#host.propose(round);
      const unsigned = {
        ledger: this.#options.ledger,
        height: this.height,
        round,
        polRound: this.#validValue ? this.#validRound : -1,
        block,
        proposer: self,
      };
      const proposal: Proposal = {
        ...unsigned,
        sig: encodeBase64Url(
          this.#options.sign!(proposalSigningBytes(unsigned)),
        ),
      };
      this.#proposals.set(round, proposal);
      out.push({ type: "broadcast", proposal });
    }
    out.push(this.#timeout("propose"), this.#timeout("gossip"));
    this.#run(out);
  }

  #timeout(step: Timer): ConsensusAction {
    const t = this.#options.timeouts;
    const base = step === "propose" || step === "gossip"
      ? t.propose
      : step === "prevote"
      ? t.prevote
      : t.precommit;
    return {
      type: "timeout",
      height: this.height,
      round: this.round,
      step,
      ms: base + this.round * t.delta,
    };
  }

  /** Applies the "upon" rules until none fires. */
  #run(out: ConsensusAction[]): void {
    for (let guard = 0; guard < 100; guard++) {
      if (!this.#step(out)) return;
    }
  }

  #step(out: ConsensusAction[]): boolean {
    const height = this.height;
    const r = this.round;
    // Decision (any round): a proposal with precommits over 2/3 for it.
    for (const [round, proposal] of this.#proposals) {
      const id = idOf(proposal.block);
      const votes = this.#roundVotes(round).precommit;
      if (
        isQuorum(this.#weight(votes, id), this.#set.total) &&
        this.#isValid(proposal.block)
      ) {
        this.#decide({
          block: proposal.block,
          commit: this.#matching(votes, id),
        }, out);
        return this.height !== height;
      }
    }
    const proposal = this.#proposals.get(r);
    const prevotes = this.#roundVotes(r).prevote;
    if (proposal && this.step === "propose") {
      const id = idOf(proposal.block);
      const vr = proposal.polRound;
      if (vr === -1) {
        const ok = this.#isValid(proposal.block) &&
          (this.#lockedRound === -1 || this.#lockedId() === id);
        this.#vote("prevote", ok ? id : null, out);
        this.step = "prevote";
        return true;
      }
      if (
        vr < r &&
        isQuorum(
          this.#weight(this.#roundVotes(vr).prevote, id),
          this.#set.total,
        )
      ) {
        const ok = this.#isValid(proposal.block) &&
          (this.#lockedRound <= vr || this.#lockedId() === id);
        this.#vote("prevote", ok ? id : null, out);
        this.step = "prevote";
        return true;
      }
    }
    if (
      this.step === "prevote" &&
      this.#once(
        `prevote-any:${r}`,
        isQuorum(this.#weight(prevotes), this.#set.total),
      )
    ) {
      out.push(this.#timeout("prevote"));
    }
    if (proposal && this.step !== "propose") {
      const id = idOf(proposal.block);
      if (
        isQuorum(this.#weight(prevotes, id), this.#set.total) &&
        this.#isValid(proposal.block) && !this.#done.has(`polka:${r}`)
      ) {
        this.#done.add(`polka:${r}`);
        if (this.step === "prevote") {
          this.#lockedValue = proposal.block;
          this.#lockedRound = r;
          this.#vote("precommit", id, out);
          this.step = "precommit";
        }
        this.#validValue = proposal.block;
        this.#validRound = r;
        return true;
      }
    }
    if (
      this.step === "prevote" &&
      isQuorum(this.#weight(prevotes, null), this.#set.total)
    ) {
      this.#vote("precommit", null, out);
      this.step = "precommit";
      return true;
    }
    const precommits = this.#roundVotes(r).precommit;
    if (
      this.#once(
        `precommit-any:${r}`,
        isQuorum(this.#weight(precommits), this.#set.total),
      )
    ) {
      out.push(this.#timeout("precommit"));
    }
    // Round skip: more than 1/3 of power is already in a later round.
    for (const round of [...this.#votes.keys()].sort((a, b) => b - a)) {
      if (round <= r) break;
      const { prevote, precommit } = this.#votes.get(round)!;
      const signers = new Set([...prevote.keys(), ...precommit.keys()]);
      let power = 0;
      for (const key of signers) power += this.#power.get(key) ?? 0;
      if (isOneThird(power, this.#set.total)) {
        this.#startRound(round, out);
        return true;
      }
    }
    return false;
  }

  #decide(finalized: FinalizedBlock, out: ConsensusAction[]): void {
    this.#host.decide(finalized);
    out.push({ type: "decided", finalized });
    this.#newHeight(this.height + 1);
    const future = this.#future;
    this.#future = [];
    this.#startRound(0, out);
    for (const message of future) {
      out.push(
        ...("proposer" in message
          ? this.onProposal(message)
          : this.onVote(message)),
      );
    }
  }

  #vote(type: VoteType, block: string | null, out: ConsensusAction[]): void {
    const { self, sign, ledger } = this.#options;
    if (!self || !this.#power.has(self)) return;
    const unsigned = {
      ledger,
      height: this.height,
      round: this.round,
      type,
      block,
      validator: self,
    };
    const vote: Vote = {
      ...unsigned,
      sig: encodeBase64Url(sign!(voteSigningBytes(unsigned))),
    };
    this.#roundVotes(this.round)[type].set(self, vote);
    out.push({ type: "broadcast", vote });
  }

  #regossip(out: ConsensusAction[]): void {
    const self = this.#options.self;
    if (!self) return;
    const proposal = this.#proposals.get(this.round);
    if (proposal?.proposer === self) out.push({ type: "broadcast", proposal });
    const votes = this.#votes.get(this.round);
    for (const type of ["prevote", "precommit"] as const) {
      const vote = votes?.[type].get(self);
      if (vote) out.push({ type: "broadcast", vote });
    }
  }

  #report(evidence: Evidence, out: ConsensusAction[]): void {
    const key = JSON.stringify(
      evidence.kind === "equivocation" ? evidence.votes.map((v) => v.sig) : [],
    );
    if (this.#evidence.has(key)) return;
    this.#evidence.add(key);
    out.push({ type: "evidence", evidence });
  }

  #roundVotes(round: number): RoundVotes {
    let votes = this.#votes.get(round);
    if (!votes) {
      votes = { prevote: new Map(), precommit: new Map() };
      this.#votes.set(round, votes);
    }
    return votes;
  }

  /** Power of votes for `block` (undefined: for anything). */
  #weight(votes: Map<string, Vote>, block?: string | null): number {
    let sum = 0;
    for (const vote of votes.values()) {
      if (block === undefined || vote.block === block) {
        sum += this.#power.get(vote.validator) ?? 0;
      }
    }
    return sum;
  }

  #matching(votes: Map<string, Vote>, block: string): Vote[] {
    return [...votes.values()].filter((v) => v.block === block)
      .sort((a, b) => (a.validator < b.validator ? -1 : 1));
  }

  #isValid(block: Block): boolean {
    const id = idOf(block);
    let valid = this.#valid.get(id);
    if (valid === undefined) {
      valid = this.#host.isValid(block);
      this.#valid.set(id, valid);
    }
    return valid;
  }

  #lockedId(): string | null {
    return this.#lockedValue ? idOf(this.#lockedValue) : null;
  }

  #once(key: string, condition: boolean): boolean {
    if (!condition || this.#done.has(key)) return false;
    this.#done.add(key);
    return true;
  }
}
