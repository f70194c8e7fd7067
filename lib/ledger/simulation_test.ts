import assert from "node:assert/strict";
import { forkChoice } from "./commit.ts";
import { Network, Queue } from "./simulation/network.ts";
import {
  prng,
  simulate,
  simulatedKey,
  type SimulationOptions,
  type SimulationResult,
} from "./simulation/mod.ts";

/** Seeded runs per CI run (the issue asks for at least 1,000). */
const RUNS = 1_000;

/**
 * After the last partition heals (or crashed node restarts), every honest
 * node decides a new height within this many new rounds. Observed over
 * seeds 1-10,000 of this matrix: at most 4 (seeds 359 and 8412, where
 * byzantine validators proposed three rounds in a row), 3 in 40 runs, 1
 * or fewer in 95%. The bound leaves two rounds of margin.
 */
const ROUNDS_AFTER_HEAL = 6;

/** Virtual time after which a run counts as stuck (all settled by 13.4 s). */
const UNTIL = 60_000;

/**
 * The scenario of one seed: 4-10 validators with unequal stakes;
 * byzantine validators (equivocators and withholders) holding strictly
 * less than 1/3 of stake; drops of 0-20%; delay ranges from 2-35 ms to
 * 7-180 ms; some messages held back to arrive out of order; partitions
 * into two or three groups that heal; crashes that recover.
 */
function scenario(seed: number): SimulationOptions {
  const random = prng(seed * 7919 + 17);
  const int = (min: number, max: number) =>
    min + Math.floor(random() * (max - min + 1));
  const shuffle = (n: number) => {
    const list = [...Array(n).keys()];
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  };
  const n = int(4, 10);
  const stakes = Array.from({ length: n }, () => int(5, 40));
  const total = stakes.reduce((a, b) => a + b, 0);
  const equivocators: number[] = [];
  const withholders: number[] = [];
  let byzantine = 0;
  const anyByzantine = random() >= 0.15;
  for (const i of shuffle(n)) {
    if (!anyByzantine) break;
    if (3 * (byzantine + stakes[i]) >= total || random() < 0.3) continue;
    byzantine += stakes[i];
    (random() < 0.5 ? equivocators : withholders).push(i);
  }
  const drop = random() < 0.25 ? 0 : random() * 0.2;
  const low = int(2, 30);
  const delay: [number, number] = [low, low + int(5, 150)];
  const reorder = random() < 0.5 ? 0 : random() * 0.1;
  const partitions = Array.from(
    { length: random() < 0.5 ? 0 : int(1, 2) },
    () => {
      const from = int(0, 1_500);
      const count = int(2, 3);
      const groups: number[][] = Array.from({ length: count }, () => []);
      shuffle(n).forEach((node, k) =>
        groups[k < count ? k : int(0, count - 1)].push(node)
      );
      return { from, to: from + int(200, 3_000), groups };
    },
  );
  const crashes = Array.from({ length: random() < 0.6 ? 0 : int(1, 3) }, () => {
    const from = int(0, 2_000);
    return { node: int(0, n - 1), from, to: from + int(100, 2_500) };
  });
  return {
    seed,
    stakes,
    equivocators,
    withholders,
    withholding: random() < 0.5 ? "all" : "precommits",
    drop,
    delay,
    reorder,
    partitions,
    crashes,
    heights: int(3, 6),
    until: UNTIL,
  };
}

/** The seeds to run: `KITH_SIM_SEEDS=first:count` overrides 1:RUNS. */
function seeds(): number[] {
  let spec: string | undefined;
  try {
    spec = Deno.env.get("KITH_SIM_SEEDS");
  } catch {
    spec = undefined; // no --allow-env: the default seeds
  }
  const [first, count] = (spec ?? `1:${RUNS}`).split(":").map(Number);
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Every property one run must have; the seed in each message replays it. */
function check(options: SimulationOptions, result: SimulationResult): void {
  const at = `seed ${options.seed} (${JSON.stringify(options)})`;
  const { honest, chains, moderation } = result;
  assert.ok(
    result.settled && honest.every((i) => chains[i].length >= options.heights),
    `${at}: honest nodes reached heights ${
      honest.map((i) => chains[i].length)
    } of ${options.heights} by ${Math.round(result.time)} ms`,
  );
  const longest = Math.max(...honest.map((i) => chains[i].length));
  for (let h = 0; h < longest; h++) {
    const deciders = honest.filter((i) => chains[i][h] !== undefined);
    const blocks = new Set(deciders.map((i) => chains[i][h]));
    assert.equal(
      blocks.size,
      1,
      `${at}: conflicting blocks at height ${h + 1}`,
    );
    const digests = new Set(deciders.map((i) => moderation[i][h]));
    assert.equal(
      digests.size,
      1,
      `${at}: moderation differs at height ${h + 1}`,
    );
  }
  assert.deepEqual(result.conflicts, [], `${at}: conflicts`);
  assert.equal(
    result.badCommits,
    0,
    `${at}: a decided commit fails commitChecks`,
  );
  for (const [k, rounds] of result.roundsAfterHeal.entries()) {
    assert.ok(
      rounds <= ROUNDS_AFTER_HEAL,
      `${at}: node ${honest[k]} needed ${rounds} rounds after the last heal`,
    );
  }
  const evidence = result.finalized[honest[0]].flatMap((f) => f.block.evidence);
  for (const v of result.equivocated) {
    const key = simulatedKey(v);
    assert.ok(
      evidence.some((e) =>
        e.kind === "equivocation" && e.votes[0].validator === key
      ),
      `${at}: no evidence against equivocator ${v} was included`,
    );
    for (const [k, jailed] of result.jailed.entries()) {
      assert.ok(
        jailed.includes(v) && result.slashed[k].includes(v),
        `${at}: node ${honest[k]} did not slash and jail equivocator ${v}`,
      );
    }
  }
}

Deno.test(`simulation: ${RUNS} seeded runs, byzantine stake below 1/3: safe, agreeing, live, slashing`, () => {
  let equivocators = 0;
  let caught = 0;
  let faulty = 0;
  for (const seed of seeds()) {
    const options = scenario(seed);
    let result: SimulationResult;
    try {
      result = simulate(options);
    } catch (error) {
      throw new Error(`seed ${seed}: the run threw`, { cause: error });
    }
    check(options, result);
    equivocators += options.equivocators!.length;
    caught += result.equivocated.length;
    if (options.partitions!.length || options.crashes!.length) faulty++;
  }
  // The matrix does what it says: most runs have partitions or crashes,
  // and equivocators do get their conflicting votes to honest nodes.
  const runs = seeds().length;
  assert.ok(faulty > runs / 2, `${faulty} of ${runs} runs had faults`);
  assert.ok(
    caught >= 0.99 * equivocators,
    `${caught} of ${equivocators} equivocators equivocated`,
  );
});

Deno.test("simulation: one seed, one history", () => {
  const options = scenario(42);
  const a = simulate(options);
  const b = simulate(options);
  assert.deepEqual(a.chains, b.chains);
  assert.deepEqual(a.moderation, b.moderation);
  assert.equal(a.messages, b.messages);
  assert.equal(a.time, b.time);
  const other = simulate({ ...options, seed: 43 });
  assert.notDeepEqual(other.chains, a.chains);
});

Deno.test("simulation: moderation output is computed, and changes", () => {
  // Flags land in blocks: the moderation digest moves as heights pass.
  const result = simulate({
    seed: 5,
    stakes: [10, 20, 30, 40],
    heights: 20,
    txRate: 4,
  });
  const txs = result.finalized[0].reduce((s, f) => s + f.block.txs.length, 0);
  assert.ok(txs >= 8, `only ${txs} transactions were included`);
  const digests = new Set(result.moderation[0]);
  assert.ok(digests.size >= 4, `only ${digests.size} distinct outputs`);
  for (const node of result.honest) {
    assert.deepEqual(result.moderation[node], result.moderation[0]);
  }
});

Deno.test("simulation: with 1/3 of stake or more, safety is not promised, and a fork names its culprits", () => {
  // Two of four equal validators equivocate together: when one of them
  // proposes two blocks, each side of the network can finalize its own.
  const coalition = [0, 1];
  const keys = coalition.map((i) => simulatedKey(i));
  let forks = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const result = simulate({
      seed,
      stakes: [10, 10, 10, 10],
      equivocators: coalition,
      heights: 3,
      until: 5_000,
      txRate: 0,
    });
    for (const h of result.conflicts) {
      const [a, b] = result.honest.map((i) => result.finalized[i][h - 1]);
      const { conflict, culprits } = forkChoice(a, b);
      assert.ok(conflict, `seed ${seed}: height ${h}`);
      // Accountable safety: more than 1/3 of power signed both blocks,
      // and every one of them is byzantine.
      assert.ok(culprits.length >= 2, `seed ${seed}: culprits ${culprits}`);
      assert.ok(culprits.every((k) => keys.includes(k)), `seed ${seed}`);
      forks++;
    }
  }
  assert.ok(forks > 0, "no fork in 10 runs: the attack did not happen");
});

Deno.test("simulation: withholders with 1/3 of stake stall finality without forking it", () => {
  const result = simulate({
    seed: 3,
    stakes: [10, 10, 10, 10, 10, 10],
    withholders: [0, 1],
    heights: 2,
    until: 10_000,
  });
  assert.equal(result.settled, false);
  assert.ok(result.honest.every((i) => result.chains[i].length === 0));
  assert.deepEqual(result.conflicts, []);
});

Deno.test("simulation network: ordered events, delays in range, drops, partitions", () => {
  const queue = new Queue();
  const order: string[] = [];
  queue.push(5, () => order.push("b"));
  queue.push(1, () => order.push("a"));
  queue.push(5, () => order.push("c"));
  for (let e = queue.pop(); e; e = queue.pop()) e.run();
  assert.deepEqual(order, ["a", "b", "c"]);

  const arrivals: number[] = [];
  const net = new Network(prng(1), {
    delay: [10, 20],
    drop: 0.5,
    reorder: 0,
    partitions: [{ from: 100, to: 200, groups: [[0], [1, 2]] }],
  });
  for (let i = 0; i < 1_000; i++) net.send(0, 1, () => arrivals.push(net.now));
  net.send(0, 0, () => arrivals.push(-1));
  net.run(() => false, Infinity);
  assert.ok(arrivals.length > 400 && arrivals.length < 600);
  assert.ok(arrivals.every((t) => t >= 10 && t < 20));
  let cut = 0;
  net.at(150, () => {
    assert.ok(net.cut(0, 1) && net.cut(0, 2) && !net.cut(1, 2));
    for (let i = 0; i < 100; i++) net.send(0, 1, () => cut++);
  });
  net.at(200, () => assert.ok(!net.cut(0, 1)));
  net.run(() => false, Infinity);
  assert.equal(cut, 0);
  assert.deepEqual([prng(9)(), prng(9)()], [prng(9)(), prng(9)()]);
});
