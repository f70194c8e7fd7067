/**
 * Schema versions of the data folder and the forward migrations between
 * them. The version lives at `["meta", "schemaVersion"]`; data without it
 * is schema 1 (what Kith stored before versions existed). At start, before
 * anything else reads KV, {@linkcode migrate} refuses data newer than this
 * code and runs each pending migration in order.
 *
 * A migration must be safe to run again after a crash at any point: it
 * records its progress under `["meta", "migration", to]` or makes each step
 * idempotent, and the version moves only after it finished.
 *
 * | Version | Change |
 * | --- | --- |
 * | 1 | logs, heads, indexes, fork proofs (no version key) |
 * | 2 | storage usage counters per entry type (`["usage", ...]`) |
 *
 * @module
 */
import { KEYS } from "./schema.ts";
import { countUsage, type Usage } from "./usage.ts";

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = 2;

/** What a migration may use while it runs. */
export interface MigrationStep {
  /** How many keys to handle per KV commit. */
  batchSize: number;
  /** Call after each committed batch (tests make it throw: a crash). */
  checkpoint(): Promise<void>;
}

/** One forward migration, from schema `from` to `to` (= from + 1). */
export interface Migration {
  from: number;
  to: number;
  /** What it does, for the log line at start. */
  describe: string;
  /** Migrates; must be idempotent and resumable (see the module doc). */
  run(kv: Deno.Kv, step: MigrationStep): Promise<void>;
}

/** Why the data folder cannot be used by this code. */
export class SchemaError extends Error {
  /** Creates the error with its message. */
  constructor(message: string) {
    super(message);
    this.name = "SchemaError";
  }
}

/** What {@linkcode migrate} did. */
export interface MigrationReport {
  /** The version found (1 for unversioned data, the current one when fresh). */
  from: number;
  to: number;
  /** Whether the data folder was empty (versioned directly, nothing run). */
  fresh: boolean;
  /** `describe` of each migration run, in order. */
  ran: string[];
}

/** 1 -> 2: counts storage usage per entry type from the logs. */
const usageCounters: Migration = {
  from: 1,
  to: 2,
  describe: "count storage usage per entry type",
  async run(kv, step) {
    const progressKey = KEYS.migrationProgress(2);
    const saved = await kv.get<{ cursor: string; totals: Usage }>(progressKey);
    const totals = await countUsage(kv, {
      from: saved.value ?? undefined,
      batchSize: step.batchSize,
      checkpoint: async (cursor, totals) => {
        await kv.set(progressKey, { cursor, totals });
        await step.checkpoint();
      },
    });
    // Counters are set, not added to: running this again gives the same keys.
    const atomic = kv.atomic().delete(progressKey);
    for (const [type, usage] of Object.entries(totals)) {
      atomic.set(KEYS.usageEntries(type), new Deno.KvU64(BigInt(usage.entries)))
        .set(KEYS.usageBytes(type), new Deno.KvU64(BigInt(usage.bytes)));
    }
    await commitOrThrow(atomic, "the usage counters");
  },
};

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [usageCounters];

/**
 * Brings the data in `kv` to {@linkcode SCHEMA_VERSION}: an empty store is
 * versioned directly, an older one migrated step by step.
 *
 * @throws {SchemaError} When the data is newer than this code, e.g.
 * `Cannot start: the data folder was written by a newer Kith (schema 5,
 * this one knows up to 2); upgrade Kith or use a backup`, or its version
 * is not a positive integer.
 * @throws {Error} Whatever a migration throws; the version stays where it
 * was and the next start resumes.
 *
 * @example
 * ```ts
 * const report = await migrate(kv);
 * if (report.ran.length) console.log(`Migrated to schema ${report.to}`);
 * ```
 */
export async function migrate(
  kv: Deno.Kv,
  options: {
    migrations?: readonly Migration[];
    /** Defaults to the last migration's `to` (or 1 without migrations). */
    current?: number;
    batchSize?: number;
    /** Told before each migration runs. */
    onMigration?: (migration: Migration) => void;
    /** Called after each batch of each migration. */
    checkpoint?: () => Promise<void>;
  } = {},
): Promise<MigrationReport> {
  const migrations = options.migrations ?? MIGRATIONS;
  const current = options.current ?? migrations.at(-1)?.to ?? 1;
  const stored = await kv.get<unknown>(KEYS.schemaVersion());
  if (stored.value === null) {
    const [any] = await Array.fromAsync(kv.list({ prefix: [] }, { limit: 1 }));
    if (any === undefined) {
      await commitOrThrow(
        kv.atomic().check(stored).set(KEYS.schemaVersion(), current),
        "the schema version",
      );
      return { from: current, to: current, fresh: true, ran: [] };
    }
  }
  const found = stored.value ?? 1;
  if (typeof found !== "number" || !Number.isInteger(found) || found < 1) {
    throw new SchemaError(
      `Cannot start: the data folder's schema version is ${
        JSON.stringify(found)
      }, not a positive integer; restore it from a backup`,
    );
  }
  if (found > current) {
    throw new SchemaError(
      `Cannot start: the data folder was written by a newer Kith (schema ${found}, this one knows up to ${current}); upgrade Kith or use a backup`,
    );
  }
  const ran: string[] = [];
  for (let version = found; version < current;) {
    const migration = migrations.find((item) => item.from === version);
    if (!migration || migration.to !== version + 1) {
      throw new SchemaError(
        `Cannot start: no migration from schema ${version} to ${version + 1}`,
      );
    }
    options.onMigration?.(migration);
    await migration.run(kv, {
      batchSize: options.batchSize ?? 500,
      checkpoint: options.checkpoint ?? (() => Promise.resolve()),
    });
    await kv.set(KEYS.schemaVersion(), migration.to);
    ran.push(migration.describe);
    version = migration.to;
  }
  return { from: found, to: current, fresh: false, ran };
}

async function commitOrThrow(
  atomic: Deno.AtomicOperation,
  what: string,
): Promise<void> {
  if (!(await atomic.commit()).ok) {
    throw new Error(`Cannot migrate: writing ${what} failed a check`);
  }
}
