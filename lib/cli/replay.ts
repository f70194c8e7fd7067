/**
 * Replays stored records through the real ingest pipeline, with the
 * times they were first accepted: what restore and reindex do, so that
 * every index is derived by the same code as on first ingest and orders
 * entries by the same times.
 *
 * @module
 */
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import type { RecordStore } from "../store/mod.ts";

/** One record to replay. */
export interface ReplayItem {
  /** The canonical record line, as stored. */
  line: string;
  /** When the instance first accepted it (ms). */
  receivedAt: number;
  /** Where it came from, for messages (e.g. "line 12"). */
  where: string;
}

/** Records are submitted this many at a time at most. */
const BATCH = 500;

/**
 * Ingests `items` (as from a peer: signatures and chains verified) into
 * `store` in order of acceptance time, each group with one acceptance time
 * ingested with that time as the clock.
 *
 * @returns how many were stored, and a message for each one refused.
 *
 * @example
 * ```ts
 * const { created, problems } = await replayRecords(store, items);
 * ```
 */
export async function replayRecords(
  store: RecordStore,
  items: ReplayItem[],
): Promise<{ created: number; problems: string[] }> {
  // Stable: an author's later entries were never accepted before earlier
  // ones, so each log stays in seq order.
  const ordered = items.map((item, index) => ({ item, index })).sort((a, b) =>
    a.item.receivedAt - b.item.receivedAt || a.index - b.index
  ).map(({ item }) => item);
  let clock = 0;
  const ingest = new Ingest(store, {
    verify: verifyEd25519,
    now: () => clock,
    workers: Math.max(1, navigator.hardwareConcurrency - 1),
  });
  let created = 0;
  const problems: string[] = [];
  try {
    for (let start = 0; start < ordered.length;) {
      clock = ordered[start].receivedAt;
      let end = start + 1;
      while (
        end < ordered.length && end - start < BATCH &&
        ordered[end].receivedAt === clock
      ) end++;
      const group = byClaimedTime(ordered.slice(start, end));
      const outcomes = await ingest.submit(group.map((item) => item.line), {
        source: "peer",
      });
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status === "created") created++;
        else if (outcome.status === "rejected") {
          problems.push(
            `${
              group[i].where
            }: ${outcome.error.code}: ${outcome.error.message}`,
          );
        } else if (outcome.status === "held") {
          problems.push(
            `${group[i].where}: its log misses seq ${outcome.missingFrom}`,
          );
        } else problems.push(`${group[i].where}: a duplicate record`);
      }
      start = end;
    }
  } finally {
    ingest.close();
  }
  return { created, problems };
}

/**
 * Records accepted in one batch, in the order their authors claim to have
 * written them, each author's own still in seq order. Which order a
 * batch came in is not stored, and a reply notifies its parent's author
 * only if the parent came first.
 */
function byClaimedTime(group: ReplayItem[]): ReplayItem[] {
  if (group.length < 2) return group;
  const parsed = group.map((item) => {
    const { entry } = JSON.parse(item.line) as {
      entry: { author: string; ts: number };
    };
    return { item, author: entry.author, ts: entry.ts };
  });
  const byTime = [...parsed].sort((a, b) => a.ts - b.ts);
  // Each author's entries, in their original (seq) order, take the places
  // that author holds in the time order.
  const queues = new Map<string, ReplayItem[]>();
  for (const { item, author } of parsed) {
    const queue = queues.get(author) ?? [];
    queue.push(item);
    queues.set(author, queue);
  }
  return byTime.map(({ author }) => queues.get(author)!.shift()!);
}
