/**
 * A deterministic network model for the consensus machine: seeded
 * delays, drops and reordering, partitions, crashes, and byzantine
 * validators that equivocate or withhold. One seed, one run, always the
 * same: a failing seed replays exactly.
 *
 * Signatures are modelled (see node.ts); everything else is the real
 * pure core: blocks are built, executed and rooted, commits are checked,
 * evidence slashes, and each node computes the moderation function after
 * every block. The shell around each machine is in cluster.ts.
 *
 * @module
 */
import { hashId } from "../_internal.ts";
import type { FinalizedBlock } from "../commit.ts";
import { DEFAULT_PARAMS, type Genesis } from "../genesis.ts";
import type { Withholding } from "./byzantine.ts";
import { Cluster } from "./cluster.ts";
import { Network, type Partition, prng } from "./network.ts";
import { type SimNode, simulatedKey } from "./node.ts";
import { ACCOUNTS, Transactions } from "./transactions.ts";

export { prng } from "./network.ts";
export { simulatedKey } from "./node.ts";
export type { Withholding } from "./byzantine.ts";
export type { Partition } from "./network.ts";

/** What a run models. Times are virtual ms. */
export interface SimulationOptions {
  seed: number;
  /** Stake of each validator; byzantine ones are listed by index. */
  stakes: number[];
  equivocators?: number[];
  withholders?: number[];
  /** What withholders keep back (default: everything). */
  withholding?: Withholding;
  /** Message delay range (default [5, 50]) and drop probability. */
  delay?: [number, number];
  drop?: number;
  /** Probability that a message is held back long enough to overtake. */
  reorder?: number;
  /** Windows in which messages between the groups are lost. */
  partitions?: Partition[];
  /** Windows in which a node is down (it keeps its decided blocks and locks). */
  crashes?: { node: number; from: number; to: number }[];
  /**
   * Stop once every honest node is up, decided this many heights and once
   * after the last heal, holds no evidence that is not yet in a block, and
   * has jailed every equivocator that was seen equivocating...
   */
  heights: number;
  /** ...or at this virtual time (default 600,000). */
  until?: number;
  /**
   * Ledger transactions handed to random nodes per `timeoutProposeMs`
   * (400 ms by default) of virtual time, on average (default 1).
   */
  txRate?: number;
}

/** What a run produced. */
export interface SimulationResult {
  /** Decided block ids by height, per node. */
  chains: string[][];
  /** Decided blocks with their commits, per node. */
  finalized: FinalizedBlock[][];
  /** Digest of the moderation output after each height, per node. */
  moderation: string[][];
  honest: number[];
  /** Heights where two honest nodes decided different blocks. */
  conflicts: number[];
  /**
   * Per honest node: new rounds it entered after the last heal (end of a
   * partition or crash; 0 without either) before its next decision.
   */
  roundsAfterHeal: number[];
  /** Per honest node: virtual ms from the last heal to its next decision. */
  msAfterHeal: number[];
  /** Per honest node: validators (by index) its state has jailed. */
  jailed: number[][];
  /** Per honest node: validators (by index) with less self-stake than at genesis. */
  slashed: number[][];
  /** Equivocators whose conflicting votes both reached honest nodes. */
  equivocated: number[];
  /** Equivocation evidence included in the first honest node's blocks. */
  evidenceIncluded: number;
  /** Decisions whose commit failed commitChecks. */
  badCommits: number;
  /** Whether the stop condition held before `until`. */
  settled: boolean;
  messages: number;
  time: number;
}

/** The genesis of a simulated ledger: validators and 8 funded accounts. */
export function simulatedGenesis(stakes: number[]): Genesis {
  return {
    kind: "kith-ledger",
    version: 1,
    name: "simulation",
    time: 0,
    validators: stakes.map((stake, i) => ({ key: simulatedKey(i), stake })),
    accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({
      key: simulatedKey(i, "account"),
      balance: 1_000,
    })),
    params: DEFAULT_PARAMS,
  };
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
  const net = new Network(random, {
    delay: options.delay ?? [5, 50],
    drop: options.drop ?? 0,
    reorder: options.reorder ?? 0,
    partitions: options.partitions ?? [],
  });
  const genesis = simulatedGenesis(options.stakes);
  const ledger = hashId(genesis);
  const cluster = new Cluster(net, genesis, ledger, {
    equivocators: new Set(options.equivocators ?? []),
    withholders: new Set(options.withholders ?? []),
    withholding: options.withholding ?? "all",
  }, random);
  const { nodes, honest, keys, equivocated } = cluster;
  for (const crash of options.crashes ?? []) {
    cluster.crash(crash.node, crash.from, crash.to);
  }
  const lastHeal = Math.max(
    0,
    ...(options.partitions ?? []).map((p) => p.to),
    ...(options.crashes ?? []).map((c) => c.to),
  );
  // Seeded transactions, handed to random nodes.
  const txs = new Transactions(random, ledger, honest);
  const txRate = options.txRate ?? 1;
  const every = (2 * genesis.params.timeoutProposeMs) / txRate;
  const inject = () => {
    cluster.submit(Math.floor(random() * nodes.length), txs.next(net.now));
    net.at(net.now + random() * every, inject);
  };
  if (txRate > 0) net.at(1, inject);
  const jailed = (node: SimNode, v: number) =>
    node.state.validator(keys[v])?.jailed === true;
  const done = () =>
    net.now >= lastHeal && honest.every((i) => {
      const node = nodes[i];
      return node.chain.length >= options.heights && !node.down &&
        (node.decidedAt.at(-1) ?? -1) >= lastHeal &&
        node.evidence.size === 0 &&
        [...equivocated].every((v) => jailed(node, v));
    });
  net.run(done, options.until ?? 600_000);

  const conflicts: number[] = [];
  const longest = Math.max(0, ...honest.map((i) => nodes[i].chain.length));
  for (let h = 0; h < longest; h++) {
    const ids = new Set(honest.map((i) => nodes[i].chain[h]).filter(Boolean));
    if (ids.size > 1) conflicts.push(h + 1);
  }
  const all = keys.map((_, v) => v);
  const first = honest.length ? nodes[honest[0]].finalized : [];
  return {
    chains: nodes.map((node) => node.chain),
    finalized: nodes.map((node) => node.finalized),
    moderation: nodes.map((node) => node.moderation),
    honest,
    conflicts,
    roundsAfterHeal: honest.map((i) => roundsAfter(nodes[i], lastHeal)),
    msAfterHeal: honest.map((i) =>
      (nodes[i].decidedAt.find((at) => at >= lastHeal) ?? Infinity) - lastHeal
    ),
    jailed: honest.map((i) => all.filter((v) => jailed(nodes[i], v))),
    slashed: honest.map((i) =>
      all.filter((v) =>
        (nodes[i].state.validator(keys[v])?.self ?? 0) < options.stakes[v]
      )
    ),
    equivocated: [...equivocated].sort((a, b) => a - b),
    evidenceIncluded: first.reduce(
      (sum, f) =>
        sum + f.block.evidence.filter((e) => e.kind === "equivocation").length,
      0,
    ),
    badCommits: nodes.reduce((sum, node) => sum + node.badCommits, 0),
    settled: done(),
    messages: net.sent,
    time: net.now,
  };
}

/**
 * Rounds a node entered after `heal` (not counting the one it was in)
 * until it decided a new height.
 */
function roundsAfter(node: SimNode, heal: number): number {
  const base = node.steps.filter((s) => s.at < heal).at(-1) ?? node.steps[0];
  let count = 0;
  for (const step of node.steps) {
    if (step.at < heal || step === base) continue;
    if (step.height > base.height) return count;
    count++;
  }
  return count;
}
