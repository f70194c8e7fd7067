import assert from "node:assert/strict";
import {
  ConfigError,
  DEFAULT_RATE_LIMITS,
  parseConfig,
  prepareDataDir,
} from "./mod.ts";

function rejects(args: string[], env: Record<string, string>, message: string) {
  assert.throws(() => parseConfig(args, env), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("parseConfig has working defaults", () => {
  assert.deepEqual(parseConfig([], {}), {
    port: 8000,
    hostname: "0.0.0.0",
    dataDir: "./data",
    peers: [],
    followDepth: 1,
    ledgers: [],
    genesis: [],
    validatorKey: undefined,
    name: "Kith",
    origin: undefined,
    dev: false,
    owner: undefined,
    rateLimits: DEFAULT_RATE_LIMITS,
    trustProxy: "loopback",
    metrics: "loopback",
    logLevel: "warn",
  });
});

Deno.test("parseConfig reads request budgets and proxy trust; flags win over the environment", () => {
  const config = parseConfig(
    ["--rate-reads", "5/s,50", "--trust-proxy", "never"],
    {
      KITH_RATE_READS: "1/s",
      KITH_RATE_WRITES: "off",
      KITH_RATE_AUTHOR: "100/h",
      KITH_RATE_GUN: "50/s",
      KITH_TRUST_PROXY: "always",
    },
  );
  assert.deepEqual(config.rateLimits, {
    reads: { count: 5, windowMs: 1_000, burst: 50 },
    writes: null,
    authorRecords: { count: 100, windowMs: 3_600_000 },
    gunMessages: { count: 50, windowMs: 1_000 },
  });
  assert.equal(config.trustProxy, "never");
  rejects(
    [],
    { KITH_RATE_WRITES: "lots" },
    'Cannot start: KITH_RATE_WRITES "lots" is not a budget; write it as <count>/<s|min|h>[,<burst>], e.g. 600/min or 20/s,200, or off',
  );
  rejects(
    ["--trust-proxy", "yes"],
    {},
    'Cannot start: --trust-proxy "yes" is not a proxy trust; use loopback, always or never',
  );
});

Deno.test("parseConfig reads genesis files and the validator key file", () => {
  const config = parseConfig(["--validator-key", "v.json"], {
    KITH_GENESIS: " a.json, ,b.json ",
    KITH_VALIDATOR_KEY: "ignored.json",
  });
  assert.deepEqual(config.genesis, ["a.json", "b.json"]);
  assert.equal(config.validatorKey, "v.json");
});

Deno.test("parseConfig reads the owner's key; flags win over the environment; a non-key is refused", () => {
  const ada = "CC2Ap-Ws5Khe2fFNvN5dlUXqDtjdU7SuWRUH9c_Dn2Q";
  const bob = "s3JqCUm8e6kDtaokXxl-NHQbv4tVxmd_JLC3hvJSQzM";
  assert.equal(parseConfig([], { KITH_OWNER: ` ${ada} ` }).owner, ada);
  assert.equal(
    parseConfig(["--owner", bob], { KITH_OWNER: ada }).owner,
    bob,
  );
  assert.equal(parseConfig([], { KITH_OWNER: "" }).owner, undefined);
  const message =
    "is not an author key; give the owner's public key (43 base64url characters, shown on /identity), or leave it unset and claim the instance with the link printed at start";
  rejects(
    [],
    { KITH_OWNER: "s3cret-admin-token" },
    `Cannot start: KITH_OWNER "s3cret-admin-token" ${message}`,
  );
  rejects(
    ["--owner", `${ada}x`],
    {},
    `Cannot start: --owner "${ada}x" ${message}`,
  );
  rejects(
    ["--admin-token", "s3cret-admin-token"],
    {},
    "Cannot start: Unknown option '--admin-token'; run with --help to see the options",
  );
});

Deno.test("parseConfig reads the environment, and flags win over it", () => {
  const env = {
    PORT: "9000",
    KITH_DATA: "/srv/kith",
    KITH_PEERS: "https://a.example, http://b.example:8080/",
    KITH_NAME: "  Garden  ",
    KITH_ORIGIN: "https://kith.example/",
    KITH_HOSTNAME: "127.0.0.1",
    KITH_DEV: "1",
    KITH_FOLLOW_DEPTH: "2",
    KITH_LEDGERS: `${"L".repeat(43)}, ${"M".repeat(43)}`,
  };
  const fromEnv = parseConfig([], env);
  assert.deepEqual(fromEnv, {
    port: 9000,
    hostname: "127.0.0.1",
    dataDir: "/srv/kith",
    peers: ["https://a.example", "http://b.example:8080"],
    followDepth: 2,
    ledgers: ["L".repeat(43), "M".repeat(43)],
    genesis: [],
    validatorKey: undefined,
    name: "Garden",
    origin: "https://kith.example",
    dev: true,
    owner: undefined,
    rateLimits: DEFAULT_RATE_LIMITS,
    trustProxy: "loopback",
    metrics: "loopback",
    logLevel: "warn",
  });
  const fromFlags = parseConfig([
    "--port",
    "0",
    "--name",
    "Flag",
    "--peers",
    "https://c.example",
    "--data",
    ":memory:",
    "--follow-depth",
    "1",
  ], env);
  assert.equal(fromFlags.followDepth, 1);
  assert.equal(fromFlags.port, 0);
  assert.equal(fromFlags.name, "Flag");
  assert.deepEqual(fromFlags.peers, ["https://c.example"]);
  assert.equal(fromFlags.dataDir, ":memory:");
});

Deno.test("parseConfig rejects bad values with messages that say how to fix them", () => {
  rejects(
    ["--ledgers", "short"],
    {},
    'Cannot start: --ledgers entry "short" is not a ledger id; use the 43-character base64url id',
  );
  rejects(
    [],
    { KITH_FOLLOW_DEPTH: "3" },
    'Cannot start: KITH_FOLLOW_DEPTH "3" is not a follow depth; use 1 or 2',
  );
  rejects(
    [],
    { PORT: "abc" },
    'Cannot start: PORT "abc" is not a port number; use an integer from 0 to 65535',
  );
  rejects(
    ["--port", "70000"],
    {},
    'Cannot start: --port "70000" is not a port number; use an integer from 0 to 65535',
  );
  rejects(
    [],
    { PORT: "-1" },
    'Cannot start: PORT "-1" is not a port number; use an integer from 0 to 65535',
  );
  rejects(
    [],
    { KITH_PEERS: "https://ok.example,ftp://x.example" },
    'Cannot start: KITH_PEERS entry "ftp://x.example" must use http or https',
  );
  rejects(
    [],
    { KITH_PEERS: "not a url" },
    'Cannot start: KITH_PEERS entry "not" is not a URL; write it like https://kith.example',
  );
  rejects(
    [],
    { KITH_ORIGIN: "https://kith.example/path" },
    'Cannot start: KITH_ORIGIN "https://kith.example/path" must be an origin only (scheme, host, port), like https://kith.example',
  );
  rejects(
    [],
    { KITH_NAME: "   " },
    "Cannot start: KITH_NAME must be 1 to 64 characters without control characters",
  );
  rejects(
    [],
    { KITH_NAME: "x".repeat(65) },
    "Cannot start: KITH_NAME must be 1 to 64 characters without control characters",
  );
  rejects(
    [],
    { KITH_NAME: "bell\u0007" },
    "Cannot start: KITH_NAME must be 1 to 64 characters without control characters",
  );
  rejects(
    [],
    { KITH_DATA: " " },
    "Cannot start: KITH_DATA is empty; give a folder path or :memory:",
  );
  rejects(
    [],
    { KITH_HOSTNAME: "bad host" },
    'Cannot start: KITH_HOSTNAME "bad host" is not a hostname or IP address',
  );
  rejects(
    ["--nope"],
    {},
    "Cannot start: Unknown option '--nope'; run with --help to see the options",
  );
  rejects(
    ["--port"],
    {},
    "Cannot start: Option '--port <value>' argument missing; run with --help to see the options",
  );
});

Deno.test("prepareDataDir creates the folder and refuses one it cannot write", async () => {
  const root = await Deno.makeTempDir({ prefix: "kith_config_" });
  try {
    await prepareDataDir(`${root}/nested/data`);
    assert.ok((await Deno.stat(`${root}/nested/data`)).isDirectory);
    assert.deepEqual(
      [...Deno.readDirSync(`${root}/nested/data`)],
      [],
      "the probe file is removed",
    );
    await Deno.writeTextFile(`${root}/file`, "not a folder");
    await assert.rejects(
      prepareDataDir(`${root}/file/data`),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /^Cannot start: data folder ".*\/file\/data" is not writable \(.+\); set KITH_DATA or --data to a folder this user can write$/,
        );
        return true;
      },
    );
    await prepareDataDir(":memory:");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("parseConfig reads metrics access and log level; flags win over the environment", () => {
  const config = parseConfig(["--metrics", "off", "--log-level", "debug"], {
    KITH_METRICS: "public",
    KITH_LOG_LEVEL: "error",
  });
  assert.equal(config.metrics, "off");
  assert.equal(config.logLevel, "debug");
  const fromEnv = parseConfig([], {
    KITH_METRICS: "public",
    KITH_LOG_LEVEL: "info",
  });
  assert.equal(fromEnv.metrics, "public");
  assert.equal(fromEnv.logLevel, "info");
  rejects(
    ["--metrics", "everyone"],
    {},
    'Cannot start: --metrics "everyone" is not a metrics access; use loopback, public or off',
  );
  rejects(
    [],
    { KITH_LOG_LEVEL: "loud" },
    'Cannot start: KITH_LOG_LEVEL "loud" is not a log level; use debug, info, warn or error',
  );
});

Deno.test("a key or ledger id starting with a dash is a value, not a flag", () => {
  const key = "-" + "A".repeat(42);
  assert.equal(parseConfig(["--owner", key], {}).owner, key);
  assert.equal(parseConfig([`--owner=${key}`], {}).owner, key);
  assert.deepEqual(parseConfig(["--ledgers", key], {}).ledgers, [key]);
  rejects(
    ["--owner"],
    {},
    "Cannot start: Option '--owner <value>' argument missing; run with --help to see the options",
  );
});
