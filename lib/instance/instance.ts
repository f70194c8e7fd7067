/**
 * One running Kith instance: Deno KV in the data folder, the web app, and
 * the HTTP server, started and stopped together.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Config, ConfigError, prepareDataDir } from "../config/mod.ts";
import { createWebApp, type WebApp } from "../web/mod.ts";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { migrate, SchemaError } from "../store/migrations.ts";
import { Replicator } from "../replication/mod.ts";
import { LiveHub } from "../app/live.ts";
import { FollowCache } from "../app/follow_cache.ts";
import { Ledgers } from "../ledgers/mod.ts";
import { BlockList } from "../store/blocks.ts";
import { AdminAuth } from "../app/admin.ts";
import { loadInstanceProfile } from "../app/instance_profile.ts";
import { RequestLimits } from "../app/request_limits.ts";
import { RejectionLog } from "../app/rejections.ts";
import { loadAddedPeers } from "../app/admin_peers.ts";
import type { Budget } from "../web/rate_limit.ts";
import { InstanceMetrics, LIMITED_ROUTE } from "../metrics/instance_metrics.ts";
import { log } from "./logger.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** The Kith version, from deno.json. */
export const VERSION: string = denoJson.version;

/** Facts about the instance that every request can read as `ctx.state.instance`. */
export interface InstanceInfo {
  /** The owner's name for the instance (set on /admin), else `--name`. */
  name: string;
  /** The owner's description of the instance; "" when none. */
  description: string;
  /** Public origin, e.g. `https://kith.example`. */
  origin: string;
  version: string;
  /** When this process started (ms since the epoch). */
  startedAt: number;
  /** When this instance's data folder was first used (ms since the epoch). */
  createdAt: number;
  kv: Deno.Kv;
  config: Config;
  /** Entries, logs and indexes. */
  store: RecordStore;
  /** The one way records get into the store. */
  ingest: Ingest;
  /** GUN peers, publishing and backfill. */
  replication: Replicator;
  /** Open live-update streams. */
  live: LiveHub;
  /** Whom recent readers follow, for home timelines. */
  follows: FollowCache;
  /** Honoured moderation ledgers. */
  ledgers: Ledgers;
  /** The owner, the claim and the admin sessions. */
  admin: AdminAuth;
  /** Request budgets per client and per author. */
  limits: RequestLimits;
  /** The owner's local blocks of authors and peers. */
  blocks: BlockList;
  /** Counters and histograms behind `/metrics`. */
  metrics: InstanceMetrics;
  /** Recently rejected records and dropped peer messages (/admin/rejections). */
  rejections: RejectionLog;
}

/** Per-request state of Kith's routes. */
export interface AppState {
  instance: InstanceInfo;
  /** The reader's author key from their cookie (pages only). */
  viewer?: string | null;
  /** Unread notifications as the badge shows them ("", "3", "99+"). */
  unread?: string;
}

/** A started instance. */
export interface Instance {
  info: InstanceInfo;
  app: WebApp;
  /** Where the server listens, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** Stops accepting requests, waits for the ones in flight, closes KV. */
  close(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Opens KV, builds the app and starts serving.
 *
 * @throws {ConfigError} When the data folder is not writable or the port
 * is taken, e.g. `Cannot start: port 8000 on 0.0.0.0 is already in use`.
 *
 * @example
 * ```ts
 * const instance = await startInstance(parseConfig([], Deno.env.toObject()));
 * console.log(instance.url);
 * await instance.close();
 * ```
 */
export async function startInstance(
  config: Config,
  options: { now?: () => number } = {},
): Promise<Instance> {
  const now = options.now ?? Date.now;
  log.level = config.logLevel;
  await prepareDataDir(config.dataDir);
  const kv = await Deno.openKv(
    config.dataDir === ":memory:"
      ? ":memory:"
      : join(config.dataDir, "kith.kv"),
  );
  // What to stop if starting fails halfway.
  const started: {
    ingest?: Ingest;
    replication?: Replicator;
    ledgers?: Ledgers;
  } = {};
  try {
    // Before anything else reads KV: nothing may see an older schema.
    await migrate(kv).catch((error) => {
      throw error instanceof SchemaError
        ? new ConfigError(error.message)
        : error;
    });
    const createdAt = await recordFirstStart(kv, now());
    const admin = await AdminAuth.open(kv, { owner: config.owner });
    const blocks = await BlockList.open(kv);
    const profile = await loadInstanceProfile(kv);
    const metrics = new InstanceMetrics();
    const rejections = new RejectionLog();
    const store = new RecordStore(kv, {
      onCommitTime: (seconds) => metrics.committed(seconds),
    });
    const ingest = started.ingest = new Ingest(store, {
      verify: verifyEd25519,
      now: Date.now,
      workers: Math.max(1, navigator.hardwareConcurrency - 1),
      onCommit: (records) => {
        replication.onCommit(records);
        follows.onCommit(records);
        live.publish(records);
        ledgers.onCommit(records);
      },
      onForkProof: (proof) => ledgers.onForkProof(proof),
      isBlocked: (author) => blocks.hasAuthor(author),
      onOutcomes: (outcomes, submitted) => {
        metrics.ingested(outcomes);
        rejections.fromOutcomes(outcomes, submitted);
      },
    });
    const replication = started.replication = new Replicator({
      store,
      ingest,
      // Peers the owner added on /admin/peers are dialled too.
      peers: [...config.peers, ...await loadAddedPeers(kv)],
      followDepth: config.followDepth,
      ledgers: config.ledgers,
      budget: gunBudget(config.rateLimits.gunMessages),
      isPeerBlocked: (peer) => blocks.hasPeer(peer),
      isAuthorBlocked: (author) => blocks.hasAuthor(author),
      // Invalid records are kept from ingest's outcomes, with their line.
      onDrop: (peer, reason, count) => {
        if (reason !== "invalid_record") rejections.drop(peer, reason, count);
      },
    });
    const ledgers = started.ledgers = new Ledgers({
      kv,
      replication,
      ids: config.ledgers,
      genesisFiles: config.genesis,
      validatorKey: config.validatorKey,
    });
    const live = new LiveHub((author) => replication.isLocal(author));
    const follows = new FollowCache(kv);
    const info: InstanceInfo = {
      blocks,
      name: profile.name ?? config.name,
      description: profile.description ?? "",
      origin: config.origin ?? "",
      version: VERSION,
      startedAt: now(),
      createdAt,
      kv,
      config,
      store,
      ingest,
      replication,
      live,
      follows,
      ledgers,
      admin,
      limits: new RequestLimits(config.rateLimits, {
        trustProxy: config.trustProxy,
      }),
      metrics,
      rejections,
    };
    const app = await createWebApp<AppState>({
      root: PROJECT_ROOT,
      dev: config.dev,
      state: () => ({ instance: info }),
      origins: () => [info.origin],
      onResponse: (event) => metrics.request(event),
      onError: (error, request) =>
        log.error("Request failed", {
          method: request.method,
          path: new URL(request.url).pathname,
          error,
        }),
    });
    await replication.start();
    try {
      await ledgers.start();
    } catch (error) {
      throw new ConfigError(`Cannot start: ${(error as Error).message}`);
    }
    const server = serve(
      config,
      (request, remote) => {
        // Budgets come before any routing, so that a flood costs little.
        const refused = info.limits.check(request, remote.hostname);
        if (refused) {
          metrics.request({
            route: LIMITED_ROUTE,
            method: request.method,
            status: 429,
          });
          return refused;
        }
        return isGunUpgrade(request)
          ? replication.accept(request, `${remote.hostname}:${remote.port}`)
          // The address lets routes such as /metrics see who asks.
          : app.fetch(request, { remoteAddr: remote } as Deno.ServeHandlerInfo);
      },
    );
    const address = server.addr as Deno.NetAddr;
    const host = address.hostname === "0.0.0.0"
      ? "localhost"
      : address.hostname;
    const url = `http://${
      host.includes(":") ? `[${host}]` : host
    }:${address.port}`;
    info.origin ||= url;
    log.info("Instance started", {
      url,
      name: info.name,
      version: VERSION,
      peers: config.peers.length,
      ledgers: config.ledgers.length,
    });
    let closing: Promise<void> | undefined;
    return {
      info,
      app,
      url,
      close: () =>
        closing ??= (async () => {
          // Replication and live streams first: their sockets and streams
          // would keep the server open.
          live.close();
          await ledgers.close();
          await replication.close();
          await server.shutdown();
          // Submissions from requests that ended meanwhile still commit.
          await ingest.close();
          kv.close();
          log.info("Instance stopped", { url });
        })(),
    };
  } catch (error) {
    await started.ledgers?.close();
    await started.replication?.close();
    await started.ingest?.close();
    kv.close();
    throw error;
  }
}

/** The message budget of each GUN connection; off means none worth the name. */
function gunBudget(budget: Budget | null) {
  const perSecond = budget === null
    ? Number.MAX_SAFE_INTEGER
    : Math.max(1, Math.round(budget.count * 1_000 / budget.windowMs));
  return {
    perSecond,
    burst: Math.min(Number.MAX_SAFE_INTEGER, perSecond * 2),
    cutOffAfter: Math.min(Number.MAX_SAFE_INTEGER, perSecond * 10),
  };
}

/** Whether `request` asks for GUN's WebSocket at /gun. */
function isGunUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket" &&
    new URL(request.url).pathname === "/gun";
}

function serve(
  config: Config,
  handle: (
    request: Request,
    remote: Deno.NetAddr,
  ) => Response | Promise<Response>,
): Deno.HttpServer {
  try {
    return Deno.serve(
      { port: config.port, hostname: config.hostname, onListen() {} },
      (request, info) => handle(request, info.remoteAddr as Deno.NetAddr),
    );
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(
        `Cannot start: port ${config.port} on ${config.hostname} is already in use; choose another with PORT or --port`,
      );
    }
    if (
      error instanceof Deno.errors.AddrNotAvailable ||
      error instanceof Deno.errors.PermissionDenied
    ) {
      throw new ConfigError(
        `Cannot start: cannot listen on ${config.hostname}:${config.port} (${
          (error as Error).message
        })`,
      );
    }
    throw error;
  }
}

/** Stores when the data folder was first used, once, and returns it. */
async function recordFirstStart(kv: Deno.Kv, now: number): Promise<number> {
  const key = ["instance", "createdAt"];
  const result = await kv.atomic().check({ key, versionstamp: null }).set(
    key,
    now,
  ).commit();
  if (result.ok) return now;
  return (await kv.get<number>(key)).value ?? now;
}
