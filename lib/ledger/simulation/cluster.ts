/**
 * The nodes of one run and the shell around each consensus machine: what
 * a node does with the machine's actions and with what arrives.
 *
 * Honest nodes relay what they see once (gossip), answer a peer behind
 * in height with commits and a peer behind in rounds with the messages
 * of their round and the one before, send a re-proposal with the
 * prevotes of its polka, keep every vote they see for evidence, and ask
 * a peer ahead of them for commits. Byzantine nodes follow
 * byzantine.ts and help no one.
 *
 * @module
 */
import type { FinalizedBlock } from "../commit.ts";
import type { ConsensusAction } from "../consensus.ts";
import type { Genesis } from "../genesis.ts";
import type { Evidence, Proposal, Vote } from "../vote.ts";
import {
  type ConsensusMessage,
  Equivocation,
  type Withholding,
  withholds,
} from "./byzantine.ts";
import type { Network } from "./network.ts";
import { idOfBlock, idOfEvidence, SimNode, simulatedKey } from "./node.ts";

type Message =
  | ConsensusMessage
  | { kind: "evidence"; evidence: Evidence }
  | { kind: "tx"; line: string }
  | { kind: "sync"; height: number }
  | { kind: "commits"; blocks: FinalizedBlock[] };

/** Least ms between two catch-up requests (or answers) to one peer. */
const SYNC_MS = 200;

/** Who is byzantine in a run, and how. */
export interface Roles {
  equivocators: Set<number>;
  withholders: Set<number>;
  withholding: Withholding;
}

/** The nodes of a run on one network; see the module doc. */
export class Cluster {
  readonly nodes: SimNode[];
  readonly honest: number[];
  /** Equivocators whose conflicting votes both reached honest nodes. */
  readonly equivocated = new Set<number>();
  readonly keys: string[];
  readonly #net: Network;
  readonly #roles: Roles;
  readonly #all: number[];
  readonly #indexOf: Map<string, number>;
  /** The side of the network each node is on, for equivocators. */
  readonly #side: number[];
  readonly #twoFaced = new Equivocation();
  /** Blocks (or nil) each equivocator's votes reached honest nodes with. */
  readonly #delivered = new Map<string, Set<string | null>>();

  constructor(
    net: Network,
    genesis: Genesis,
    ledger: string,
    roles: Roles,
    random: () => number,
  ) {
    this.#net = net;
    this.#roles = roles;
    this.#all = genesis.validators.map((_, i) => i);
    this.keys = this.#all.map((i) => simulatedKey(i));
    this.#indexOf = new Map(this.keys.map((key, i) => [key, i]));
    this.honest = this.#all.filter((i) => this.isHonest(i));
    this.nodes = this.#all.map((i) => new SimNode(i, genesis, () => net.now));
    // Two sides, fixed for the run, with honest nodes on both.
    this.#side = this.#all.map(() => random() < 0.5 ? 0 : 1);
    this.honest.map((i) => [random(), i]).sort((a, b) => a[0] - b[0])
      .forEach(([, i], k) => (this.#side[i] = k % 2));
    for (const node of this.nodes) {
      net.at(0, () => this.#act(node, node.start(ledger)));
    }
  }

  /** Whether node `i` follows the protocol. */
  isHonest(i: number): boolean {
    return !this.#roles.equivocators.has(i) && !this.#roles.withholders.has(i);
  }

  /** Node `i` is down from `from` to `to`, then resumes where it was. */
  crash(i: number, from: number, to: number): void {
    const node = this.nodes[i];
    this.#net.at(from, () => node.crashes++);
    this.#net.at(to, () => {
      // Back from its write-ahead state: timers that expired fire now;
      // messages sent meanwhile are lost.
      if (--node.crashes === 0) {
        for (const fire of node.paused.splice(0)) fire();
      }
    });
  }

  /** A client hands a transaction to node `i`. */
  submit(i: number, line: string): void {
    this.#receive(i, i, { kind: "tx", line });
  }

  #send(from: number, to: number, message: Message): void {
    this.#net.send(from, to, () => this.#receive(to, from, message));
  }

  #broadcast(from: number, message: Message, to = this.#all): void {
    for (const peer of to) this.#send(from, peer, message);
  }

  #rateLimited(log: Map<number, number>, peer: number): boolean {
    const last = log.get(peer);
    if (last !== undefined && this.#net.now - last < SYNC_MS) return true;
    log.set(peer, this.#net.now);
    return false;
  }

  #act(node: SimNode, actions: ConsensusAction[], from?: number): void {
    const i = node.index;
    const { equivocators, withholders, withholding } = this.#roles;
    for (const action of actions) {
      if (action.type === "broadcast") {
        const message: Message = "vote" in action
          ? { kind: "vote", vote: action.vote }
          : { kind: "proposal", proposal: action.proposal };
        node.seen.add(keyOf(message));
        if (withholders.has(i) && withholds(withholding, action)) continue;
        if (equivocators.has(i)) this.#equivocate(node, action);
        else {
          this.#broadcast(i, message);
          if ("proposal" in action) this.#justify(node, action.proposal);
        }
      } else if (action.type === "timeout") {
        const { height, round, step, ms } = action;
        const fire = () =>
          this.#act(node, node.consensus.onTimeout(height, round, step));
        // A node that is down finds its expired timers when it is back.
        this.#net.at(
          this.#net.now + ms,
          () => node.down ? node.paused.push(fire) : fire(),
        );
      } else if (action.type === "evidence") {
        if (this.isHonest(i) && node.addEvidence(action.evidence)) {
          this.#broadcast(i, { kind: "evidence", evidence: action.evidence });
        }
      } else if (action.type === "behind" && from !== undefined) {
        if (!this.#rateLimited(node.asked, from)) {
          this.#send(i, from, { kind: "sync", height: node.consensus.height });
        }
      }
    }
    const last = node.steps.at(-1);
    const { height, round } = node.consensus;
    if (last?.height !== height || last.round !== round) {
      node.steps.push({ at: this.#net.now, height, round });
    }
  }

  /** One version to each side of the network. */
  #equivocate(
    node: SimNode,
    action: { proposal: Proposal } | { vote: Vote },
  ): void {
    const pair = this.#twoFaced.split(node.state, action);
    for (const side of [0, 1]) {
      this.#broadcast(
        node.index,
        pair[side],
        this.#all.filter((i) => i !== node.index && this.#side[i] === side),
      );
    }
  }

  /** A re-proposal travels with the prevotes of its polka (polRound). */
  #justify(node: SimNode, proposal: Proposal): void {
    if (proposal.polRound < 0) return;
    const id = idOfBlock(proposal.block);
    for (const message of node.consensus.roundMessages(proposal.polRound)) {
      if (
        "type" in message && message.type === "prevote" && message.block === id
      ) {
        this.#broadcast(node.index, { kind: "vote", vote: message });
      }
    }
  }

  /** A peer behind in height gets the commits it misses. */
  #help(node: SimNode, peer: number, height: number): void {
    const blocks = node.finalized.slice(height - 1, height + 4);
    if (blocks.length === 0 || this.#rateLimited(node.helped, peer)) return;
    this.#send(node.index, peer, { kind: "commits", blocks });
  }

  /**
   * A peer behind in rounds gets what justified this node's round: the
   * messages of it and of the round before (CometBFT's vote gossip).
   */
  #helpRound(node: SimNode, peer: number): void {
    if (this.#rateLimited(node.roundHelped, peer)) return;
    const { round } = node.consensus;
    for (const r of [round - 1, round]) {
      for (const message of node.consensus.roundMessages(r)) {
        this.#send(
          node.index,
          peer,
          "proposer" in message
            ? { kind: "proposal", proposal: message }
            : { kind: "vote", vote: message },
        );
      }
    }
  }

  /** The evidence pool of an honest node sees every vote, at any height. */
  #observe(node: SimNode, vote: Vote): void {
    const v = this.#indexOf.get(vote.validator);
    if (v !== undefined && this.#roles.equivocators.has(v)) {
      const key = `${v}/${vote.height}/${vote.round}/${vote.type}`;
      const blocks = this.#delivered.get(key) ?? new Set();
      blocks.add(vote.block);
      this.#delivered.set(key, blocks);
      if (blocks.size > 1) this.equivocated.add(v);
    }
    const evidence = node.witness(vote);
    if (evidence && node.addEvidence(evidence)) {
      this.#broadcast(node.index, { kind: "evidence", evidence });
    }
  }

  #receive(to: number, from: number, message: Message): void {
    const node = this.nodes[to];
    if (node.down) return;
    const honest = this.isHonest(to);
    const machine = node.consensus;
    if (message.kind === "sync") {
      if (honest) this.#help(node, from, message.height);
      return;
    }
    if (message.kind === "commits") {
      for (const finalized of message.blocks) {
        if (
          finalized.block.height === machine.height &&
          node.verifyCommit(finalized)
        ) this.#act(node, machine.onCommit(finalized));
      }
      return;
    }
    if (message.kind === "tx" || message.kind === "evidence") {
      if (!this.#first(node, message)) return;
      if (message.kind === "tx") node.addTransaction(message.line);
      else node.addEvidence(message.evidence);
      return;
    }
    const { height, round } = "vote" in message
      ? message.vote
      : message.proposal;
    if (honest) {
      if ("vote" in message) this.#observe(node, message.vote);
      // A peer that is behind is answered every time, not only once.
      if (height < machine.height) this.#help(node, from, height);
      else if (height === machine.height && round < machine.round) {
        const sender = this.#indexOf.get(
          "vote" in message
            ? message.vote.validator
            : message.proposal.proposer,
        );
        if (sender !== undefined) this.#helpRound(node, sender);
      }
    }
    // Beyond the next height the machine keeps nothing: catch up first,
    // and take the message when it comes again (so not marked seen).
    if (height > machine.height + 1) {
      this.#act(node, [{ type: "behind", height }], from);
      return;
    }
    if (!this.#first(node, message) || height < machine.height) return;
    this.#act(
      node,
      "vote" in message
        ? machine.onVote(message.vote)
        : machine.onProposal(message.proposal),
      from,
    );
  }

  /** Whether `message` is new to `node`; honest nodes relay it once. */
  #first(node: SimNode, message: Message): boolean {
    const key = keyOf(message);
    if (node.seen.has(key)) return false;
    node.seen.add(key);
    if (this.isHonest(node.index)) this.#broadcast(node.index, message);
    return true;
  }
}

function keyOf(message: Message): string {
  switch (message.kind) {
    case "proposal":
      return message.proposal.sig;
    case "vote":
      return message.vote.sig;
    case "evidence":
      return idOfEvidence(message.evidence);
    case "tx":
      return message.line;
    default:
      return "";
  }
}
