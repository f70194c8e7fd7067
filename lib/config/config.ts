/**
 * Instance configuration from command-line flags, environment variables
 * and a config file (flags win, then the environment, then the file),
 * checked once at start with messages that say what is wrong and how to fix
 * it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileKey, FLAGS, glueFlagValues } from "./flags.ts";
import { type Budget, BudgetError, parseBudget } from "../web/rate_limit.ts";
import type { TrustProxy } from "../web/client_address.ts";
import { decodeBase64Url } from "../protocol/base64url.ts";

/** A checked configuration. */
export interface Config {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to listen on. */
  hostname: string;
  /** Folder holding the whole instance, or `:memory:` for a throwaway one. */
  dataDir: string;
  /** Peer instances to replicate with, as origins. */
  peers: string[];
  /** Follows replicated: 1 = whom local authors follow, 2 = also whom those follow. */
  followDepth: 1 | 2;
  /** Ids of the moderation ledgers this instance honours (replicates). */
  ledgers: string[];
  /** Genesis files of ledgers to honour (their ids are honoured too). */
  genesis: string[];
  /** Key file of this instance's validator, when it validates. */
  validatorKey?: string;
  /** Instance name shown on pages. */
  name: string;
  /** Public origin, when set; otherwise derived from the listening address. */
  origin?: string;
  /** Development mode: live reload, unminified islands, no caching. */
  dev: boolean;
  /**
   * The owner's author key, for scripted setups; unset, the first start
   * prints a one-time link to claim the instance.
   */
  owner?: string;
  /** Request budgets; null turns one off. */
  rateLimits: RateLimits;
  /** Whose X-Forwarded-For names the client: a loopback proxy's by default. */
  trustProxy: TrustProxy;
  /** Who may read /metrics: loopback clients (default), anyone, or nobody. */
  metrics: "loopback" | "public" | "off";
  /** Least severe level of the JSON logs on stderr (default "warn"). */
  logLevel: "debug" | "info" | "warn" | "error";
}

/** Request budgets of an instance (see docs/security.md). */
export interface RateLimits {
  /** GET and HEAD requests per client address. */
  reads: Budget | null;
  /** Other requests per client address. */
  writes: Budget | null;
  /** Records per author published over HTTP. */
  authorRecords: Budget | null;
  /** GUN messages per peer connection (bursts of twice the per-second rate). */
  gunMessages: Budget | null;
}

/** Budgets when none are configured. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  reads: { count: 20, windowMs: 1_000, burst: 200 },
  writes: { count: 600, windowMs: 60_000 },
  authorRecords: { count: 3_600, windowMs: 3_600_000, burst: 10_000 },
  gunMessages: { count: 1_000, windowMs: 1_000 },
};

/** Error thrown for a configuration the instance cannot start with. */
export class ConfigError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const MAX_NAME_LENGTH = 64;

/** Settings read from a config file, for {@linkcode parseConfig}. */
export interface ConfigFile {
  /** The file's path as given; error messages name it. */
  path: string;
  /** Values by flag name (`follow-depth`): text as a flag gives it, or a switch's boolean. */
  values: Map<string, string | boolean>;
}

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** Settings of a config file, below flags and environment. */
  file?: ConfigFile;
}

/**
 * Reads flags from `args`, variables from `env` and the settings of a config
 * file already read (`options.file`, see `readConfig` in config_file.ts) into
 * a checked configuration: flags win over the environment, the environment
 * over the file. Touches no files; see {@linkcode prepareDataDir}.
 *
 * @throws {ConfigError} For an unknown flag or any value out of range, e.g.
 * `Cannot start: PORT "abc" is not a port number; use an integer from 0 to 65535`.
 *
 * @example
 * ```ts
 * const config = parseConfig(["--port", "8080"], { KITH_NAME: "Home" });
 * ```
 */
export function parseConfig(
  args: string[],
  env: Record<string, string | undefined>,
  options: ParseConfigOptions = {},
): Config {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: glueFlagValues(args),
      strict: true,
      allowPositionals: false,
      options: FLAGS,
    }).values;
  } catch (error) {
    throw new ConfigError(
      `Cannot start: ${
        (error as Error).message.split(". ")[0]
      }; run with --help to see the options`,
    );
  }
  const file = options.file;
  const pick = (
    flag: string,
    variable: string,
  ): [string | undefined, string] => {
    const fromFlag = values[flag];
    if (typeof fromFlag === "string") return [fromFlag, `--${flag}`];
    const fromFile = file?.values.get(flag);
    if (
      file === undefined || env[variable] !== undefined ||
      typeof fromFile !== "string"
    ) {
      return [env[variable], variable];
    }
    return [fromFile, `${file.path} key "${fileKey(flag)}"`];
  };
  const [port, portSource] = pick("port", "PORT");
  const [hostname, hostnameSource] = pick("hostname", "KITH_HOSTNAME");
  const [data, dataSource] = pick("data", "KITH_DATA");
  const [peers, peersSource] = pick("peers", "KITH_PEERS");
  const [depth, depthSource] = pick("follow-depth", "KITH_FOLLOW_DEPTH");
  const [ledgers, ledgersSource] = pick("ledgers", "KITH_LEDGERS");
  const [genesis] = pick("genesis", "KITH_GENESIS");
  const [validatorKey] = pick("validator-key", "KITH_VALIDATOR_KEY");
  const [name, nameSource] = pick("name", "KITH_NAME");
  const [origin, originSource] = pick("origin", "KITH_ORIGIN");
  const [owner, ownerSource] = pick("owner", "KITH_OWNER");
  return {
    port: parsePort(port, portSource),
    hostname: parseHostname(hostname, hostnameSource),
    dataDir: parseDataDir(data, dataSource),
    peers: parsePeers(peers, peersSource),
    followDepth: parseFollowDepth(depth, depthSource),
    ledgers: parseLedgers(ledgers, ledgersSource),
    genesis: (genesis ?? "").split(",").map((part) => part.trim()).filter(
      Boolean,
    ),
    validatorKey: validatorKey?.trim() || undefined,
    name: parseName(name, nameSource),
    origin: origin === undefined || origin === ""
      ? undefined
      : parseOrigin(origin, originSource),
    dev: values.dev === true ||
      (env.KITH_DEV === undefined
        ? file?.values.get("dev") === true
        : ["1", "true"].includes(env.KITH_DEV)),
    owner: parseOwner(owner, ownerSource),
    rateLimits: {
      reads: parseRate(...pick("rate-reads", "KITH_RATE_READS"), "reads"),
      writes: parseRate(...pick("rate-writes", "KITH_RATE_WRITES"), "writes"),
      authorRecords: parseRate(
        ...pick("rate-author", "KITH_RATE_AUTHOR"),
        "authorRecords",
      ),
      gunMessages: parseRate(
        ...pick("rate-gun", "KITH_RATE_GUN"),
        "gunMessages",
      ),
    },
    trustProxy: parseTrustProxy(...pick("trust-proxy", "KITH_TRUST_PROXY")),
    metrics: parseMetrics(...pick("metrics", "KITH_METRICS")),
    logLevel: parseLogLevel(...pick("log-level", "KITH_LOG_LEVEL")),
  };
}

function parseTrustProxy(
  value: string | undefined,
  source: string,
): TrustProxy {
  if (value === undefined || value === "") return "loopback";
  if (value === "loopback" || value === "always" || value === "never") {
    return value;
  }
  throw new ConfigError(
    `Cannot start: ${source} "${value}" is not a proxy trust; use loopback, always or never`,
  );
}

function parseMetrics(
  value: string | undefined,
  source: string,
): Config["metrics"] {
  if (value === undefined || value === "") return "loopback";
  if (value === "loopback" || value === "public" || value === "off") {
    return value;
  }
  throw new ConfigError(
    `Cannot start: ${source} "${value}" is not a metrics access; use loopback, public or off`,
  );
}

function parseLogLevel(
  value: string | undefined,
  source: string,
): Config["logLevel"] {
  if (value === undefined || value === "") return "warn";
  if (
    value === "debug" || value === "info" || value === "warn" ||
    value === "error"
  ) return value;
  throw new ConfigError(
    `Cannot start: ${source} "${value}" is not a log level; use debug, info, warn or error`,
  );
}

function parseRate(
  value: string | undefined,
  source: string,
  which: keyof RateLimits,
): Budget | null {
  if (value === undefined || value === "") return DEFAULT_RATE_LIMITS[which];
  try {
    return parseBudget(value);
  } catch (error) {
    if (!(error instanceof BudgetError)) throw error;
    throw new ConfigError(
      `Cannot start: ${source} "${value}" is not a budget; write it as <count>/<s|min|h>[,<burst>], e.g. 600/min or 20/s,200, or off`,
    );
  }
}

function parseOwner(
  value: string | undefined,
  source: string,
): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const key = value.trim();
  if (
    !/^[A-Za-z0-9_-]{43}$/.test(key) ||
    decodeBase64Url(key, { expectedBytes: 32 }) === undefined
  ) {
    throw new ConfigError(
      `Cannot start: ${source} "${value}" is not an author key; give the owner's public key (43 base64url characters, shown on /identity), or leave it unset and claim the instance with the link printed at start`,
    );
  }
  return key;
}

function parsePort(value: string | undefined, source: string): number {
  if (value === undefined || value === "") return 8000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new ConfigError(
      `Cannot start: ${source} "${value}" is not a port number; use an integer from 0 to 65535`,
    );
  }
  return port;
}

function parseLedgers(value: string | undefined, source: string): string[] {
  const ledgers = new Set<string>();
  for (const item of (value ?? "").split(",").map((part) => part.trim())) {
    if (item === "") continue;
    if (!/^[A-Za-z0-9_-]{43}$/.test(item)) {
      throw new ConfigError(
        `Cannot start: ${source} entry "${item}" is not a ledger id; use the 43-character base64url id`,
      );
    }
    ledgers.add(item);
  }
  return [...ledgers];
}

function parseFollowDepth(value: string | undefined, source: string): 1 | 2 {
  if (value === undefined || value === "" || value === "1") return 1;
  if (value === "2") return 2;
  throw new ConfigError(
    `Cannot start: ${source} "${value}" is not a follow depth; use 1 or 2`,
  );
}

function parseHostname(value: string | undefined, source: string): string {
  if (value === undefined || value === "") return "0.0.0.0";
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(value)) {
    throw new ConfigError(
      `Cannot start: ${source} "${value}" is not a hostname or IP address`,
    );
  }
  return value;
}

function parseDataDir(value: string | undefined, source: string): string {
  if (value === undefined) return "./data";
  if (value.trim() === "") {
    throw new ConfigError(
      `Cannot start: ${source} is empty; give a folder path or :memory:`,
    );
  }
  return value;
}

function parsePeers(value: string | undefined, source: string): string[] {
  if (value === undefined || value.trim() === "") return [];
  const peers = new Set<string>();
  for (const item of value.split(/[\s,]+/).filter(Boolean)) {
    peers.add(parseOrigin(item, `${source} entry`));
  }
  return [...peers];
}

function parseName(value: string | undefined, source: string): string {
  if (value === undefined) return "Kith";
  const name = value.trim();
  if (
    name === "" || [...name].length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name)
  ) {
    throw new ConfigError(
      `Cannot start: ${source} must be 1 to ${MAX_NAME_LENGTH} characters without control characters`,
    );
  }
  return name;
}

function parseOrigin(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `Cannot start: ${source} "${value}" is not a URL; write it like https://kith.example`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(
      `Cannot start: ${source} "${value}" must use http or https`,
    );
  }
  if (
    (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash ||
    url.username || url.password
  ) {
    throw new ConfigError(
      `Cannot start: ${source} "${value}" must be an origin only (scheme, host, port), like ${url.origin}`,
    );
  }
  return url.origin;
}

/**
 * Creates the data folder if needed and proves it is writable by writing
 * and removing a probe file. `:memory:` needs no folder.
 *
 * @throws {ConfigError} When the folder cannot be created or written, e.g.
 * `Cannot start: data folder "/srv/kith" is not writable (Permission denied)`.
 *
 * @example
 * ```ts
 * await prepareDataDir("./data");
 * ```
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  if (dataDir === ":memory:") return;
  try {
    await Deno.mkdir(dataDir, { recursive: true });
    const probe = `${dataDir}/.kith-write-probe-${crypto.randomUUID()}`;
    await Deno.writeTextFile(probe, "ok");
    await Deno.remove(probe);
  } catch (error) {
    const reason = (error as Error).message.replace(/:.*$/s, "");
    throw new ConfigError(
      `Cannot start: data folder "${dataDir}" is not writable (${reason}); set KITH_DATA or --data to a folder this user can write`,
    );
  }
}
