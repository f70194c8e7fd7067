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
 * height. As in the paper, every message received counts: a byzantine
 * validator's two votes each count for their own block, and a byzantine
 * proposer's two proposals are both candidates (a few of each are kept).
 *
 * Liveness also needs the paper's gossip: what one correct node received
 * must reach the others. The gossip timer re-sends this node's own
 * messages of the round; the shell must also relay what it receives,
 * send a peer that is behind in rounds {@linkcode Consensus.roundMessages},
 * send a re-proposal (polRound ≥ 0) with the prevotes of that round, and
 * answer "behind" with commits. lib/ledger/simulation does all of this.
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
 * Timers: one per step; "gossip", which re-sends this node's messages of
 * the round while the round lasts (a dropped vote is sent again); and,
 * with {@linkcode ConsensusOptions.pause}, "commit" and "idle", which end
 * the wait between two heights.
 */
export type Timer = Step | "gossip" | "commit" | "idle";

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
  /** Whether transactions or evidence wait for a block (see `pause`). */
  hasWork?(): boolean;
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
  /**
   * Wait between heights (node policy, not a rule): after a decision the
   * next height starts once `commitMs` passed and there is work (the
   * host's `hasWork`, or {@linkcode Consensus.onWork}), or once `idleMs`
   * passed, or at once when a proposal or vote for it arrives. Without it
   * the next height starts at once, and an idle ledger makes empty blocks
   * as fast as the network allows.
   */
  pause?: { commitMs: number; idleMs: number };
}

/** Rounds beyond the current one whose messages are kept. */
const MAX_ROUNDS_AHEAD = 64;

/**
 * Votes kept per validator, round and type: the first, and conflicting
 * ones up to this many in all. An equivocator's vote for a block counts
 * towards that block (each tally is of validators that signed for it, so
 * two quorums still share an honest validator); without this a node that
 * first saw the other vote could never see a polka the equivocator helped
 * to make, and would refuse a re-proposal that others are locked on.
 */
const MAX_VOTES_PER_SIGNER = 4;

/**
 * Proposals kept per round. Only the round's proposer may propose, but a
 * byzantine one can send different blocks to different nodes; as in the
 * paper, every proposal received counts for the rules that need "a
 * proposal and a quorum for it", so a node whose first proposal was not
 * the one the others prevoted can still lock and decide.
 */
const MAX_PROPOSALS_PER_ROUND = 4;

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

/** A round's votes of one type: every vote kept, by validator. */
type Tally = Map<string, Vote[]>;

interface RoundVotes {
  prevote: Tally;
  precommit: Tally;
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
  #proposals = new Map<number, Proposal[]>();
  #votes = new Map<number, RoundVotes>();
  #valid = new Map<string, boolean>();
  #done = new Set<string>();
  #future: (Proposal | Vote)[] = [];
  /**
   * Between heights (with `pause`): "commit" until the commit time passed,
   * then "work" until there is work; null while a height runs.
   */
  #waiting: "commit" | "work" | null = null;
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

  /** Whether the machine waits between heights (see `pause`). */
  get waiting(): boolean {
    return this.#waiting !== null;
  }

  /**
   * Transactions or evidence arrived: a machine waiting between heights
   * starts the next one once its commit time has passed.
   */
  onWork(): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    if (this.#waiting === "work") this.#wake(out);
    return out;
  }

  /** A proposal whose signature the shell checked. */
  onProposal(proposal: Proposal): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    if (proposal.ledger !== this.#options.ledger) return out;
    if (proposal.height > this.height) return this.#later(proposal, out);
    if (proposal.height < this.height) return out;
    this.#wake(out);
    if (proposal.proposer !== this.#host.proposer(proposal.round)) return out;
    if (proposal.round > this.round + MAX_ROUNDS_AHEAD) return out;
    const held = this.#proposals.get(proposal.round) ?? [];
    if (
      held.length >= MAX_PROPOSALS_PER_ROUND ||
      held.some((p) => p.sig === proposal.sig)
    ) return out;
    held.push(proposal);
    this.#proposals.set(proposal.round, held);
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
    this.#wake(out);
    // Rounds far ahead are not kept: a validator cannot grow this map.
    if (vote.round > this.round + MAX_ROUNDS_AHEAD) return out;
    const votes = this.#roundVotes(vote.round)[vote.type];
    const seen = votes.get(vote.validator);
    if (!seen) votes.set(vote.validator, [vote]);
    else {
      if (seen.some((v) => v.block === vote.block)) return out;
      if (conflicting(seen[0], vote)) {
        this.#report(equivocation(seen[0], vote), out);
      }
      if (seen.length >= MAX_VOTES_PER_SIGNER) return out;
      seen.push(vote);
    }
    this.#run(out);
    return out;
  }

  /** A timeout the shell scheduled has fired. */
  onTimeout(height: number, round: number, step: Timer): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    if (height !== this.height || round !== this.round) return out;
    if (step === "commit" || step === "idle") {
      if (this.#waiting === "commit") {
        if (this.#host.hasWork?.()) this.#wake(out);
        else this.#waiting = "work";
      } else if (step === "idle") this.#wake(out);
      return out;
    }
    if (this.#waiting) return out;
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

  /**
   * The proposal and votes this machine holds for `round` of the current
   * height. A shell sends them to a peer that is behind in rounds: the
   * paper's liveness assumes every message a correct node received
   * reaches every correct node, and a node's own re-sends (the gossip
   * timer) cover only its own messages.
   */
  roundMessages(round: number): (Proposal | Vote)[] {
    const out: (Proposal | Vote)[] = [...this.#proposals.get(round) ?? []];
    const votes = this.#votes.get(round);
    for (const tally of votes ? [votes.prevote, votes.precommit] : []) {
      for (const list of tally.values()) out.push(...list);
    }
    return out;
  }

  /** Ends the wait between heights: round 0 starts. */
  #wake(out: ConsensusAction[]): void {
    if (this.#waiting === null) return;
    this.#waiting = null;
    this.#startRound(0, out);
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
      this.#proposals.set(round, [proposal]);
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
    const total = this.#set.total;
    // Decision (any round): a proposal with precommits over 2/3 for it.
    for (const [round, proposals] of this.#proposals) {
      const votes = this.#roundVotes(round).precommit;
      for (const proposal of proposals) {
        const id = idOf(proposal.block);
        if (
          isQuorum(this.#weight(votes, id), total) &&
          this.#isValid(proposal.block)
        ) {
          this.#decide({
            block: proposal.block,
            commit: this.#matching(votes, id),
          }, out);
          return this.height !== height;
        }
      }
    }
    // Beyond the paper, whose rule looks at the current round only: a
    // polka seen late, for an earlier round, still makes its block this
    // node's valid value, so as proposer it offers the block that locked
    // validators wait for instead of a new one they must refuse. This only
    // changes what this node proposes (receivers check the polka and their
    // locks themselves), so safety is untouched.
    for (const [round, held] of this.#proposals) {
      if (round <= this.#validRound || round >= r) continue;
      const polka = this.#roundVotes(round).prevote;
      for (const proposal of held) {
        if (
          isQuorum(this.#weight(polka, idOf(proposal.block)), total) &&
          this.#isValid(proposal.block)
        ) {
          this.#validValue = proposal.block;
          this.#validRound = round;
          return true;
        }
      }
    }
    const proposals = this.#proposals.get(r) ?? [];
    const prevotes = this.#roundVotes(r).prevote;
    for (const proposal of this.step === "propose" ? proposals : []) {
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
        vr >= 0 && vr < r &&
        isQuorum(this.#weight(this.#roundVotes(vr).prevote, id), total)
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
      this.#once(`prevote-any:${r}`, isQuorum(this.#weight(prevotes), total))
    ) {
      out.push(this.#timeout("prevote"));
    }
    for (const proposal of this.step !== "propose" ? proposals : []) {
      const id = idOf(proposal.block);
      if (
        !this.#done.has(`polka:${r}`) &&
        isQuorum(this.#weight(prevotes, id), total) &&
        this.#isValid(proposal.block)
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
    const pause = this.#options.pause;
    if (pause) {
      this.#waiting = "commit";
      this.round = 0;
      this.step = "propose";
      const at = { type: "timeout", height: this.height, round: 0 } as const;
      out.push(
        { ...at, step: "commit", ms: pause.commitMs },
        { ...at, step: "idle", ms: pause.idleMs },
      );
    } else this.#startRound(0, out);
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
    this.#roundVotes(this.round)[type].set(self, [vote]);
    out.push({ type: "broadcast", vote });
  }

  #regossip(out: ConsensusAction[]): void {
    const self = this.#options.self;
    if (!self) return;
    const proposal = this.#proposals.get(this.round)?.[0];
    if (proposal?.proposer === self) out.push({ type: "broadcast", proposal });
    const votes = this.#votes.get(this.round);
    for (const type of ["prevote", "precommit"] as const) {
      const vote = votes?.[type].get(self)?.[0];
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

  /** Power of validators that voted for `block` (undefined: for anything). */
  #weight(votes: Tally, block?: string | null): number {
    let sum = 0;
    for (const [validator, list] of votes) {
      if (block === undefined || list.some((v) => v.block === block)) {
        sum += this.#power.get(validator) ?? 0;
      }
    }
    return sum;
  }

  /** The votes for `block`, one per validator, by validator key. */
  #matching(votes: Tally, block: string): Vote[] {
    return [...votes.values()]
      .flatMap((list) => list.filter((v) => v.block === block))
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
