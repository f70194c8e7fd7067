/**
 * Byzantine behaviour in the simulator. An equivocator sends one version
 * of each message to one side of the network and a conflicting one to
 * the other: as proposer two different valid blocks; as voter, in a round
 * where one of the coalition proposed two blocks, a vote for each (the
 * equivocators act together: the strongest attack on safety), else its
 * own vote and a flipped one (a block for nil, nil for a block). A
 * withholder keeps its messages (all of them, or only its precommits).
 *
 * @module
 */
import { encodeBase64Url } from "../../protocol/base64url.ts";
import { hashId } from "../_internal.ts";
import { buildBlock } from "../block.ts";
import type { LedgerState } from "../state.ts";
import {
  type Proposal,
  proposalSigningBytes,
  type Vote,
  voteSigningBytes,
} from "../vote.ts";
import { fakeSign, idOfBlock } from "./node.ts";

/** How withholders behave: silent, or silent only where it hurts most. */
export type Withholding = "all" | "precommits";

/** Whether a withholder in `mode` keeps this message to itself. */
export function withholds(
  mode: Withholding,
  message: { proposal: Proposal } | { vote: Vote },
): boolean {
  return mode === "all" ||
    ("vote" in message && message.vote.type !== "prevote");
}

/** A consensus message on the simulated wire. */
export type ConsensusMessage =
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "vote"; vote: Vote };

/** The two-faced messages of the equivocating validators of one run. */
export class Equivocation {
  /** Blocks (ids) proposed to side 0 and side 1, by `height/round`. */
  readonly #proposed = new Map<string, [string, string]>();

  /** The messages for side 0 and side 1 instead of the machine's one. */
  split(
    state: LedgerState,
    message: { proposal: Proposal } | { vote: Vote },
  ): [ConsensusMessage, ConsensusMessage] {
    if ("vote" in message) {
      const [a, b] = this.#votes(message.vote);
      return [{ kind: "vote", vote: a }, { kind: "vote", vote: b }];
    }
    const [a, b] = this.#proposals(state, message.proposal);
    return [{ kind: "proposal", proposal: a }, {
      kind: "proposal",
      proposal: b,
    }];
  }

  /** A proposal's conflicting twin: another valid block, same height and round. */
  #proposals(state: LedgerState, proposal: Proposal): [Proposal, Proposal] {
    const block = proposal.block;
    const other = buildBlock(state, {
      round: block.round,
      time: block.time + 1,
      txs: [],
      evidence: [],
    });
    const { sig: _, ...unsigned } = { ...proposal, block: other };
    const twin: Proposal = {
      ...unsigned,
      sig: encodeBase64Url(
        fakeSign(proposal.proposer)(proposalSigningBytes(unsigned)),
      ),
    };
    this.#proposed.set(
      `${proposal.height}/${proposal.round}`,
      [idOfBlock(block), idOfBlock(other)],
    );
    return [proposal, twin];
  }

  /**
   * The votes for side 0 and side 1: one for each block the coalition
   * proposed in the round, else its vote and a flipped one.
   */
  #votes(vote: Vote): [Vote, Vote] {
    const proposed = this.#proposed.get(`${vote.height}/${vote.round}`);
    if (proposed) {
      return [resign(vote, proposed[0]), resign(vote, proposed[1])];
    }
    const flipped = vote.block === null
      ? hashId(["twin", vote.height, vote.round])
      : null;
    return [vote, resign(vote, flipped)];
  }
}

function resign(vote: Vote, block: string | null): Vote {
  if (vote.block === block) return vote;
  const { sig: _, ...unsigned } = { ...vote, block };
  return {
    ...unsigned,
    sig: encodeBase64Url(
      fakeSign(vote.validator)(voteSigningBytes(unsigned)),
    ),
  };
}
