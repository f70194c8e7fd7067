/**
 * Storage usage by entry type: how many log entries of each type this
 * instance holds and how many bytes their log slots take, kept as KV
 * counters so the admin pages and `kith status` read them in one scan of
 * a dozen keys instead of the whole store. Log slots are most of what an
 * instance stores; indexes are small and proportional to them.
 *
 * Every commit adjusts the counters in the same atomic operation as the
 * slots it writes (lib/store/record_store.ts); `recountUsage` derives them
 * from the logs again (schema migration 1 -> 2, reindex).
 *
 * @module
 */
import { KEYS } from "./schema.ts";

/** Usage of one entry type. */
export interface TypeUsage {
  /** Log entries of this type stored. */
  entries: number;
  /** Bytes of their log slots (canonical record lines, UTF-8). */
  bytes: number;
}

/** Usage per entry type, e.g. `{ post: { entries: 3, bytes: 1500 } }`. */
export type Usage = Record<string, TypeUsage>;

/**
 * Adds `entries` and `bytes` (either may be negative) to `type` in `totals`.
 *
 * @example
 * ```ts
 * const totals: Usage = {};
 * addUsage(totals, "post", { entries: 1, bytes: 420 });
 * ```
 */
export function addUsage(
  totals: Usage,
  type: string,
  change: TypeUsage,
): void {
  const current = totals[type] ??= { entries: 0, bytes: 0 };
  current.entries += change.entries;
  current.bytes += change.bytes;
}

/**
 * Adds `changes` to the stored counters within `atomic` (KV counters wrap
 * modulo 2^64, so a negative change subtracts).
 *
 * @example
 * ```ts
 * addUsageTo(kv.atomic(), { post: { entries: 1, bytes: 420 } });
 * ```
 */
export function addUsageTo(atomic: Deno.AtomicOperation, changes: Usage): void {
  for (const [type, change] of Object.entries(changes)) {
    if (change.entries !== 0) {
      atomic.sum(
        KEYS.usageEntries(type),
        BigInt.asUintN(64, BigInt(change.entries)),
      );
    }
    if (change.bytes !== 0) {
      atomic.sum(
        KEYS.usageBytes(type),
        BigInt.asUintN(64, BigInt(change.bytes)),
      );
    }
  }
}

/**
 * The stored usage counters, by entry type (types with nothing stored are
 * left out).
 *
 * @example
 * ```ts
 * const { post } = await readUsage(kv);
 * ```
 */
export async function readUsage(kv: Deno.Kv): Promise<Usage> {
  const totals: Usage = {};
  for await (
    const { key, value } of kv.list<Deno.KvU64>({ prefix: ["usage"] })
  ) {
    const [, field, type] = key as [string, string, string];
    const count = Number(value.value);
    if (field === "entries") {
      addUsage(totals, type, { entries: count, bytes: 0 });
    }
    if (field === "bytes") addUsage(totals, type, { entries: 0, bytes: count });
  }
  for (const [type, usage] of Object.entries(totals)) {
    if (usage.entries === 0 && usage.bytes === 0) delete totals[type];
  }
  return totals;
}

/**
 * Counts usage from the stored logs: `batchSize` slots at a time, calling
 * `checkpoint` with the totals so far and the cursor after each batch, so
 * a long count can resume where it stopped (pass the saved `from`).
 * Returns the totals; it writes nothing.
 *
 * @example
 * ```ts
 * const totals = await countUsage(kv, { checkpoint: async () => {} });
 * ```
 */
export async function countUsage(
  kv: Deno.Kv,
  options: {
    from?: { cursor: string; totals: Usage };
    batchSize?: number;
    checkpoint?: (cursor: string, totals: Usage) => Promise<void>;
  } = {},
): Promise<Usage> {
  const batchSize = options.batchSize ?? 500;
  const totals: Usage = structuredClone(options.from?.totals ?? {});
  let cursor = options.from?.cursor;
  while (true) {
    const slots = kv.list<Uint8Array>({ prefix: ["log"] }, {
      cursor,
      limit: batchSize,
      batchSize,
    });
    let seen = 0;
    for await (const { value } of slots) {
      seen++;
      addUsage(totals, typeOfSlot(value), {
        entries: 1,
        bytes: value.length,
      });
    }
    if (seen === 0) return totals;
    cursor = slots.cursor;
    await options.checkpoint?.(cursor, totals);
    if (seen < batchSize) return totals;
  }
}

const decoder = new TextDecoder();

/** The entry type of a stored log slot, without parsing its content. */
function typeOfSlot(slot: Uint8Array): string {
  // The line is canonical JSON ending in the entry, whose keys are sorted:
  // `..."type":"post"}}`, so the last "type" is the entry's.
  const line = decoder.decode(slot);
  const at = line.lastIndexOf('"type":"');
  if (at < 0) return "unknown";
  const start = at + 8;
  return line.slice(start, line.indexOf('"', start));
}
