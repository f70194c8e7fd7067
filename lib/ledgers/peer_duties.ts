/**
 * What a node sends for others' sake, beyond its own votes: the paper's
 * liveness assumes that what one correct node received reaches every
 * correct node, and relays forward a message only once. So a node answers
 * a peer behind in height with the block it misses, a peer behind in
 * rounds with its round's messages, sends its whole round every few
 * seconds, and sends a re-proposal with the prevotes that justify it.
 *
 * @module
 */
import {
  blockId,
  type Consensus,
  type FinalizedBlock,
  type Proposal,
  type Vote,
} from "../ledger/mod.ts";
import { canonicalize } from "../protocol/mod.ts";

/** Least time between two answers of one kind (ms). */
const ANSWER_EVERY_MS = 1_000;

/** The channel text of a proposal or vote. */
export function messageText(message: Proposal | Vote): string {
  return canonicalize(
    "proposer" in message ? { proposal: message } : { vote: message },
  );
}

/** A node's duties to its peers; see the module doc. */
export class PeerDuties {
  readonly #send: (text: string) => void;
  readonly #now: () => number;
  readonly #heights = new Map<number, number>();
  readonly #rounds = new Map<string, number>();

  /** Duties that send through `send`, timed by `now`. */
  constructor(send: (text: string) => void, now: () => number) {
    this.#send = send;
    this.#now = now;
  }

  /** A peer is behind in height: send it the block it misses, if recent. */
  behindInHeight(recent: FinalizedBlock[], height: number): void {
    const finalized = recent.find((f) => f.block.height === height);
    if (!finalized || !this.#due(this.#heights, height)) return;
    this.#send(canonicalize({ finalized }));
  }

  /**
   * A peer sent a message of an earlier round of this height: send what
   * this node holds for its own round, so the peer can skip ahead.
   */
  behindInRounds(consensus: Consensus | undefined, round: number): void {
    if (!consensus || consensus.waiting || round >= consensus.round) return;
    if (!this.#due(this.#rounds, `${consensus.height}/${consensus.round}`)) {
      return;
    }
    this.sendRound(consensus);
  }

  /** Sends every message `consensus` holds for its current round. */
  sendRound(consensus: Consensus | undefined): void {
    if (!consensus || consensus.waiting) return;
    for (const message of consensus.roundMessages(consensus.round)) {
      this.#send(messageText(message));
    }
  }

  /** The texts of a proposal and, for a re-proposal, its polka's prevotes. */
  proposalTexts(consensus: Consensus, proposal: Proposal): string[] {
    const texts = [messageText(proposal)];
    if (proposal.polRound < 0) return texts;
    const id = blockId(proposal.block);
    for (const message of consensus.roundMessages(proposal.polRound)) {
      if (
        "type" in message && message.type === "prevote" &&
        message.block === id
      ) texts.push(messageText(message));
    }
    return texts;
  }

  #due<K>(answered: Map<K, number>, key: K): boolean {
    const now = this.#now();
    if (now - (answered.get(key) ?? -Infinity) < ANSWER_EVERY_MS) return false;
    if (answered.size > 256) answered.clear();
    answered.set(key, now);
    return true;
  }
}
