/**
 * What the instance stores, for /admin/storage and `kith admin storage`:
 * the KV files' size on disk, entries and bytes per type (the usage
 * counters of lib/store/usage.ts), replicated authors, and ledgers with
 * their heights.
 *
 * @module
 */
import { join } from "node:path";
import type { InstanceInfo } from "../instance/mod.ts";
import { readUsage, type Usage } from "../store/usage.ts";

/** The storage report. */
export interface StorageReport {
  /** The data folder, or `:memory:`. */
  dataDir: string;
  /** Bytes of each KV file present (`kith.kv`, `kith.kv-wal`, `kith.kv-shm`). */
  files: Record<string, number>;
  /** Their sum; 0 in memory. */
  diskBytes: number;
  /** Entries and log bytes per entry type. */
  usage: Usage;
  /** Sums over types. */
  entries: number;
  logBytes: number;
  /** Authors this instance replicates. */
  authors: number;
  ledgers: {
    id: string;
    name: string | null;
    height: number;
    honoured: boolean;
  }[];
}

/** The KV database and SQLite's companions, by name. */
export const KV_FILES = ["kith.kv", "kith.kv-wal", "kith.kv-shm"];

/**
 * Measures `info`'s storage now.
 *
 * @throws {Deno.errors.PermissionDenied} When a KV file cannot be read
 * (a missing file counts as absent).
 * @example
 * ```ts
 * const { diskBytes, entries } = await storageReport(ctx.state.instance);
 * ```
 */
export async function storageReport(
  info: InstanceInfo,
): Promise<StorageReport> {
  const files: Record<string, number> = {};
  if (info.config.dataDir !== ":memory:") {
    for (const name of KV_FILES) {
      try {
        files[name] = (await Deno.stat(join(info.config.dataDir, name))).size;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
  }
  const usage = await readUsage(info.kv);
  const totals = Object.values(usage);
  return {
    dataDir: info.config.dataDir,
    files,
    diskBytes: Object.values(files).reduce((sum, size) => sum + size, 0),
    usage,
    entries: totals.reduce((sum, type) => sum + type.entries, 0),
    logBytes: totals.reduce((sum, type) => sum + type.bytes, 0),
    authors: info.replication.authors.length,
    ledgers: (await info.ledgers.list()).map((ledger) => ({
      id: ledger.id,
      name: ledger.name,
      height: ledger.height,
      honoured: ledger.honoured,
    })),
  };
}

/**
 * A byte count for people: `512 B`, `1.5 KiB`, `3.2 MiB`.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${bytes} B`
    : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
