/**
 * The moderation function: finalized state and genesis rules in, a
 * verdict per flagged post and author out, with the evidence behind it.
 * Pure and deterministic, so every instance honouring a ledger shows the
 * same result and can say why.
 *
 * - **hidden**: bonds of `hide`-category flags reach `hideBps` of all stake;
 * - **warned**: bonds of `hide` and `warn` flags reach `warnBps`, or the
 *   author is proved forked; the labels say which categories;
 * - **downranked**: bonds of `downrank`-category flags reach `downrankBps`;
 *   separate from hiding: the subject stays visible, lower in ranked lists.
 *
 * Flags count while active or upheld on appeal; overturned and retracted
 * flags do not.
 *
 * @module
 */
import type { FlagCategory } from "./genesis.ts";
import { share } from "./_internal.ts";
import type { Touched } from "./apply.ts";
import type { Appeal, Forked, LedgerState, Subject } from "./state.ts";

/** The label of a forked author. */
export type Label = FlagCategory | "forked";

/** One flag behind a verdict. */
export interface FlagEvidence {
  flag: string;
  flagger: string;
  category: FlagCategory;
  bond: number;
  /** Height of the block that included the flag. */
  height: number;
  status: "active" | "upheld";
}

/** What a ledger says of one post or author. */
export interface Verdict {
  subject: Subject;
  status: "visible" | "warned" | "hidden";
  downranked: boolean;
  /** Categories by bonded stake, most first; "forked" first when proved. */
  labels: Label[];
  /**
   * Bonded stake by effect (`warn` counts `warn` and `hide` flags), and
   * all stake.
   */
  stake: { hide: number; warn: number; downrank: number; supply: number };
  evidence: FlagEvidence[];
  appeal: Pick<Appeal, "id" | "status" | "closes" | "decided"> | null;
  forked: Forked | null;
}

const VISIBLE_STATUSES = new Set(["active", "upheld"]);

/**
 * The verdict on one subject key (`post:<id>` or `author:<key>`), or null
 * when the ledger has nothing on it.
 *
 * @example
 * ```ts
 * const verdict = verdictOf(state, `post:${id}`);
 * if (verdict?.status === "hidden") collapse(verdict);
 * ```
 */
export function verdictOf(state: LedgerState, key: string): Verdict | null {
  const record = state.subject(key);
  const author = key.startsWith("author:") ? key.slice(7) : null;
  const forked = author ? state.forked(author) ?? null : null;
  if (!record && !forked) return null;
  const params = state.params;
  const { supply } = state.meta;
  const stake = { hide: 0, warn: 0, downrank: 0, supply };
  const byCategory = new Map<FlagCategory, number>();
  const evidence: FlagEvidence[] = [];
  for (const id of record?.flags ?? []) {
    const flag = state.flag(id);
    if (!flag || !VISIBLE_STATUSES.has(flag.status)) continue;
    const effect = params.categories[flag.category];
    if (effect !== "downrank") stake.warn += flag.bond;
    if (effect === "hide") stake.hide += flag.bond;
    if (effect === "downrank") stake.downrank += flag.bond;
    byCategory.set(
      flag.category,
      (byCategory.get(flag.category) ?? 0) + flag.bond,
    );
    evidence.push({
      flag: flag.id,
      flagger: flag.flagger,
      category: flag.category,
      bond: flag.bond,
      height: flag.height,
      status: flag.status as "active" | "upheld",
    });
  }
  const labels: Label[] = [...byCategory]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([category]) => category);
  if (forked) labels.unshift("forked");
  const appeal = record?.appeal ? state.appeal(record.appeal) : undefined;
  return {
    subject: record?.subject ?? { author: author! },
    ...thresholds(state, stake, forked),
    labels,
    stake,
    evidence,
    appeal: appeal
      ? {
        id: appeal.id,
        status: appeal.status,
        closes: appeal.closes,
        decided: appeal.decided,
      }
      : null,
    forked,
  };
}

/** Status and down-ranking of `stake` (with `stake.supply`) under `state`'s rules. */
function thresholds(
  state: LedgerState,
  stake: Verdict["stake"],
  forked: Forked | null,
): Pick<Verdict, "status" | "downranked"> {
  const params = state.params;
  const reaches = (amount: number, bps: number) =>
    amount > 0 && amount >= Math.max(1, share(stake.supply, bps));
  const hidden = reaches(stake.hide, params.hideBps);
  const warned = reaches(stake.warn, params.warnBps) || forked !== null;
  return {
    status: hidden ? "hidden" : warned ? "warned" : "visible",
    downranked: reaches(stake.downrank, params.downrankBps),
  };
}

/**
 * Every verdict of a state, keyed by subject key (subjects the ledger has
 * nothing on are visible and absent).
 *
 * @example
 * ```ts
 * const verdicts = moderate(state);
 * ```
 */
export function moderate(state: LedgerState): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  const keys = new Set(state.subjectKeys());
  for (const author of state.forkedAuthors()) keys.add(`author:${author}`);
  for (const key of [...keys].sort()) {
    const verdict = verdictOf(state, key);
    if (verdict) verdicts.set(key, verdict);
  }
  return verdicts;
}

/**
 * Brings `verdicts` (those of the previous height) up to `state` after a
 * block: only touched subjects are recomputed. When total stake moved,
 * which moves every threshold, the others keep their flags and stake and
 * are only measured again against the new supply. Returns the keys whose
 * verdict changed.
 *
 * @example
 * ```ts
 * const changed = updateVerdicts(verdicts, state, execution);
 * ```
 */
export function updateVerdicts(
  verdicts: Map<string, Verdict>,
  state: LedgerState,
  change: { touched: Touched; supplyChanged: boolean },
): string[] {
  const keys = change.supplyChanged
    ? new Set([...verdicts.keys(), ...change.touched])
    : change.touched;
  const changed: string[] = [];
  const { supply } = state.meta;
  for (const key of keys) {
    const before = verdicts.get(key);
    let after: Verdict | null;
    if (before && !change.touched.has(key)) {
      const stake = { ...before.stake, supply };
      after = {
        ...before,
        ...thresholds(state, stake, before.forked),
        stake,
      };
    } else after = verdictOf(state, key);
    if (after) verdicts.set(key, after);
    else verdicts.delete(key);
    if (
      before?.status !== after?.status ||
      before?.downranked !== after?.downranked
    ) {
      changed.push(key);
    }
  }
  return changed;
}
