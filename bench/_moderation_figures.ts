/**
 * The moderation benchmark's shape and figures, and its checks of a
 * state: a census for the report, and that block-by-block verdicts equal
 * a full recomputation.
 *
 * @module
 */
import type { LedgerState, Verdict } from "../lib/ledger/mod.ts";

/** The shape of the moderation benchmark. */
export interface ModerationShape {
  /** Posts that may be flagged (subjects), by this many authors. */
  posts: number;
  authors: number;
  /** Flags in the starting state, by this many funded flaggers. */
  flags: number;
  flaggers: number;
  /** Appeals opened after the flags (they close during the series). */
  appeals: number;
  /** Of those, how many draw votes enough to be decided (the others lapse). */
  quorumAppeals: number;
  /** Transactions per measured block, one series each; blocks per series. */
  series: number[];
  blocks: number;
  /** Blocks carrying equivocation evidence (each slashes a validator). */
  slashBlocks: number;
  seed: number;
}

/** One measured block: execute + commit, then updateVerdicts. */
export interface BlockSample {
  txs: number;
  executeMs: number;
  updateMs: number;
  totalMs: number;
  /** CPU time of this process over the same span (all its threads). */
  cpuMs: number;
  touched: number;
  supplyChanged: boolean;
  changed: number;
}

/** What a state holds, for the report. */
export interface ModerationCensus {
  flags: number;
  activeFlags: number;
  subjects: number;
  maxFlagsOnPost: number;
  openAppeals: number;
  hidden: number;
  warned: number;
  downranked: number;
  visible: number;
  stateKeys: number;
  supply: number;
}

/** The moderation figures. */
export interface ModerationFigures {
  shape: ModerationShape;
  setupSeconds: number;
  start: ModerationCensus;
  /** moderate() over the starting state, ms per run. */
  moderateMs: number[];
  series: {
    txs: number;
    samples: BlockSample[];
    /** Transactions of the series by type. */
    types: Record<string, number>;
    end: ModerationCensus;
  }[];
  slashing: BlockSample[];
}

/** Throws unless block-by-block verdicts equal a full recomputation. */
export function assertSameVerdicts(
  updated: Map<string, Verdict>,
  full: Map<string, Verdict>,
): void {
  const text = (verdicts: Map<string, Verdict>) =>
    JSON.stringify([...verdicts].sort((a, b) => a[0] < b[0] ? -1 : 1));
  if (text(updated) !== text(full)) {
    throw new Error("updateVerdicts and moderate() disagree");
  }
}

/** What `state` holds, with `verdicts` (its verdicts), for the report. */
export function census(
  state: LedgerState,
  verdicts: Map<string, Verdict>,
): ModerationCensus {
  let activeFlags = 0;
  let flags = 0;
  for (const id of state.flagIds()) {
    flags++;
    if (state.flag(id)!.status === "active") activeFlags++;
  }
  let maxFlagsOnPost = 0;
  const keys = state.subjectKeys();
  for (const key of keys) {
    maxFlagsOnPost = Math.max(maxFlagsOnPost, state.subject(key)!.flags.length);
  }
  let openAppeals = 0;
  for (const id of state.appealIds()) {
    if (state.appeal(id)!.status === "open") openAppeals++;
  }
  const count = (test: (v: Verdict) => boolean) =>
    [...verdicts.values()].filter(test).length;
  return {
    flags,
    activeFlags,
    subjects: keys.length,
    maxFlagsOnPost,
    openAppeals,
    hidden: count((v) => v.status === "hidden"),
    warned: count((v) => v.status === "warned"),
    downranked: count((v) => v.downranked),
    visible: count((v) => v.status === "visible"),
    stateKeys: state.size,
    supply: state.meta.supply,
  };
}
