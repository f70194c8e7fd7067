/**
 * The operator commands of `deno task kith`: status, peers, backup,
 * restore and reindex (wired into the CLI by mod.ts).
 *
 * @module
 */
import { writeBackup } from "./backup.ts";
import { openDataFolder } from "./data_folder.ts";
import type { CliIo } from "./mod.ts";
import { reindex } from "./reindex.ts";
import { restoreArchive } from "./restore.ts";
import {
  fetchPeers,
  fetchStatus,
  formatPeers,
  formatStatus,
} from "./status.ts";

/** The names {@linkcode runOperatorCommand} answers. */
export const OPERATOR_COMMANDS: readonly string[] = [
  "status",
  "peers",
  "backup",
  "restore",
  "reindex",
];

/** Parsed options the operator commands read. */
export interface OperatorOptions {
  server: string;
  dataDir: string;
  out?: string;
  in?: string;
  json?: boolean;
}

/**
 * Runs one operator command; returns the exit code (0 done, 1 refused,
 * 2 usage) or the usage message to print with code 2.
 *
 * @throws {Error} whatever the command refuses with (the CLI prints it and
 * exits 1).
 *
 * @example
 * ```ts
 * const code = await runOperatorCommand("status", { server, dataDir }, io);
 * ```
 */
export async function runOperatorCommand(
  command: string,
  options: OperatorOptions,
  io: CliIo,
): Promise<number | { usage: string }> {
  switch (command) {
    case "status": {
      const status = await fetchStatus(options.server);
      if (options.json) io.out(JSON.stringify(status, null, 2));
      else for (const line of formatStatus(status)) io.out(line);
      return 0;
    }
    case "peers": {
      const rows = await fetchPeers(options.server);
      if (options.json) io.out(JSON.stringify(rows, null, 2));
      else for (const line of formatPeers(rows, Date.now())) io.out(line);
      return 0;
    }
    case "backup": {
      if (!options.out) return { usage: "backup needs --out <file>" };
      const kv = await openDataFolder(options.dataDir);
      try {
        const counts = await writeBackup(kv, options.out);
        io.out(
          `Backed up ${options.dataDir} to ${options.out}: ${counts.record} records, ${counts.fork} fork proofs, ${counts.ledger} ledgers with ${counts.block} blocks, ${counts.replication} replication marks`,
        );
      } finally {
        kv.close();
      }
      return 0;
    }
    case "restore": {
      if (!options.in) return { usage: "restore needs --in <file>" };
      const counts = await restoreArchive(options.dataDir, options.in);
      io.out(
        `Restored ${options.in} into ${options.dataDir}: ${counts.record} records, ${counts.fork} fork proofs, ${counts.ledger} ledgers with ${counts.block} blocks, ${counts.replication} replication marks`,
      );
      return 0;
    }
    case "reindex": {
      const kv = await openDataFolder(options.dataDir);
      try {
        const summary = await reindex(kv);
        io.out(
          `Reindexed ${options.dataDir}: ${summary.entries} entries replayed, ${summary.removed} index keys removed, ${summary.written} written`,
        );
      } finally {
        kv.close();
      }
      return 0;
    }
  }
  return { usage: `Unknown command "${command}"` };
}
