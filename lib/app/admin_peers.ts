/**
 * The owner's peers: outgoing peers added at run time are kept in KV and
 * dialled at every start along with the configured ones (`--peers`);
 * removing one deletes it. Removing a configured peer hangs up on it until
 * the next start, where the configuration brings it back: configuration
 * stays the operator's to change.
 *
 * @module
 */
import type { InstanceInfo } from "../instance/mod.ts";
import { HttpError } from "../web/http_error.ts";

/** KV key of one peer the owner added: value `{addedAt}` (ms). */
export const addedPeerKey = (origin: string): Deno.KvKey => [
  "instance",
  "peers",
  origin,
];

/** An outgoing peer and why it is one. */
export interface PeerChoice {
  origin: string;
  /** `config` from `--peers` / `KITH_PEERS`, `admin` added by the owner. */
  source: "config" | "admin";
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]);

/**
 * Reads `value` as a peer origin by the rules of `--peers` (http or https,
 * origin only) and refuses this instance's own origin.
 *
 * @throws {HttpError} 400 `bad_origin` or `self_peer`.
 * @example
 * ```ts
 * parsePeerOrigin("http://127.0.0.1:8001/", { self: ["http://127.0.0.1:8000"] }); // "http://127.0.0.1:8001"
 * ```
 */
export function parsePeerOrigin(
  value: string,
  options: { self: string[] },
): string {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    // Said below.
  }
  if (!url) {
    throw new HttpError(
      400,
      `Cannot add peer: "${value}" is not a URL; write it like https://kith.example`,
      { reason: "bad_origin" },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpError(
      400,
      `Cannot add peer: "${value}" must use http or https`,
      { reason: "bad_origin" },
    );
  }
  if (
    (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash ||
    url.username || url.password
  ) {
    throw new HttpError(
      400,
      `Cannot add peer: "${value}" must be an origin only (scheme, host, port), like ${url.origin}`,
      { reason: "bad_origin" },
    );
  }
  if (options.self.includes(url.origin)) {
    throw new HttpError(
      400,
      `Cannot add peer: ${url.origin} is this instance; an instance cannot peer with itself`,
      { reason: "self_peer" },
    );
  }
  return url.origin;
}

/** The origins under which `info`'s instance answers, as far as it knows. */
export function selfOrigins(info: InstanceInfo): string[] {
  const origins = [info.origin];
  let port = info.config.port;
  try {
    port ||= Number(new URL(info.origin).port);
  } catch {
    // No origin yet: only the configured port.
  }
  if (port) {
    for (const host of [...LOOPBACK, info.config.hostname]) {
      origins.push(
        `http://${
          host.includes(":") && !host.startsWith("[") ? `[${host}]` : host
        }:${port}`,
      );
    }
  }
  return origins;
}

/**
 * Origins the owner added, oldest first, to dial at start.
 *
 * @example
 * ```ts
 * const peers = [...config.peers, ...await loadAddedPeers(kv)];
 * ```
 */
export async function loadAddedPeers(kv: Deno.Kv): Promise<string[]> {
  const rows: { origin: string; addedAt: number }[] = [];
  for await (
    const { key, value } of kv.list<{ addedAt: number }>({
      prefix: ["instance", "peers"],
    })
  ) {
    rows.push({ origin: String(key[2]), addedAt: value?.addedAt ?? 0 });
  }
  return rows.sort((a, b) => a.addedAt - b.addedAt).map((row) => row.origin);
}

/** Outgoing peers now, with where each comes from. */
export async function listPeerChoices(
  info: InstanceInfo,
): Promise<PeerChoice[]> {
  const added = new Set(await loadAddedPeers(info.kv));
  return info.replication.peerOrigins.map((origin) => ({
    origin,
    source: added.has(origin) && !info.config.peers.includes(origin)
      ? "admin"
      : "config",
  }));
}

/**
 * Adds outgoing peer `value` (kept in KV, dialled now and at every start)
 * or removes it (deleted from KV; a configured one until the next start).
 *
 * @throws {HttpError} 400 as {@linkcode parsePeerOrigin}; 404
 * `unknown_peer` when removing an origin that is not a peer.
 * @example
 * ```ts
 * await choosePeer(info, "http://127.0.0.1:8001", { add: true });
 * ```
 */
export async function choosePeer(
  info: InstanceInfo,
  value: string,
  options: { add: boolean; now?: number },
): Promise<PeerChoice & { added: boolean }> {
  const origin = parsePeerOrigin(value, {
    self: options.add ? selfOrigins(info) : [],
  });
  const configured = info.config.peers.includes(origin);
  if (options.add) {
    if (!configured) {
      await info.kv.set(addedPeerKey(origin), {
        addedAt: options.now ?? Date.now(),
      });
    }
    info.replication.addPeer(origin);
    return { origin, source: configured ? "config" : "admin", added: true };
  }
  if (!info.replication.peerOrigins.includes(origin)) {
    throw new HttpError(404, `Cannot remove peer: ${origin} is not a peer`, {
      reason: "unknown_peer",
    });
  }
  await info.kv.delete(addedPeerKey(origin));
  info.replication.removePeer(origin);
  return { origin, source: configured ? "config" : "admin", added: false };
}
