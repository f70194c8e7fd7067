/**
 * A deterministic network model for the consensus machine: seeded
 * delays, drops and reordering, partitions, crashes, and byzantine
 * validators that equivocate or withhold. One seed, one run, always the
 * same: a failing seed replays exactly.
 *
 * Signatures are modelled, not computed (the shell checks real ones
 * before the machine sees a message); everything else is the real pure
 * core: blocks are built, executed and rooted, evidence slashes, and each
 * node computes the moderation function after every block.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../protocol/base64url.ts";
import { createRecord } from "../protocol/record.ts";
import { hashId } from "./_internal.ts";
import {
  type Block,
  blockId,
  buildBlock,
  executeBlock,
  type Execution,
} from "./block.ts";
import type { FinalizedBlock } from "./commit.ts";
import { Consensus, type ConsensusAction, type Timer } from "./consensus.ts";
import { DEFAULT_PARAMS, type Genesis } from "./genesis.ts";
import { moderate, updateVerdicts, type Verdict } from "./moderation.ts";
import { proposerOf, validatorSet } from "./proposer.ts";
import { LedgerState } from "./state.ts";
import type { Transaction } from "./transaction.ts";
import { type Evidence, evidenceId, type Proposal, type Vote } from "./vote.ts";

/** A seeded PRNG (mulberry32): floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a run models. Times are virtual ms. */
export interface SimulationOptions {
  seed: number;
  /** Stake of each validator; byzantine ones are listed by index. */
  stakes: number[];
  equivocators?: number[];
  withholders?: number[];
  /** Message delay range and drop probability. */
  delay?: [number, number];
  drop?: number;
  /** Windows in which messages between the groups are lost. */
  partitions?: { from: number; to: number; groups: number[][] }[];
  /** Windows in which a node is down (it keeps its decided blocks and locks). */
  crashes?: { node: number; from: number; to: number }[];
  /** Stop once every honest node decided this many heights... */
  heights: number;
  /** ...or at this virtual time. */
  until?: number;
  /** Ledger transactions injected per height on average. */
  txRate?: number;
}

/** What a run produced, per node. */
export interface SimulationResult {
  /** Decided block ids by height, per node. */
  chains: string[][];
  /** Digest of the moderation output after each height, per node. */
  moderation: string[][];
  honest: number[];
  /** Heights where two honest nodes decided different blocks. */
  conflicts: number[];
  /** Per honest node: (height, round) steps from the last heal to its next decision. */
  roundsAfterHeal: number[];
  /** Per honest node: validators (by index) its state has jailed. */
  jailed: number[][];
  /** Equivocation evidence included in decided blocks. */
  evidenceIncluded: number;
  messages: number;
  time: number;
}

type Message =
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "vote"; vote: Vote }
  | { kind: "evidence"; evidence: Evidence }
  | { kind: "tx"; line: string }
  | { kind: "commits"; blocks: FinalizedBlock[] };

interface Event {
  at: number;
  order: number;
  run: () => void;
}

/** A min-heap of events by (time, insertion order). */
class Queue {
  #items: Event[] = [];
  #order = 0;
  push(at: number, run: () => void): void {
    const items = this.#items;
    items.push({ at, order: this.#order++, run });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop(): Event | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < items.length && before(items[l], items[m])) m = l;
        if (r < items.length && before(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

/** A stand-in key for node `index` (32 bytes, base64url). */
export function simulatedKey(index: number, kind = "validator"): string {
  return encodeBase64Url(sha256(new TextEncoder().encode(`${kind}:${index}`)));
}

function fakeSign(key: string) {
  return (message: Uint8Array) => {
    const a = sha256(
      new Uint8Array([...sha256(new TextEncoder().encode(key)), ...message]),
    );
    const out = new Uint8Array(64);
    out.set(a);
    out.set(sha256(a), 32);
    return out;
  };
}

/** The genesis of a simulated ledger: validators and 8 funded accounts. */
export function simulatedGenesis(stakes: number[]): Genesis {
  return {
    kind: "kith-ledger",
    version: 1,
    name: "simulation",
    time: 0,
    validators: stakes.map((stake, i) => ({ key: simulatedKey(i), stake })),
    accounts: Array.from({ length: 8 }, (_, i) => ({
      key: simulatedKey(i, "account"),
      balance: 1_000,
    })),
    params: DEFAULT_PARAMS,
  };
}

class SimNode {
  state: LedgerState;
  consensus!: Consensus;
  chain: string[] = [];
  finalized: FinalizedBlock[] = [];
  moderation: string[] = [];
  verdicts: Map<string, Verdict>;
  mempool = new Map<string, string>();
  evidence = new Map<string, Evidence>();
  executions = new Map<string, Execution>();
  seen = new Set<string>();
  down = false;
  /** (time, height, round) each time the node enters a new round. */
  steps: { at: number; height: number; round: number }[] = [];
  constructor(
    readonly index: number,
    genesis: Genesis,
    readonly now: () => number,
  ) {
    this.state = LedgerState.fromGenesis(genesis);
    this.verdicts = moderate(this.state);
  }
  host() {
    return {
      validators: () => validatorSet(this.state),
      proposer: (round: number) => proposerOf(this.state, round).proposer,
      isValid: (block: Block) => {
        try {
          this.executions.set(blockId(block), executeBlock(this.state, block));
          return true;
        } catch {
          return false;
        }
      },
      propose: (round: number) =>
        buildBlock(this.state, {
          round,
          time: Math.floor(this.now()),
          txs: [...this.mempool.values()],
          evidence: [...this.evidence.values()],
        }),
      decide: (finalized: FinalizedBlock) => {
        const id = blockId(finalized.block);
        const execution = this.executions.get(id) ??
          executeBlock(this.state, finalized.block);
        execution.state.commit();
        this.executions.clear();
        updateVerdicts(this.verdicts, this.state, execution);
        this.chain.push(id);
        this.finalized.push(finalized);
        this.moderation.push(
          hashId(
            [...this.verdicts].map((
              [k, v],
            ) => [k, v.status, v.downranked, v.labels]),
          ),
        );
        for (const line of finalized.block.txs) {
          this.mempool.delete(hashId(line));
        }
        for (const item of finalized.block.evidence) {
          this.evidence.delete(evidenceId(item));
        }
      },
    };
  }
}

/**
 * Runs one seeded simulation; see {@linkcode SimulationOptions}.
 *
 * @example
 * ```ts
 * const result = simulate({ seed: 7, stakes: [10, 10, 10, 10], heights: 5 });
 * ```
 */
export function simulate(options: SimulationOptions): SimulationResult {
  const random = prng(options.seed);
  const queue = new Queue();
  let now = 0;
  let messages = 0;
  const genesis = simulatedGenesis(options.stakes);
  const ledger = hashId(genesis);
  const n = options.stakes.length;
  const equivocators = new Set(options.equivocators ?? []);
  const withholders = new Set(options.withholders ?? []);
  const honest = [...Array(n).keys()].filter((i) =>
    !equivocators.has(i) && !withholders.has(i)
  );
  const [minDelay, maxDelay] = options.delay ?? [5, 50];
  const drop = options.drop ?? 0;
  const until = options.until ?? 600_000;
  const lastHeal = Math.max(
    0,
    ...(options.partitions ?? []).map((p) => p.to),
    ...(options.crashes ?? []).map((c) => c.to),
  );
  const nodes = [...Array(n).keys()].map((i) =>
    new SimNode(i, genesis, () => now)
  );
  const t = genesis.params;
  const cut = (a: number, b: number) =>
    (options.partitions ?? []).some((p) =>
      now >= p.from && now < p.to &&
      p.groups.findIndex((g) => g.includes(a)) !==
        p.groups.findIndex((g) => g.includes(b))
    );
  const deliver = (from: number, to: number, message: Message) => {
    if (from === to || random() < drop || cut(from, to)) return;
    messages++;
    const at = now + minDelay + random() * (maxDelay - minDelay);
    queue.push(at, () => receive(to, from, message));
  };
  const broadcast = (from: number, message: Message, targets?: number[]) => {
    if (withholders.has(from) && message.kind !== "commits") return;
    for (const to of targets ?? nodes.map((node) => node.index)) {
      deliver(from, to, message);
    }
  };
  const keyOf = (message: Message) =>
    message.kind === "proposal"
      ? message.proposal.sig
      : message.kind === "vote"
      ? message.vote.sig
      : message.kind === "evidence"
      ? evidenceId(message.evidence)
      : message.kind === "tx"
      ? message.line
      : "";
  const act = (node: SimNode, actions: ConsensusAction[]) => {
    for (const action of actions) {
      if (action.type === "broadcast") {
        const message: Message = "vote" in action
          ? { kind: "vote", vote: action.vote }
          : { kind: "proposal", proposal: action.proposal };
        node.seen.add(keyOf(message));
        if ("vote" in action && equivocators.has(node.index)) {
          equivocate(node, action.vote);
        } else broadcast(node.index, message);
      } else if (action.type === "timeout") {
        const { height, round, step, ms } = action;
        queue.push(now + ms, () => {
          if (!node.down) {
            act(node, node.consensus.onTimeout(height, round, step as Timer));
          }
        });
      } else if (action.type === "evidence") {
        node.evidence.set(evidenceId(action.evidence), action.evidence);
        broadcast(node.index, { kind: "evidence", evidence: action.evidence });
      }
    }
    const last = node.steps.at(-1);
    const { height, round } = node.consensus;
    if (last?.height !== height || last.round !== round) {
      node.steps.push({ at: now, height, round });
    }
  };
  // A byzantine validator signs a second, conflicting vote for half the network.
  const equivocate = (node: SimNode, vote: Vote) => {
    const twin = {
      ...vote,
      block: vote.block ? null : hashId(["twin", vote.height, vote.round]),
    };
    const signed: Vote = {
      ...twin,
      sig: encodeBase64Url(
        fakeSign(twin.validator)(new TextEncoder().encode(hashId(twin))),
      ),
    };
    const half = nodes.map((x) => x.index).filter((i) => i !== node.index);
    const split = Math.ceil(half.length / 2);
    broadcast(node.index, { kind: "vote", vote }, half.slice(0, split));
    broadcast(node.index, { kind: "vote", vote: signed }, half.slice(split));
  };
  const receive = (to: number, from: number, message: Message) => {
    const node = nodes[to];
    if (node.down) return;
    if (message.kind === "commits") {
      for (const finalized of message.blocks) {
        if (finalized.block.height === node.consensus.height) {
          act(node, node.consensus.onCommit(finalized));
        }
      }
      return;
    }
    const key = keyOf(message);
    if (node.seen.has(key)) return;
    node.seen.add(key);
    // Gossip: honest nodes relay what they see once.
    if (!equivocators.has(to) && !withholders.has(to)) broadcast(to, message);
    if (message.kind === "tx") {
      node.mempool.set(hashId(message.line), message.line);
      return;
    }
    if (message.kind === "evidence") {
      node.evidence.set(evidenceId(message.evidence), message.evidence);
      return;
    }
    const height = message.kind === "vote"
      ? message.vote.height
      : message.proposal.height;
    if (height < node.consensus.height && height >= 1) {
      // Help a peer that is behind: send it what it misses.
      broadcast(to, {
        kind: "commits",
        blocks: node.finalized.slice(height - 1, height + 4),
      }, [from]);
      return;
    }
    act(
      node,
      message.kind === "vote"
        ? node.consensus.onVote(message.vote)
        : node.consensus.onProposal(message.proposal),
    );
  };
  for (const node of nodes) {
    const key = simulatedKey(node.index);
    node.consensus = new Consensus(node.host(), {
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
  }
  for (const node of nodes) {
    queue.push(0, () => act(node, node.consensus.start()));
  }
  for (const crash of options.crashes ?? []) {
    queue.push(crash.from, () => (nodes[crash.node].down = true));
    queue.push(crash.to, () => {
      const node = nodes[crash.node];
      node.down = false;
      // Restart from its write-ahead state: resume the round it was in.
      const { height, round } = node.consensus;
      act(node, node.consensus.onTimeout(height, round, "precommit"));
    });
  }
  // Seeded transactions: flags, retractions, transfers, appeals and votes.
  const txRate = options.txRate ?? 1;
  const seqs = new Map<string, number>();
  const flags: { id: string; subject: { post: string; author: string } }[] = [];
  const appeals: string[] = [];
  const inject = () => {
    if (now > until) return;
    const account = Math.floor(random() * 8);
    const author = simulatedKey(account, "account");
    const seq = (seqs.get(author) ?? 0) + 1;
    seqs.set(author, seq);
    const tx = randomTransaction(random, flags, appeals);
    const { line, id } = createRecord({
      author,
      seq,
      prev: null,
      ts: Math.floor(now),
      type: "ledger",
      content: { ledger, tx: tx as unknown as Record<string, unknown> },
    }, { sign: fakeSign(author) });
    if (tx.type === "flag") {
      flags.push({
        id,
        subject: tx.subject as { post: string; author: string },
      });
    }
    if (tx.type === "appeal") appeals.push(id);
    const at = Math.floor(random() * n);
    receive(at, at, { kind: "tx", line });
    queue.push(now + (random() * 2 * t.timeoutProposeMs) / txRate, inject);
  };
  queue.push(1, inject);
  const doneAt = () =>
    honest.every((i) => nodes[i].chain.length >= options.heights);
  while (!doneAt()) {
    const event = queue.pop();
    if (!event || event.at > until) break;
    now = event.at;
    event.run();
  }
  const conflicts: number[] = [];
  const longest = Math.max(...honest.map((i) => nodes[i].chain.length));
  for (let h = 0; h < longest; h++) {
    const ids = new Set(honest.map((i) => nodes[i].chain[h]).filter(Boolean));
    if (ids.size > 1) conflicts.push(h + 1);
  }
  return {
    chains: nodes.map((node) => node.chain),
    moderation: nodes.map((node) => node.moderation),
    honest,
    conflicts,
    roundsAfterHeal: honest.map((i) => roundsAfter(nodes[i], lastHeal)),
    jailed: honest.map((i) =>
      [...Array(n).keys()].filter((v) =>
        nodes[i].state.validator(simulatedKey(v))?.jailed
      )
    ),
    evidenceIncluded: honest.length
      ? nodes[honest[0]].finalized.reduce(
        (sum, f) => sum + f.block.evidence.length,
        0,
      )
      : 0,
    messages,
    time: now,
  };
}

/** (height, round) steps a node took from `heal` until it decided a new height. */
function roundsAfter(node: SimNode, heal: number): number {
  const before = node.steps.filter((s) => s.at < heal).at(-1);
  const startHeight = before?.height ?? 1;
  let count = 0;
  for (const step of node.steps) {
    if (step.at < heal) continue;
    if (step.height > startHeight) return count;
    count++;
  }
  return count;
}

function randomTransaction(
  random: () => number,
  flags: { id: string; subject: { post: string; author: string } }[],
  appeals: string[],
): Transaction {
  const pick = random();
  const post = encodeBase64Url(
    sha256(new Uint8Array([Math.floor(random() * 20)])),
  );
  const author = simulatedKey(Math.floor(random() * 3), "author");
  if (pick < 0.5 || flags.length === 0) {
    const categories = ["spam", "abuse", "illegal", "other"] as const;
    return {
      type: "flag",
      subject: { post, author },
      category: categories[Math.floor(random() * categories.length)],
      bond: 10 + Math.floor(random() * 40),
    };
  }
  if (pick < 0.6) {
    return {
      type: "retract",
      flag: flags[Math.floor(random() * flags.length)].id,
    };
  }
  if (pick < 0.75) {
    return {
      type: "transfer",
      to: simulatedKey(Math.floor(random() * 8), "account"),
      amount: 1 + Math.floor(random() * 20),
    };
  }
  if (pick < 0.85 || appeals.length === 0) {
    return {
      type: "appeal",
      subject: flags[Math.floor(random() * flags.length)].subject,
      bond: 10,
    };
  }
  return {
    type: "vote",
    appeal: appeals[Math.floor(random() * appeals.length)],
    choice: random() < 0.5 ? "uphold" : "overturn",
  };
}
