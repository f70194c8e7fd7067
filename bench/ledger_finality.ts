/**
 * Finality of a ledger run by validator processes on loopback: each
 * validator is its own instance (`--genesis`, `--validator-key`), peers
 * in a ring with chords, and a staker publishes transfers on one of them
 * at a steady rate. Each instance reports, per block, the ms from the
 * proposer's timestamp to its own decision.
 *
 * @module
 */
import { join } from "node:path";
import { freePort } from "./_process.ts";
import { type Node, startNode, waitUntil } from "../tests/cluster.ts";
import { ledgerStatus, makeLedger } from "../tests/ledger_fixture.ts";

/** What one finality run measured. */
export interface FinalityResult {
  validators: number;
  seconds: number;
  transactions: number;
  /** Blocks decided by validator 0 during the run. */
  blocks: number;
  /** Per block and instance: ms from proposal time to decision. */
  samples: number[];
  /** Blocks decided in a round above 0 (seen by validator 0). */
  laterRounds: number;
  /** Transactions included by the end. */
  included: number;
}

/** Peers of validator `i`: the next `chords` validators around the ring. */
function peersOf(i: number, origins: string[], chords: number): string[] {
  const out: string[] = [];
  for (let step = 1; step <= Math.min(chords, origins.length - 1); step++) {
    out.push(origins[(i + step) % origins.length]);
  }
  return out;
}

/**
 * Starts `validators` instances, publishes a transfer every `txEveryMs` on
 * validator 0 for `seconds`, and collects the finality samples.
 */
export async function measureFinality(
  validators: number,
  options: { seconds: number; txEveryMs: number; chords?: number },
): Promise<FinalityResult> {
  const ledger = await makeLedger(validators, { balance: 1_000_000 });
  const ports = ledger.validators.map(() => freePort());
  const origins = ports.map((port) => `http://127.0.0.1:${port}`);
  const nodes: Node[] = [];
  try {
    // A few at a time: two cores cannot start twenty processes at once.
    for (let i = 0; i < validators; i += 3) {
      nodes.push(
        ...await Promise.all(
          ledger.validators.slice(i, i + 3).map((validator, j) =>
            startNode(`validator-${i + j}`, {
              port: ports[i + j],
              dataDir: join(ledger.dir, `data-${i + j}`),
              peers: peersOf(i + j, origins, options.chords ?? 3),
              args: [
                "--genesis",
                ledger.genesisPath,
                "--validator-key",
                validator.path,
              ],
            })
          ),
        ),
      );
    }
    const heights = async () =>
      await Promise.all(
        nodes.map(async (node) =>
          (await ledgerStatus(node.url, ledger.id))?.height ?? 0
        ),
      );
    console.log(`ledger: ${validators} validators up; waiting for height 2…`);
    await waitUntil(
      "every validator at height 2",
      async () => (await heights()).every((h) => h >= 2),
      300_000,
    );
    const startHeight = Math.min(...await heights());
    const started = performance.now();
    let transactions = 0;
    const to = ledger.validators[0].key;
    while (performance.now() - started < options.seconds * 1000) {
      const tick = performance.now();
      const tx = ledger.staker.next("ledger", {
        ledger: ledger.id,
        tx: { type: "transfer", to, amount: 1 },
      });
      await nodes[0].post([tx.line]);
      transactions++;
      const wait = options.txEveryMs - (performance.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const account = async () =>
      await (await fetch(
        `${nodes[0].url}/api/ledgers/${ledger.id}/accounts/${to}`,
      )).json();
    await waitUntil(
      "every transfer included",
      async () => (await account()).balance >= transactions,
      60_000,
    ).catch(() => {});
    const included = (await account()).balance;
    const samples: number[] = [];
    let blocks = 0;
    let laterRounds = 0;
    for (const [index, node] of nodes.entries()) {
      const overview = await (await fetch(
        `${node.url}/api/ledgers/${ledger.id}`,
      )).json();
      for (const sample of overview.finality) {
        if (sample.height <= startHeight) continue;
        samples.push(sample.ms);
        if (index === 0) {
          blocks++;
          if (sample.round > 0) laterRounds++;
        }
      }
    }
    return {
      validators,
      seconds: options.seconds,
      transactions,
      blocks,
      samples,
      laterRounds,
      included,
    };
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    await Deno.remove(ledger.dir, { recursive: true });
  }
}

/** ms at a quantile of sorted samples. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/**
 * The finality rows of the `ledger` section: 4 validators (p50 ≤ 1 s,
 * p99 ≤ 2 s) and 21 validators (p99 ≤ 3 s), each over `seconds` of a
 * transfer every 250 ms.
 */
export async function measureFinalityPart(seconds = 30): Promise<{
  rows: string[];
  notes: string[];
  summary: string;
}> {
  const rows: string[] = [];
  const notes: string[] = [];
  const summaries: string[] = [];
  for (
    const [validators, p50Target, p99Target] of [[4, 1000, 2000], [
      21,
      Infinity,
      3000,
    ]]
  ) {
    console.log(`ledger: finality with ${validators} validator processes…`);
    const run = await measureFinality(validators, { seconds, txEveryMs: 250 });
    const sorted = [...run.samples].sort((a, b) => a - b);
    const p50 = quantile(sorted, 0.5);
    const p99 = quantile(sorted, 0.99);
    const met = p50 <= p50Target && p99 <= p99Target;
    const target = validators === 4
      ? "Finality, 4 validators on loopback: p50 ≤ 1 s, p99 ≤ 2 s per block"
      : "Finality, 21 validators on loopback: p99 ≤ 3 s per block";
    rows.push(
      `| ${target} | p50 **${p50} ms**, p99 **${p99} ms** (max ${
        sorted.at(-1)
      } ms; ${sorted.length} samples) | ${met ? "met" : "**missed**"} |`,
    );
    notes.push(
      `- Finality, ${validators} validators: each an instance process with its own data folder, peers in a ring with 3 chords; a transfer published every 250 ms on validator 0 for ${seconds} s (${run.transactions} transactions, ${run.included} included). A sample is one block on one instance: ms from the proposer's timestamp to that instance's decision. ${run.blocks} blocks, ${run.laterRounds} decided after round 0.`,
    );
    summaries.push(`${validators} validators p50 ${p50} ms p99 ${p99} ms`);
  }
  return { rows, notes, summary: `finality: ${summaries.join("; ")}` };
}
