/**
 * `deno task bench ledger`: replaying and verifying a 10,000-block chain
 * from genesis, and the moderation function per block over 100,000 posts
 * and 10,000 flags, written to docs/benchmarks.md.
 *
 * {@linkcode measureLedgerTargets} returns the rows and notes of these
 * targets, so other ledger measurements (finality) can join the section
 * through {@linkcode ledgerSection}.
 *
 * @module
 */
import { median } from "./_process.ts";
import { measureFinalityPart } from "./ledger_finality.ts";
import { list, machine, ok, writeSection } from "./_report.ts";
import type { BlockSample } from "./_moderation_figures.ts";
import { type ChainShape, loadChain } from "./ledger_chain.ts";
import { measureModeration } from "./ledger_moderation.ts";
import { measureReplay } from "./ledger_replay.ts";

const DOC = new URL("../docs/benchmarks.md", import.meta.url);

/** Table rows and notes (markdown) of some ledger targets. */
export interface LedgerPart {
  rows: string[];
  notes: string[];
  /** One line for the console. */
  summary: string;
}

/**
 * Gives docs/benchmarks.md an empty `ledger` section (heading `Ledger`)
 * when it has none yet, so writeSection has markers to write between.
 */
async function ensureSection(): Promise<void> {
  const doc = await Deno.readTextFile(DOC);
  if (doc.includes("<!-- bench:ledger:start -->")) return;
  await Deno.writeTextFile(
    DOC,
    `${doc.trimEnd()}\n\n## Ledger\n\n<!-- bench:ledger:start -->\n<!-- bench:ledger:end -->\n`,
  );
}

const fmt = (value: number) => Math.round(value).toLocaleString("en");
const ms = (value: number) => value.toFixed(value < 10 ? 1 : 0);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function describe(samples: BlockSample[]) {
  const total = samples.map((s) => s.totalMs);
  const supply = samples.filter((s) => s.supplyChanged);
  const other = samples.filter((s) => !s.supplyChanged);
  return {
    median: median(total),
    p99: quantile(total, 0.99),
    cpuMedian: median(samples.map((s) => s.cpuMs)),
    cpuP99: quantile(samples.map((s) => s.cpuMs), 0.99),
    max: Math.max(...total),
    execute: median(samples.map((s) => s.executeMs)),
    update: median(samples.map((s) => s.updateMs)),
    touched: median(samples.map((s) => s.touched)),
    changed: median(samples.map((s) => s.changed)),
    supplyBlocks: supply.length,
    supplyMedian: supply.length ? median(supply.map((s) => s.totalMs)) : NaN,
    supplyUpdate: supply.length ? median(supply.map((s) => s.updateMs)) : NaN,
    otherMedian: other.length ? median(other.map((s) => s.totalMs)) : NaN,
  };
}

/**
 * Loads (or signs) the chain and replays it; only a summary of the chain
 * outlives this, so the moderation benchmark runs without it in the heap.
 */
async function runReplay(shape: ChainShape) {
  console.log(
    `ledger: chain of ${shape.blocks} blocks, ${shape.validators} validators (cached in the temp folder, else signed now)…`,
  );
  const started = performance.now();
  let chain = await loadChain(shape);
  const options = { workers: 2, ahead: 64, batch: 8, rounds: 3 };
  console.log(
    `ledger: replaying ${chain.blocks.length} blocks (${
      chain.cached ? "cached" : "just built"
    }; execute-only, inline, pool-only, pipelined × ${options.rounds})…`,
  );
  let replay;
  try {
    replay = await measureReplay(chain, options);
  } catch (error) {
    if (!chain.cached) throw error;
    // A cache from an older build of the core (or protocol) no longer replays.
    console.log(`ledger: cached chain failed (${error}); rebuilding…`);
    chain = await loadChain(shape, { rebuild: true });
    replay = await measureReplay(chain, options);
  }
  const precommits = chain.blocks.map((f) => f.commit.length);
  return {
    replay,
    chain: {
      cached: chain.cached,
      buildSeconds: chain.buildSeconds,
      refused: chain.refused,
      types: Object.entries(chain.txTypes).sort((a, b) => b[1] - a[1])
        .map(([type, count]) => `${fmt(count)} ${type}`).join(", "),
      precommits: [Math.min(...precommits), Math.max(...precommits)],
    },
    chainSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * Runs the replay and moderation benchmarks; returns their rows and
 * notes for the `ledger` section.
 */
export async function measureLedgerTargets(): Promise<LedgerPart> {
  const load = Deno.loadavg();
  const shape = {
    blocks: 10_000,
    validators: 21,
    accounts: 200,
    minSigners: 15,
    maxTxs: 5,
    seed: 1,
  };
  const { replay, chain, chainSeconds } = await runReplay(shape);
  const rates = replay.pipelined.map((r) => r.signatures / r.seconds);
  const cores = (run: { cpuSeconds: number; seconds: number }) =>
    (run.cpuSeconds / run.seconds).toFixed(2);
  const rate = median(rates);
  const pipelinedSeconds = median(replay.pipelined.map((r) => r.seconds));
  const inline = replay.inline;
  const inlineRate = inline.signatures / inline.seconds;
  const poolRate = replay.verifyOnly.signatures / replay.verifyOnly.seconds;

  const modShape = {
    posts: 100_000,
    authors: 5_000,
    flags: 10_000,
    flaggers: 1_500,
    appeals: 300,
    quorumAppeals: 20,
    series: [50, 500],
    blocks: 50,
    slashBlocks: 5,
    seed: 7,
  };
  console.log(
    `ledger: moderation over ${modShape.posts} posts, ${modShape.flags} flags (${modShape.blocks} blocks of ${
      modShape.series.join(" and ")
    } transactions)…`,
  );
  const modStarted = performance.now();
  const mod = measureModeration(modShape);
  const modSeconds = (performance.now() - modStarted) / 1000;
  const [small, large] = mod.series.map((s) => ({
    ...s,
    stats: describe(s.samples),
  }));
  const slash = describe(mod.slashing);
  const start = mod.start;
  const smallOk = small.stats.p99 <= 200;
  const largeOk = large.stats.p99 <= 200;

  const mixOf = (s: typeof small) =>
    Object.entries(s.types).sort((a, b) => b[1] - a[1])
      .map(([type, count]) => `${fmt(count)} ${type}`).join(", ");
  const perBlock = (s: typeof small) =>
    `**${ms(s.stats.median)} ms** median, **${
      ms(s.stats.p99)
    } ms** p99 of ${s.samples.length} blocks (there the slowest; CPU time of the process: ${
      ms(s.stats.cpuMedian)
    } / ${ms(s.stats.cpuP99)} ms)`;
  const rows = [
    `| Replaying and verifying a ledger of 10,000 blocks with 21 validators from genesis ≥ 20,000 signature verifications/s overall | **${
      fmt(rate)
    } verifications/s** (${fmt(replay.signatures)} signatures, ${
      fmt(replay.blocks)
    } blocks in ${
      pipelinedSeconds.toFixed(1)
    } s; signatures verified ahead in ${replay.workers} workers) | ${
      ok(rate >= 20_000)
    } |`,
    `| (context) same, block by block as \`LedgerNode\` accepts a finalized block (\`verifyAll\`, then execute) | ${
      fmt(inlineRate)
    } verifications/s (${inline.seconds.toFixed(1)} s: verify ${
      inline.verifySeconds!.toFixed(1)
    } s, rules and execution ${inline.executeSeconds!.toFixed(1)} s) | |`,
    `| (context) rules and execution alone, no signature checked | ${
      replay.executeOnly.seconds.toFixed(1)
    } s, ${
      ((replay.executeOnly.seconds * 1000) / replay.blocks).toFixed(2)
    } ms per block | |`,
    `| (context) the ${replay.workers} verify workers alone, every signature of every block | ${
      fmt(poolRate)
    } verifications/s (${replay.verifyOnly.seconds.toFixed(1)} s) | |`,
    `| Moderation function over 100,000 posts and 10,000 flags ≤ 200 ms incremental per block: blocks of 50 transactions | ${
      perBlock(small)
    } | ${ok(smallOk)} |`,
    `| Same, blocks of 500 transactions (the most a block may carry) | ${
      perBlock(large)
    } | ${ok(largeOk)} |`,
    `| (context) \`moderate()\` over the whole starting state | ${
      ms(median(mod.moderateMs))
    } ms median of ${mod.moderateMs.length} | |`,
    `| (context) a block that slashes a validator (supply changes: every verdict measured again) | ${
      ms(slash.median)
    } ms median of ${mod.slashing.length} (updateVerdicts ${
      ms(slash.update)
    } ms) | |`,
  ];

  const seriesNote = (
    s: typeof small,
  ) =>
    `Blocks of ${s.txs}: execute + commit ${
      ms(s.stats.execute)
    } ms, updateVerdicts ${
      ms(s.stats.update)
    } ms (medians), ${s.stats.touched} subjects touched and ${s.stats.changed} verdicts changed per block (medians), max ${
      ms(s.stats.max)
    } ms; ${s.stats.supplyBlocks} of ${s.samples.length} blocks closed an appeal, which burns part of its bond: the supply changes, so every verdict is measured against the new thresholds (median ${
      ms(s.stats.supplyMedian)
    } ms, updateVerdicts ${ms(s.stats.supplyUpdate)} ms), the others ${
      ms(s.stats.otherMedian)
    } ms; by the end the state held ${fmt(s.end.flags)} flags (${
      fmt(s.end.activeFlags)
    } active) on ${fmt(s.end.subjects)} subjects`;

  const notes = [
    `- Replay chain: a genesis of ${shape.validators} validators (stakes 10,000 to 30,000) and ${shape.accounts} funded accounts, fresh \`generateKeyPair\` keys; ${
      fmt(replay.blocks)
    } blocks from \`buildBlock\` (round 0, proposer by \`proposerOf\`), each with 0–${shape.maxTxs} signed \`ledger\` records (\`createRecord\`, \`sign\`): ${chain.types} (${chain.refused} offered transactions \`buildBlock\` left out), ${
      fmt(replay.transactions)
    } in all; and a commit of real precommits by a random ${shape.minSigners} to ${shape.validators} validators (more when those hold no more than 2/3 of the power; ${
      chain.precommits[0]
    }–${chain.precommits[1]}, ${
      (replay.precommits / replay.blocks).toFixed(1)
    } on average, ${
      fmt(replay.precommits)
    } in all). No evidence. Signing it took ${
      chain.buildSeconds.toFixed(0)
    } s; it is kept in the temp folder keyed by a version and a digest of lib/ledger (${
      chain.cached ? "this run read it from there" : "this run built it"
    }). The final state has ${fmt(replay.stateKeys)} keys.`,
    `- Timed, from \`LedgerState.fromGenesis\` to the last block: for every block \`commitChecks\` (the commit's rules) and \`executeBlock\` (every rule, the state root) and \`commit()\`, on the main thread; every signature (precommits' and transactions', ${
      fmt(replay.signatures)
    }) verified with \`verifyAll\` (strict byte checks, then WebCrypto Ed25519). Pipelined (\`applyFinalized\`, lib/ledgers/verify.ts): the signatures of the next ${replay.ahead} blocks verify in a \`VerifyPool\` of ${replay.workers} workers, ${replay.batch} blocks per request, while this thread executes; a block is committed only after its own signatures verified. Rounds (verifications/s): ${
      list(rates)
    }; the process's CPU time (every thread) per round: ${
      replay.pipelined.map((r) =>
        `${r.cpuSeconds.toFixed(1)} s in ${r.seconds.toFixed(1)} s`
      ).join(", ")
    }, so it had ${
      cores(replay.pipelined[rates.indexOf(rate)] ?? replay.pipelined[0])
    } of the 2 cores. WebCrypto's verify runs on the calling thread, so the pool is what uses the second core.`,
    `- Split: rules and execution alone took ${
      replay.executeOnly.seconds.toFixed(1)
    } s (${
      ((replay.executeOnly.seconds * 1000) / replay.blocks).toFixed(2)
    } ms per block, mostly hashing the state root: SHA-256 in JavaScript over every dirty bucket and the 1,024 bucket digests), so even with free verification this thread alone would allow ${
      fmt(replay.signatures / replay.executeOnly.seconds)
    } verifications/s; the workers alone verify ${
      fmt(poolRate)
    } signatures/s; block by block on one thread, ${
      inline.verifySeconds!.toFixed(1)
    } s verifying and ${
      inline.executeSeconds!.toFixed(1)
    } s on rules and execution (the process had ${
      cores(inline)
    } cores). \`LedgerNode\` still checks catch-up blocks one at a time (the inline row); \`applyFinalized\` is there for it to use.`,
    `- Moderation state: ${fmt(modShape.posts)} posts by ${
      fmt(modShape.authors)
    } authors are the possible subjects; ${fmt(start.flags)} flags by ${
      fmt(modShape.flaggers)
    } funded accounts (2,000 each; bonds 20–130, four times that on the 20 most flagged posts) spread over them as a Zipf law (a post's share ∝ 1/rank; each post has a usual category most of its flags use), made through real signed blocks of 500. Only flagged posts take state: posts without flags are visible by default and absent, so the state holds ${
      fmt(start.subjects)
    } subjects (the most flagged has ${
      fmt(start.maxFlagsOnPost)
    } flags), ${start.openAppeals} open appeals (${modShape.quorumAppeals} with votes enough to reach the quorum and be decided during the series; the others lapse), ${
      fmt(start.stateKeys)
    } keys, supply ${fmt(start.supply)}. Verdicts at the start: ${
      fmt(start.hidden)
    } hidden, ${fmt(start.warned)} warned, ${
      fmt(start.downranked)
    } down-ranked, ${fmt(start.visible)} visible (set-up ${
      mod.setupSeconds.toFixed(0)
    } s, untimed).`,
    `- Per block, from that same starting state for each size, ${modShape.blocks} blocks in a row, each built untimed (\`buildBlock\`) from a mix aiming at 40% new flags, 40% retractions, 15% appeal votes and 5% new appeals (made: ${
      mixOf(small)
    } for blocks of ${small.txs}; ${
      mixOf(large)
    } for ${large.txs}); timed: \`executeBlock\` + \`commit()\`, then \`updateVerdicts\` on the touched subjects (as \`LedgerNode\` decides a block). Signatures are not verified here (the replay above covers them). The target is judged on p99. ${
      seriesNote(small)
    }. ${seriesNote(large)}.`,
    `- Slashing: ${mod.slashing.length} blocks, each carrying equivocation evidence against another validator; executing one took ${
      ms(slash.execute)
    } ms and updateVerdicts ${ms(slash.update)} ms, measuring all ${
      fmt(start.subjects)
    } verdicts against the new supply (untouched subjects keep their flags and stake, so \`updateVerdicts\` only applies the new thresholds to them). \`moderate()\` over the starting state, runs (ms): ${
      mod.moderateMs.map(ms).join(", ")
    }.`,
    `- Load: other work shared the machine; the 1-minute load average was ${
      load[0].toFixed(1)
    } when the run started and ${
      Deno.loadavg()[0].toFixed(1)
    } when it ended (2 cores). Replay ${
      chainSeconds.toFixed(0)
    } s, moderation ${modSeconds.toFixed(0)} s.`,
  ];
  const summary = `ledger: replay ${fmt(rate)} verifications/s (inline ${
    fmt(inlineRate)
  }/s); moderation 50 txs ${ms(small.stats.median)}/${
    ms(small.stats.p99)
  } ms, 500 txs ${ms(large.stats.median)}/${
    ms(large.stats.p99)
  } ms (median/p99); moderate() ${ms(median(mod.moderateMs))} ms`;
  return { rows, notes, summary };
}

/** The `ledger` section: one table of every part's rows, then their notes. */
export function ledgerSection(parts: LedgerPart[]): string {
  return `
Measured ${machine()} with \`deno task bench ledger\`.

| Target | Measured | |
| --- | --- | --- |
${parts.flatMap((part) => part.rows).join("\n")}

${parts.flatMap((part) => part.notes).join("\n")}
`;
}

/** Runs the ledger benchmarks and rewrites their doc section. */
export async function benchLedger(): Promise<void> {
  const finality = await measureFinalityPart();
  const targets = await measureLedgerTargets();
  await ensureSection();
  await writeSection("ledger", ledgerSection([finality, targets]));
  console.log(finality.summary);
  console.log(targets.summary);
}
