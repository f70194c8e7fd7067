/**
 * Ledger benchmark: the moderation function's cost per block over
 * 100,000 posts and 10,000 flags, from real signed blocks.
 *
 * @module
 */
import process from "node:process";
import {
  type Block,
  buildBlock,
  type Evidence,
  executeBlock,
  FLAG_CATEGORIES,
  type FlagCategory,
  LedgerState,
  moderate,
  subjectKey,
  type Transaction,
  updateVerdicts,
  type Verdict,
} from "../lib/ledger/mod.ts";
import { genesisOf, idOf, partiesOf, prng, Signer } from "./_ledger_keys.ts";
import {
  assertSameVerdicts,
  type BlockSample,
  census,
  type ModerationFigures,
  type ModerationShape,
} from "./_moderation_figures.ts";

/** What each flagger of the moderation benchmark starts with. */
const FLAGGER_BALANCE = 2_000;
/**
 * The moderation function's cost per block. A starting state is made
 * once from real signed blocks: `flags` flags by `flaggers` funded
 * accounts over `posts` posts (a Zipf-like spread: a few posts draw
 * hundreds of flags, most flagged posts one or two; each post has a
 * usual category that most of its flags use), then `appeals` appeals
 * with votes (`quorumAppeals` of them with enough to be decided). Unflagged posts are visible by default and take no state.
 *
 * Then, for each series, from that same state: `blocks` blocks of N
 * transactions (new flags, retractions, appeal votes, a few appeals),
 * each built untimed, then timed: executeBlock + commit, and
 * updateVerdicts on the touched subjects. No signature is verified here:
 * that is the replay's part. Last, `slashBlocks` blocks with
 * equivocation evidence: slashing burns stake, so every threshold moves
 * and every verdict is measured again.
 */
export function measureModeration(shape: ModerationShape): ModerationFigures {
  const setupStarted = performance.now();
  const random = prng(shape.seed);
  const validators = Array.from({ length: 21 }, () => new Signer());
  const flaggers = Array.from({ length: shape.flaggers }, () => new Signer());
  const genesis = genesisOf(
    "Moderation bench",
    validators,
    flaggers.map((f) => ({ key: f.key, balance: FLAGGER_BALANCE })),
  );
  // Small validator stakes: the supply is mostly the flaggers' 3 M, and
  // the most flagged posts pass the thresholds.
  genesis.validators = genesis.validators.map((v, i) => ({
    ...v,
    stake: 1_000 + 100 * i,
  }));
  const ledger = LedgerState.fromGenesis(genesis).meta.ledger;
  const authors = Array.from(
    { length: shape.authors },
    (_, i) => idOf(`mod author ${i}`),
  );
  // Rank r (0 = most flagged) names post (r × 7,919 + 13) mod posts.
  const subjectOfRank = (rank: number) => {
    const n = (rank * 7_919 + 13) % shape.posts;
    return { post: idOf(`mod post ${n}`), author: authors[n % shape.authors] };
  };
  const cdf = new Float64Array(shape.posts);
  let sum = 0;
  for (let r = 0; r < shape.posts; r++) cdf[r] = sum += 1 / (r + 1);
  const zipfRank = () => {
    const x = random() * sum;
    let lo = 0;
    let hi = shape.posts - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const usual = (rank: number) =>
    FLAG_CATEGORIES[(rank * 31 + 1) % FLAG_CATEGORIES.length];
  let budget = new Map(flaggers.map((f) => [f.key, FLAGGER_BALANCE]));
  let flaggedBy = new Map<number, Set<number>>();
  /** A new flag on a Zipf-chosen post by someone who has not flagged it. */
  const newFlag = (time: number) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const rank = zipfRank();
      const by = flaggedBy.get(rank) ?? new Set<number>();
      // Flaggers of the most flagged posts bond more.
      const bond = (rank < 20 ? 4 : 1) * (20 + Math.floor(random() * 111));
      for (let pick = 0; pick < 20; pick++) {
        const f = Math.floor(random() * flaggers.length);
        const flagger = flaggers[f];
        if (by.has(f) || budget.get(flagger.key)! < bond) continue;
        by.add(f);
        flaggedBy.set(rank, by);
        budget.set(flagger.key, budget.get(flagger.key)! - bond);
        const category: FlagCategory = random() < 0.75
          ? usual(rank)
          : FLAG_CATEGORIES[Math.floor(random() * FLAG_CATEGORIES.length)];
        const tx: Transaction = {
          type: "flag",
          subject: subjectOfRank(rank),
          category,
          bond,
        };
        const { line, id } = flagger.record(ledger, tx, time);
        return { line, id, flagger: f, rank, bond };
      }
    }
    throw new Error("No flagger left to flag with");
  };
  /** Someone who can still bond an appeal (20). */
  const appellant = () => {
    for (let pick = 0; pick < 1_000; pick++) {
      const by = flaggers[Math.floor(random() * flaggers.length)];
      if (budget.get(by.key)! < 20) continue;
      budget.set(by.key, budget.get(by.key)! - 20);
      return by;
    }
    throw new Error("No one left to appeal");
  };
  let flags: { id: string; flagger: number; rank: number; bond: number }[] = [];
  let appeals: string[] = [];
  const setup: Block[] = [];
  let state = LedgerState.fromGenesis(genesis);
  const maxTxs = genesis.params.maxBlockTxs;
  const addBlock = (txs: string[], evidence: Evidence[] = []) => {
    const block = buildBlock(state, {
      round: 0,
      time: state.meta.time + 1_000,
      txs,
      evidence,
    });
    if (block.txs.length !== txs.length) {
      throw new Error(
        `Block ${block.height} kept ${block.txs.length} of ${txs.length} transactions`,
      );
    }
    return block;
  };
  // Flags, in full blocks.
  while (flags.length < shape.flags) {
    const txs: string[] = [];
    const time = state.meta.time + 1_000;
    while (txs.length < maxTxs && flags.length < shape.flags) {
      const flag = newFlag(time);
      flags.push(flag);
      txs.push(flag.line);
    }
    const block = addBlock(txs);
    executeBlock(state, block).state.commit();
    setup.push(block);
  }
  // Appeals on flagged posts, with votes, spread over ten blocks so they
  // close at different heights during the series.
  let appealed = new Set<number>();
  const ranks = [...new Set(flags.map((f) => f.rank))];
  const quorumVoters = 5 + Math.ceil(
    (state.meta.supply * genesis.params.appealQuorumBps) / 10_000 /
      FLAGGER_BALANCE,
  );
  for (let b = 0; b < 10; b++) {
    const txs: string[] = [];
    const time = state.meta.time + 1_000;
    for (let i = 0; i < shape.appeals / 10; i++) {
      const rank = ranks[Math.floor(random() * ranks.length)];
      if (appealed.has(rank)) continue;
      appealed.add(rank);
      const by = appellant();
      const { line, id } = by.record(
        ledger,
        { type: "appeal", subject: subjectOfRank(rank), bond: 20 },
        time,
      );
      txs.push(line);
      appeals.push(id);
      // Most appeals draw a few votes and lapse; some draw enough stake
      // (each flagger holds FLAGGER_BALANCE) to reach the quorum.
      // The appellant and the flaggers may not vote.
      const voters = i < shape.quorumAppeals / 10 ? quorumVoters : 3;
      const first = Math.floor(random() * flaggers.length);
      const parties = flaggedBy.get(rank)!;
      let cast = 0;
      for (let v = 0; v < flaggers.length && cast < voters; v++) {
        const f = (first + v) % flaggers.length;
        if (parties.has(f) || flaggers[f] === by) continue;
        cast++;
        txs.push(
          flaggers[f].record(ledger, {
            type: "vote",
            appeal: id,
            choice: random() < 0.5 ? "uphold" : "overturn",
          }, time).line,
        );
      }
    }
    const block = addBlock(txs);
    executeBlock(state, block).state.commit();
    setup.push(block);
  }
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  // The generator's view of the starting state, restored with it.
  const saved = {
    flags: [...flags],
    appeals: [...appeals],
    appealed: new Set(appealed),
    budget: new Map(budget),
    flaggedBy: new Map([...flaggedBy].map(([r, by]) => [r, new Set(by)])),
  };
  const fresh = () => {
    flags = [...saved.flags];
    appeals = [...saved.appeals];
    appealed = new Set(saved.appealed);
    budget = new Map(saved.budget);
    flaggedBy = new Map(
      [...saved.flaggedBy].map(([r, by]) => [r, new Set(by)]),
    );
    const next = LedgerState.fromGenesis(genesis);
    for (const block of setup) executeBlock(next, block).state.commit();
    return next;
  };
  const start = census(state, moderate(state));
  const moderateMs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    moderate(state);
    moderateMs.push(performance.now() - t0);
  }

  /** Transactions made by mixedTxs in the current series, by type. */
  let made: Record<string, number> = {};
  const count = (type: string) => made[type] = (made[type] ?? 0) + 1;
  /** N transactions: ~40% new flags, ~40% retractions, ~15% votes, ~5% appeals. */
  const mixedTxs = (n: number): string[] => {
    const time = state.meta.time + 1_000;
    const txs: string[] = [];
    const retracted = new Set<string>();
    // An appeal and a retraction on one subject in one block would clash.
    const busy = new Set<string>();
    for (let attempt = 0; txs.length < n && attempt < 20 * n; attempt++) {
      const pick = random();
      if (pick < 0.4) {
        const flag = newFlag(time);
        flags.push(flag);
        txs.push(flag.line);
        count("flag");
      } else if (pick < 0.8) {
        // A flag that may be retracted now (a few tries; flags that are no
        // longer active leave the list).
        let found: { flag: typeof flags[number]; key: string } | undefined;
        for (let t = 0; t < 20 && !found && flags.length > 0; t++) {
          const at = Math.floor(random() * flags.length);
          const flag = flags[at];
          const record = state.flag(flag.id);
          if (record && record.status !== "active") {
            flags[at] = flags[flags.length - 1];
            flags.pop();
            continue;
          }
          if (!record || retracted.has(flag.id)) continue;
          const key = subjectKey(record.subject);
          const subject = state.subject(key);
          const appeal = subject?.appeal ? state.appeal(subject.appeal) : null;
          if (
            busy.has(key) ||
            (appeal?.status === "open" && appeal.flags.includes(flag.id))
          ) continue;
          found = { flag, key };
        }
        if (!found) continue;
        const { flag, key } = found;
        busy.add(key);
        retracted.add(flag.id);
        flaggedBy.get(flag.rank)?.delete(flag.flagger);
        const flagger = flaggers[flag.flagger];
        budget.set(flagger.key, budget.get(flagger.key)! + flag.bond);
        txs.push(
          flagger.record(ledger, { type: "retract", flag: flag.id }, time).line,
        );
        count("retract");
      } else if (pick < 0.95) {
        const id = appeals[appeals.length - 1 - Math.floor(random() * 100)];
        if (!id || state.appeal(id)?.status !== "open") continue;
        const voter = flaggers[Math.floor(random() * flaggers.length)];
        if (partiesOf(state, id).has(voter.key)) continue;
        txs.push(
          voter.record(ledger, {
            type: "vote",
            appeal: id,
            choice: random() < 0.5 ? "uphold" : "overturn",
          }, time).line,
        );
        count("vote");
      } else {
        const rank = ranks[Math.floor(random() * ranks.length)];
        const key = subjectKey(subjectOfRank(rank));
        const record = state.subject(key);
        const open = record?.appeal &&
          state.appeal(record.appeal)?.status === "open";
        if (!record || open || appealed.has(rank) || busy.has(key)) continue;
        if (!record.flags.some((id) => state.flag(id)!.status === "active")) {
          continue;
        }
        busy.add(key);
        appealed.add(rank);
        const by = appellant();
        const appealMade = by.record(
          ledger,
          { type: "appeal", subject: subjectOfRank(rank), bond: 20 },
          time,
        );
        appeals.push(appealMade.id);
        txs.push(appealMade.line);
        count("appeal");
      }
    }
    return txs;
  };

  /** Executes, commits and updates verdicts for one block, timed. */
  const timed = (block: Block, verdicts: Map<string, Verdict>) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const execution = executeBlock(state, block);
    execution.state.commit();
    const t1 = performance.now();
    const changed = updateVerdicts(verdicts, state, execution);
    const t2 = performance.now();
    const { user, system } = process.cpuUsage(cpu);
    return {
      txs: block.txs.length,
      executeMs: t1 - t0,
      updateMs: t2 - t1,
      totalMs: t2 - t0,
      cpuMs: (user + system) / 1000,
      touched: execution.touched.size,
      supplyChanged: execution.supplyChanged,
      changed: changed.length,
    };
  };

  const series: ModerationFigures["series"] = [];
  for (const n of shape.series) {
    state = fresh();
    // Retractions and appeals above refer to this state's flags.
    const verdicts = moderate(state);
    const samples: BlockSample[] = [];
    made = {};
    for (let b = 0; b < shape.blocks; b++) {
      const block = addBlock(mixedTxs(n));
      samples.push(timed(block, verdicts));
    }
    assertSameVerdicts(verdicts, moderate(state));
    series.push({ txs: n, samples, types: made, end: census(state, verdicts) });
  }

  // Slashing: one validator equivocates per block.
  state = fresh();
  const verdicts = moderate(state);
  const slashing: BlockSample[] = [];
  for (let b = 0; b < shape.slashBlocks; b++) {
    const height = state.meta.height;
    const vote = (block: string) =>
      validators[b].vote({
        ledger,
        height,
        round: 0,
        type: "precommit",
        block,
      });
    const evidence: Evidence = {
      kind: "equivocation",
      votes: [vote(idOf(`a ${b}`)), vote(idOf(`b ${b}`))],
    };
    const block = addBlock([], [evidence]);
    if (block.evidence.length !== 1) throw new Error("Evidence left out");
    slashing.push(timed(block, verdicts));
  }
  assertSameVerdicts(verdicts, moderate(state));
  return { shape, setupSeconds, start, moderateMs, series, slashing };
}
