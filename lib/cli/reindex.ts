/**
 * `kith reindex`: derives every index again from the stored log entries.
 * The logs are replayed through the ingest pipeline into a scratch KV in
 * memory, with the times they were first accepted, so the indexing rules
 * are the ingest's own; then the derived families of the data folder are
 * deleted and the scratch ones copied in.
 *
 * @module
 */
import { DERIVED_FAMILIES, KEYS, RecordStore } from "../store/mod.ts";
import { entryIdOfLine } from "../protocol/mod.ts";
import { type ReplayItem, replayRecords } from "./replay.ts";

/** What a reindex did. */
export interface ReindexSummary {
  /** Log entries replayed. */
  entries: number;
  /** Derived keys deleted before. */
  removed: number;
  /** Derived keys written. */
  written: number;
}

/** Mutations per atomic operation (KV allows 1,000). */
const PER_COMMIT = 500;
const decoder = new TextDecoder();

/**
 * Rebuilds the derived keys of `kv` (stop the instance first: writes made
 * meanwhile would be lost from the indexes).
 *
 * @throws {Error} `Cannot reindex: ...` when a stored entry has no
 * location or does not replay; nothing is changed then.
 *
 * @example
 * ```ts
 * const { entries } = await reindex(await openDataFolder("./data"));
 * ```
 */
export async function reindex(kv: Deno.Kv): Promise<ReindexSummary> {
  const items: ReplayItem[] = [];
  const page: { line: string; id: string; where: string }[] = [];
  const locate = async () => {
    for (let i = 0; i < page.length; i += 10) {
      const group = page.slice(i, i + 10);
      const found = await kv.getMany<{ receivedAt: number }[]>(
        group.map(({ id }) => KEYS.entry(id)),
      );
      for (const [j, { line, id, where }] of group.entries()) {
        const receivedAt = found[j].value?.receivedAt;
        if (receivedAt === undefined) {
          throw new Error(
            `Cannot reindex: entry ${id} (${where}) has no location`,
          );
        }
        items.push({ line, receivedAt, where });
      }
    }
    page.length = 0;
  };
  for await (const { key, value } of kv.list<Uint8Array>({ prefix: ["log"] })) {
    const line = decoder.decode(value);
    page.push({
      line,
      id: entryIdOfLine(line),
      where: `${String(key[1])} seq ${String(key[2])}`,
    });
    if (page.length >= 500) await locate();
  }
  await locate();

  const scratch = await Deno.openKv(":memory:");
  try {
    const { created, problems } = await replayRecords(
      new RecordStore(scratch),
      items,
    );
    if (problems.length > 0) {
      throw new Error(
        `Cannot reindex: ${problems.length} stored entries do not replay (nothing was changed): ${
          problems.slice(0, 5).join("; ")
        }`,
      );
    }
    let removed = 0;
    let written = 0;
    for (const family of DERIVED_FAMILIES) {
      removed += await apply(kv, kv.list({ prefix: [family] }), "delete");
    }
    for (const family of DERIVED_FAMILIES) {
      written += await apply(kv, scratch.list({ prefix: [family] }), "set");
    }
    return { entries: created, removed, written };
  } finally {
    scratch.close();
  }
}

/** Deletes from, or copies into, `kv` every listed key, in chunks. */
async function apply(
  kv: Deno.Kv,
  listed: Deno.KvListIterator<unknown>,
  action: "delete" | "set",
): Promise<number> {
  let atomic = kv.atomic();
  let pending = 0;
  let total = 0;
  let bytes = 0;
  const commit = async () => {
    if (pending === 0) return;
    const result = await atomic.commit();
    if (!result.ok) throw new Error("Cannot reindex: a KV commit failed");
    atomic = kv.atomic();
    pending = 0;
    bytes = 0;
  };
  for await (const { key, value } of listed) {
    if (action === "delete") atomic.delete(key);
    else atomic.set(key, value);
    pending++;
    total++;
    // Profiles can be large; keep each commit well under KV's 800 KB.
    bytes += action === "set" && key[0] === "profile"
      ? JSON.stringify(value).length + 256
      : 512;
    if (pending >= PER_COMMIT || bytes >= 400_000) await commit();
  }
  await commit();
  return total;
}
