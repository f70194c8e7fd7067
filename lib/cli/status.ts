/**
 * `kith status` and `kith peers`: what a running instance says about
 * itself over its HTTP API, as text for people or JSON for scripts.
 *
 * @module
 */
import { fetchInstance, readJson } from "./instance_http.ts";

/** A row of `GET /api/peers`, as far as the CLI shows it. */
export interface PeerRow {
  url: string;
  direction: string;
  connected: boolean;
  lastSeen: number | null;
  lag: number;
  recordsIn: number;
  recordsOut: number;
  rejected: number;
  rejectedBy: Record<string, number>;
}

/** What `kith status --json` prints. */
export interface InstanceStatus {
  server: string;
  name: string;
  version: string;
  uptime: number;
  /** From /readyz; null when the instance has no /readyz. */
  ready: boolean | null;
  readyDetail: Record<string, unknown> | null;
  replicatedAuthors: number;
  peers: { connected: number; total: number };
  ledgers: { id: string; name: string | null; height: number }[];
}

/**
 * Reads /healthz, /readyz (when the instance has it), /api/peers and
 * /api/ledgers of `server`.
 *
 * @throws {Error} `Cannot reach the instance at <server>: ...`, or `Cannot
 * read <path> of <server>: <status>` for an answer that is not 200.
 *
 * @example
 * ```ts
 * const status = await fetchStatus("http://localhost:8000");
 * ```
 */
export async function fetchStatus(server: string): Promise<InstanceStatus> {
  const health = await getJson(server, "/healthz");
  const readyResponse = await fetchInstance(server, "/readyz");
  let ready: boolean | null = null;
  let readyDetail: Record<string, unknown> | null = null;
  if (readyResponse.status === 404) await readyResponse.body?.cancel();
  else {
    // 503 means "not ready", with the same JSON body.
    ready = readyResponse.ok;
    readyDetail = await readJson(readyResponse, server).catch(() => null);
  }
  const peers = await getJson(server, "/api/peers");
  const rows = (peers.peers ?? []) as PeerRow[];
  const { ledgers } = await getJson(server, "/api/ledgers") as {
    ledgers?: {
      id: string;
      name: string | null;
      height: number;
      honoured: boolean;
    }[];
  };
  return {
    server,
    name: String(health.name),
    version: String(health.version),
    uptime: Number(health.uptime),
    ready,
    readyDetail,
    replicatedAuthors: Number(peers.replicatedAuthors ?? 0),
    peers: {
      connected: rows.filter((row) => row.connected).length,
      total: rows.length,
    },
    ledgers: (ledgers ?? []).filter((ledger) => ledger.honoured).map((
      { id, name, height },
    ) => ({ id, name, height })),
  };
}

/**
 * The peer table of `server` (`GET /api/peers`).
 *
 * @throws {Error} as {@linkcode fetchStatus}.
 *
 * @example
 * ```ts
 * const rows = await fetchPeers("http://localhost:8000");
 * ```
 */
export async function fetchPeers(server: string): Promise<PeerRow[]> {
  return ((await getJson(server, "/api/peers")).peers ?? []) as PeerRow[];
}

/**
 * `status` as lines of text.
 *
 * @example
 * ```ts
 * for (const line of formatStatus(status)) console.log(line);
 * ```
 */
export function formatStatus(status: InstanceStatus): string[] {
  const ready = status.ready === null
    ? "unknown (the instance has no /readyz)"
    : status.ready
    ? "ready"
    : `not ready (${failedChecks(status.readyDetail)})`;
  const lines = [
    `${status.name} (Kith ${status.version}) at ${status.server}`,
    `Uptime:             ${formatDuration(status.uptime)}`,
    `Ready:              ${ready}`,
    `Replicated authors: ${status.replicatedAuthors}`,
    `Peers:              ${status.peers.connected} connected of ${status.peers.total}`,
  ];
  if (status.ledgers.length === 0) lines.push("Ledgers:            none");
  for (const [i, ledger] of status.ledgers.entries()) {
    lines.push(
      `${i === 0 ? "Ledgers:" : ""}`.padEnd(20) +
        `${
          ledger.name ?? "(genesis unknown)"
        } ${ledger.id} at height ${ledger.height}`,
    );
  }
  return lines;
}

/**
 * The peer table as aligned text lines (a header, then one per peer),
 * times relative to `now`.
 *
 * @example
 * ```ts
 * for (const line of formatPeers(rows, Date.now())) console.log(line);
 * ```
 */
export function formatPeers(rows: PeerRow[], now: number): string[] {
  if (rows.length === 0) return ["No peers"];
  const table = [
    [
      "URL",
      "DIRECTION",
      "CONNECTED",
      "LAST SEEN",
      "LAG",
      "IN",
      "OUT",
      "REJECTED",
    ],
    ...rows.map((row) => [
      row.url,
      row.direction,
      row.connected ? "yes" : "no",
      row.lastSeen === null
        ? "never"
        : `${
          formatDuration(Math.max(0, Math.round((now - row.lastSeen) / 1000)))
        } ago`,
      String(row.lag),
      String(row.recordsIn),
      String(row.recordsOut),
      Object.entries(row.rejectedBy ?? {}).filter(([, n]) => n > 0).map((
        [reason, n],
      ) => `${reason}=${n}`).join(" ") || "0",
    ]),
  ];
  const widths = table[0].map((_, column) =>
    Math.max(...table.map((cells) => cells[column].length))
  );
  return table.map((cells) =>
    cells.map((cell, column) =>
      column === cells.length - 1 ? cell : cell.padEnd(widths[column])
    ).join("  ")
  );
}

/** "kv: why; replication: why" from a /readyz body, or its JSON. */
function failedChecks(detail: Record<string, unknown> | null): string {
  const checks = detail?.checks as
    | Record<string, { ok?: boolean; error?: string }>
    | undefined;
  if (!checks || typeof checks !== "object") {
    return JSON.stringify(detail ?? {});
  }
  return Object.entries(checks).filter(([, check]) => !check?.ok).map((
    [name, check],
  ) => `${name}: ${check?.error ?? "failed"}`).join("; ");
}

/** Seconds as "3d 4h", "2h 5m", "7m 3s" or "12s". */
export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor(seconds % 86_400 / 3_600);
  const m = Math.floor(seconds % 3_600 / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

async function getJson(
  server: string,
  path: string,
): Promise<Record<string, unknown>> {
  const response = await fetchInstance(server, path);
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Cannot read ${path} of ${server}: ${response.status}`);
  }
  return await readJson(response, server);
}
