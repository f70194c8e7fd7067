/**
 * `kith admin peers|storage|rejections`: the owner's views of the
 * instance over the signed admin API, as text tables or `--json`.
 *
 * @module
 */
import { formatBytes } from "../app/storage_usage.ts";
import type { KeyFile } from "./key_file.ts";
import { formatPeers, type PeerRow } from "./status.ts";

/** Sends one signed admin request (`signedAdminRequest` bound to a server). */
export type AdminRequest = (
  path: string,
  options: { key: KeyFile; body?: unknown; method?: string; what?: string },
) => Promise<Record<string, unknown>>;

/**
 * Runs `kith admin peers [add|remove <origin>]`, `admin storage` or
 * `admin rejections`; returns the exit code or `{ usage }`.
 *
 * @throws {Error} As the request does, e.g. `Cannot add peer …: <reason>`.
 * @example
 * ```ts
 * await runAdminReport("storage", [], { request, key, out: console.log });
 * ```
 */
export async function runAdminReport(
  what: "peers" | "storage" | "rejections",
  args: string[],
  options: {
    request: AdminRequest;
    key: () => Promise<KeyFile>;
    out: (text: string) => void;
    json?: boolean;
    now?: number;
  },
): Promise<number | { usage: string }> {
  const { request, out } = options;
  const now = options.now ?? Date.now();
  const print = (answer: unknown, lines: () => string[]) => {
    if (options.json) out(JSON.stringify(answer, null, 2));
    else for (const line of lines()) out(line);
    return 0;
  };
  if (what === "peers") {
    const [action, origin] = args;
    if (args.length === 0) {
      const answer = await request("/api/admin/peers", {
        key: await options.key(),
        method: "GET",
        what: "list peers",
      });
      return print(answer, () => peerLines(answer, now));
    }
    if ((action !== "add" && action !== "remove") || args.length !== 2) {
      return { usage: "admin peers needs nothing, or add|remove <origin>" };
    }
    const answer = await request("/api/admin/peers", {
      key: await options.key(),
      body: { action, origin },
      what: `${action} peer ${origin}`,
    });
    return print(answer, () => [
      action === "add"
        ? `Added ${answer.origin}; connecting`
        : answer.source === "config"
        ? `Removed ${answer.origin} until the instance restarts (it is configured)`
        : `Removed ${answer.origin}`,
    ]);
  }
  if (args.length !== 0) return { usage: `admin ${what} takes no arguments` };
  const answer = await request(`/api/admin/${what}`, {
    key: await options.key(),
    method: "GET",
    what: `read the ${what}`,
  });
  return print(
    answer,
    () => what === "storage" ? storageLines(answer) : rejectionLines(answer),
  );
}

function peerLines(answer: Record<string, unknown>, now: number): string[] {
  const outgoing = (answer.outgoing ?? []) as {
    origin: string;
    source: string;
  }[];
  return [
    ...formatPeers((answer.peers ?? []) as PeerRow[], now),
    "",
    outgoing.length === 0
      ? "No outgoing peers"
      : `Outgoing: ${
        outgoing.map((peer) =>
          `${peer.origin} (${peer.source === "admin" ? "added" : "configured"})`
        ).join(", ")
      }`,
  ];
}

function storageLines(answer: Record<string, unknown>): string[] {
  const usage = (answer.usage ?? {}) as Record<
    string,
    { entries: number; bytes: number }
  >;
  const ledgers = (answer.ledgers ?? []) as {
    id: string;
    name: string | null;
    height: number;
    honoured: boolean;
  }[];
  const files = Object.entries((answer.files ?? {}) as Record<string, number>);
  return [
    `Data folder:  ${answer.dataDir}`,
    `On disk:      ${formatBytes(Number(answer.diskBytes))}${
      files.length
        ? ` (${
          files.map(([name, size]) => `${name} ${formatBytes(size)}`).join(
            ", ",
          )
        })`
        : ""
    }`,
    `Entries:      ${answer.entries} (${
      formatBytes(Number(answer.logBytes))
    } of log)`,
    `Authors:      ${answer.authors}`,
    ...Object.entries(usage).sort(([a], [b]) => a.localeCompare(b)).map((
      [type, { entries, bytes }],
    ) => `  ${type.padEnd(12)}${String(entries).padStart(8)}  ${bytes} bytes`),
    ...(ledgers.length === 0 ? ["Ledgers:      none"] : ledgers.map((
      ledger,
      i,
    ) =>
      `${i === 0 ? "Ledgers:" : ""}`.padEnd(14) +
      `${ledger.name ?? "unnamed"} ${ledger.id} height ${ledger.height}${
        ledger.honoured ? "" : " (not honoured)"
      }`
    )),
  ];
}

function rejectionLines(answer: Record<string, unknown>): string[] {
  const rows = (answer.rejections ?? []) as {
    time: number;
    reason: string;
    from: string;
    author: string | null;
    seq: number | null;
    count: number;
    message: string;
  }[];
  if (rows.length === 0) return ["Nothing rejected since the instance started"];
  return [
    `${rows.length} kept, ${answer.total} since start; newest first`,
    ...rows.map((row) =>
      [
        new Date(row.time).toISOString().slice(0, 19) + "Z",
        row.reason + (row.count > 1 ? ` x${row.count}` : ""),
        row.from,
        row.author ? `${row.author}#${row.seq ?? "?"}` : "-",
        row.message,
      ].join("  ")
    ),
  ];
}
