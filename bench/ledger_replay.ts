/**
 * Ledger benchmark: replaying and verifying a chain of finalized blocks
 * from genesis, several ways (pipelined through a verify pool, inline as
 * LedgerNode accepts a block, execution alone, signatures alone).
 *
 * @module
 */
import process from "node:process";
import {
  blockChecks,
  commitChecks,
  executeBlock,
  LedgerState,
} from "../lib/ledger/mod.ts";
import {
  applyFinalized,
  verifyAll,
  VerifyPool,
} from "../lib/ledgers/verify.ts";
import type { Chain } from "./ledger_chain.ts";

/** One way of replaying the chain, timed. */
export interface ReplayRun {
  seconds: number;
  /** Signatures verified (0 when the run verifies none). */
  signatures: number;
  /** CPU seconds of the process over the run (all its threads). */
  cpuSeconds: number;
  /** Seconds on this thread in verifyAll, and in rules and execution (inline only). */
  verifySeconds?: number;
  executeSeconds?: number;
}

/** Every replay figure of one chain. */
export interface ReplayFigures {
  blocks: number;
  signatures: number;
  precommits: number;
  transactions: number;
  /** Pipelined: rules and execution here, signatures in the pool ahead. */
  pipelined: ReplayRun[];
  /** As LedgerNode accepts a block: verifyAll, then execute, block by block. */
  inline: ReplayRun;
  /** Rules and execution alone (commitChecks, executeBlock, commit). */
  executeOnly: ReplayRun;
  /** The pool verifying every block's signatures, nothing else. */
  verifyOnly: ReplayRun;
  workers: number;
  ahead: number;
  batch: number;
  stateKeys: number;
}

function assertReplayed(state: LedgerState, chain: Chain): void {
  const last = chain.blocks[chain.blocks.length - 1].block;
  if (state.meta.height !== last.height || state.root() !== last.stateRoot) {
    throw new Error(`Replay ended at height ${state.meta.height}`);
  }
}

/**
 * Replays `chain` from genesis several ways (see {@linkcode ReplayFigures});
 * every way checks every commit's rules and every block's execution and
 * root, and all but execute-only verify every signature.
 */
export async function measureReplay(
  chain: Chain,
  options: { workers: number; ahead: number; batch: number; rounds: number },
): Promise<ReplayFigures> {
  const { blocks, genesis } = chain;
  let precommits = 0;
  let transactions = 0;
  for (const { block, commit } of blocks) {
    precommits += commit.length;
    transactions += block.txs.length;
  }
  const signatures = precommits + transactions;
  const seconds = (since: number) => (performance.now() - since) / 1000;
  let cpu = process.cpuUsage();
  const cpuSeconds = () => {
    const { user, system } = process.cpuUsage(cpu);
    return (user + system) / 1e6;
  };

  // Rules and execution alone.
  let state = LedgerState.fromGenesis(genesis);
  let started = performance.now();
  cpu = process.cpuUsage();
  for (const finalized of blocks) {
    commitChecks(state, finalized);
    executeBlock(state, finalized.block).state.commit();
  }
  const executeOnly = {
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    signatures: 0,
  };
  assertReplayed(state, chain);
  const stateKeys = state.size;

  // Inline, as LedgerNode checks a finalized block: all of its
  // signatures with verifyAll, then execution.
  state = LedgerState.fromGenesis(genesis);
  let verifySeconds = 0;
  let executeSeconds = 0;
  let verified = 0;
  started = performance.now();
  cpu = process.cpuUsage();
  for (const finalized of blocks) {
    const t0 = performance.now();
    const checks = [
      ...commitChecks(state, finalized),
      ...blockChecks(finalized.block),
    ];
    const t1 = performance.now();
    if (!await verifyAll(checks)) throw new Error("A signature failed");
    const t2 = performance.now();
    executeBlock(state, finalized.block).state.commit();
    executeSeconds += (t1 - t0 + performance.now() - t2) / 1000;
    verifySeconds += (t2 - t1) / 1000;
    verified += checks.length;
  }
  const inline = {
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    signatures: verified,
    verifySeconds,
    executeSeconds,
  };
  assertReplayed(state, chain);

  const pool = new VerifyPool(options.workers);
  try {
    // Warm the workers up (module load, key imports).
    await pool.verifyBlocks(blocks.slice(0, 50));
    // The pool alone.
    started = performance.now();
    cpu = process.cpuUsage();
    const counts = [];
    for (let i = 0; i < blocks.length; i += options.ahead) {
      const window = [];
      for (
        let j = i;
        j < Math.min(blocks.length, i + options.ahead);
        j += options.batch
      ) {
        window.push(
          pool.verifyBlocks(
            blocks.slice(j, Math.min(j + options.batch, i + options.ahead)),
          ),
        );
      }
      counts.push(...await Promise.all(window));
    }
    const verifyOnly = {
      seconds: seconds(started),
      cpuSeconds: cpuSeconds(),
      signatures: counts.reduce(
        (sum, c) => sum + c.counts.reduce((a, b) => a + b, 0),
        0,
      ),
    };
    if (counts.some((c) => !c.ok.every(Boolean))) {
      throw new Error("A signature failed");
    }
    const pipelined: ReplayRun[] = [];
    for (let round = 0; round < options.rounds; round++) {
      state = LedgerState.fromGenesis(genesis);
      started = performance.now();
      cpu = process.cpuUsage();
      const result = await applyFinalized(state, blocks, {
        pool,
        ahead: options.ahead,
        batch: options.batch,
      });
      pipelined.push({
        seconds: seconds(started),
        cpuSeconds: cpuSeconds(),
        signatures: result.signatures,
      });
      if (result.error) throw result.error;
      assertReplayed(state, chain);
    }
    return {
      blocks: blocks.length,
      signatures,
      precommits,
      transactions,
      pipelined,
      inline,
      executeOnly,
      verifyOnly,
      workers: pool.size,
      ahead: options.ahead,
      batch: options.batch,
      stateKeys,
    };
  } finally {
    pool.close();
  }
}
