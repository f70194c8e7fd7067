/**
 * Fuzz suite of parseConfig(args, env): generated flag lists (known,
 * unknown, glued with "=", repeated, missing values) and environments
 * (every variable, junk names, junk values). Every outcome is either a
 * Config that keeps every documented rule, or a ConfigError whose message
 * says what to fix; never another error.
 *
 * A second property adds generated config files (JSON objects with known
 * and unknown keys and values of every JSON type, or broken text) read by
 * parseConfigFile: the same two outcomes, and a file's valid port is used
 * when no flag or variable sets one.
 *
 * Generated cases per run: 3,000 + 2,000 (two properties).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Config,
  ConfigError,
  type ConfigFile,
  parseConfig,
  parseConfigFile,
} from "./mod.ts";
import { fileKey, FLAGS } from "./flags.ts";

const LEDGER = "A".repeat(42) + "E";

/** Each option's flag, variable and values it takes. */
const OPTIONS: [string, string, string[]][] = [
  ["port", "PORT", ["0", "8000", "65535"]],
  ["hostname", "KITH_HOSTNAME", ["127.0.0.1", "::1", "localhost"]],
  ["data", "KITH_DATA", [":memory:", "./data", "/srv/kith"]],
  ["peers", "KITH_PEERS", ["http://127.0.0.1:8001", "https://a.example b.c"]],
  ["follow-depth", "KITH_FOLLOW_DEPTH", ["1", "2"]],
  ["ledgers", "KITH_LEDGERS", [LEDGER, `${LEDGER}, ,${LEDGER}`]],
  ["genesis", "KITH_GENESIS", ["g.json", " a.json, ,b.json "]],
  ["validator-key", "KITH_VALIDATOR_KEY", ["v.json"]],
  ["name", "KITH_NAME", ["Garden \u{1f33b}", " Kith "]],
  ["origin", "KITH_ORIGIN", ["https://kith.example", "http://[::1]:8000"]],
  ["dev", "KITH_DEV", ["1", "true"]],
  ["owner", "KITH_OWNER", [LEDGER, ` ${LEDGER} `]],
  ["rate-reads", "KITH_RATE_READS", ["off", "20/s,200"]],
  ["rate-writes", "KITH_RATE_WRITES", ["600/min"]],
  ["rate-author", "KITH_RATE_AUTHOR", ["3600/h"]],
  ["rate-gun", "KITH_RATE_GUN", ["1000/s"]],
  ["trust-proxy", "KITH_TRUST_PROXY", ["loopback", "always", "never"]],
  ["metrics", "KITH_METRICS", ["loopback", "public", "off"]],
  ["log-level", "KITH_LOG_LEVEL", ["debug", "info", "warn", "error"]],
];

const valueArb = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.string({ unit: "binary", maxLength: 10 }),
  fc.integer({ min: -2, max: 70_000 }).map(String),
  // Values near what each option takes, valid or just across the line.
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "0",
      "8000",
      "65535",
      "65536",
      "-1",
      "0x10",
      "1e3",
      " 80",
      "\uff18\uff10",
      "1",
      "2",
      "3",
      "true",
      ":memory:",
      "127.0.0.1",
      "::1",
      "[::1]",
      "local host",
      "http://127.0.0.1:8001",
      "https://Kith.Example",
      "https://kith.example/",
      "https://kith.example/path",
      "https://user@kith.example",
      "https://kith.example?q",
      "ftp://kith.example",
      "http://127.0.0.1:8001, https://b.example",
      "http://[::1]:8000",
      "not a url",
      LEDGER,
      `${LEDGER},${LEDGER}, ,`,
      "Garden \u{1f33b}",
      "a".repeat(64),
      "a".repeat(65),
      "tab\there",
      "s3cret-admin-token",
      "x".repeat(257),
      "__proto__",
      "constructor",
      "off",
      "OFF ",
      "20/s",
      "600/min,100",
      "1/h",
      "0/s",
      "20/s,0",
      "20/d",
      "1e3/s",
      "9999999999/s",
      "loopback",
      "always",
      "never",
    ),
  },
);

/** A value for an option: mostly one it takes, sometimes anything. */
const optionValueArb = (good: string[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good) }, valueArb);

const argArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...OPTIONS).chain(([flag, , good]) =>
      fc.oneof(
        optionValueArb(good).map((value) => [`--${flag}`, value]),
        optionValueArb(good).map((value) => [`--${flag}=${value}`]),
        fc.constant([`--${flag}`]),
      )
    ),
  },
  fc.constantFrom(
    ["--help"],
    ["-h"],
    ["--"],
    ["-"],
    ["--no-dev"],
    ["--dev=false"],
    ["--__proto__"],
    ["--constructor", "x"],
    ["-p", "80"],
    ["---port", "80"],
    ["--PORT", "80"],
  ),
  valueArb.map((value) => [value]),
);

const envArb = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...OPTIONS).chain(([, variable, good]) =>
        fc.tuple(fc.constant(variable), optionValueArb(good))
      ),
    },
    fc.tuple(
      fc.constantFrom("__proto__", "constructor", "kith_name", "PATH"),
      valueArb,
    ),
    fc.tuple(
      fc.constantFrom(...OPTIONS.map(([, variable]) => variable)),
      fc.constant(undefined),
    ),
  ),
  { maxLength: 6 },
).map((pairs) => {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of pairs) {
    Object.defineProperty(env, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return env;
});

/** The documented rules a configuration that parsed must keep. */
function assertValidConfig(config: Config) {
  assert.ok(Number.isInteger(config.port));
  assert.ok(config.port >= 0 && config.port <= 65_535);
  assert.match(config.hostname, /^[A-Za-z0-9.:[\]-]+$/);
  assert.ok(config.dataDir.trim() !== "");
  for (const origin of [...config.peers, config.origin ?? "http://a"]) {
    const url = new URL(origin);
    assert.equal(url.origin, origin);
    assert.ok(url.protocol === "http:" || url.protocol === "https:");
  }
  assert.equal(new Set(config.peers).size, config.peers.length);
  assert.ok(config.followDepth === 1 || config.followDepth === 2);
  for (const ledger of config.ledgers) {
    assert.match(ledger, /^[A-Za-z0-9_-]{43}$/);
  }
  for (const file of config.genesis) assert.ok(file.trim() === file && file);
  assert.ok(config.validatorKey === undefined || config.validatorKey !== "");
  const name = [...config.name];
  assert.ok(name.length >= 1 && name.length <= 64, config.name);
  assert.equal(config.name, config.name.trim());
  assert.doesNotMatch(config.name, /\p{Cc}/u);
  assert.equal(typeof config.dev, "boolean");
  if (config.owner !== undefined) {
    assert.match(config.owner, /^[A-Za-z0-9_-]{43}$/);
  }
  for (const budget of Object.values(config.rateLimits)) {
    if (budget === null) continue;
    assert.ok(Number.isSafeInteger(budget.count) && budget.count >= 1);
    assert.ok(Number.isSafeInteger(budget.windowMs) && budget.windowMs > 0);
    assert.ok(budget.burst === undefined || budget.burst >= 1);
  }
  // A flag (older) or a named trust (newer): never anything else.
  assert.ok(
    [true, false, "loopback", "always", "never"].includes(config.trustProxy),
    String(config.trustProxy),
  );
}

Deno.test("fuzz: parseConfig answers generated flags and environments with a valid Config or a ConfigError", () => {
  let parsed = 0;
  fc.assert(
    fc.property(
      fc.array(argArb, { maxLength: 5 }).map((args) => args.flat()),
      envArb,
      (args, env) => {
        let config: Config;
        try {
          config = parseConfig(args, env);
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          assert.match(error.message, /^Cannot start: \S/);
          assert.doesNotMatch(error.message, /\n\s+at /);
          return;
        }
        parsed++;
        assertValidConfig(config);
      },
    ),
    { numRuns: 3_000 },
  );
  // Both outcomes must be common, or the generators test little.
  assert.ok(parsed >= 300 && parsed <= 2_700, `${parsed} of 3000 parsed`);
});

/** Good values of each flag, by its config file key. */
const GOOD_BY_KEY = new Map(
  OPTIONS.map(([flag, , good]) => [fileKey(flag), good]),
);

/** Every config file key (from the flags), some near misses and junk. */
const fileKeyArb = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.constantFrom(
      ...Object.keys(FLAGS).filter((flag) => flag !== "help").map(fileKey),
    ),
  },
  fc.constantFrom("follow-depth", "Port", "__proto__", "constructor", ""),
  fc.string({ maxLength: 8 }),
);

/** A JSON value for `key`: mostly a string it takes, any JSON type too. */
const fileValueArb = (key: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 40, arbitrary: fc.constantFrom(...GOOD_BY_KEY.get(key) ?? [""]) },
    { weight: 4, arbitrary: optionValueArb(GOOD_BY_KEY.get(key) ?? [""]) },
    fc.integer({ min: -2, max: 70_000 }),
    fc.constantFrom(0.5, 1e21, -0, 2),
    fc.boolean(),
    fc.constant(null),
    fc.array(optionValueArb(GOOD_BY_KEY.get(key) ?? [""]), { maxLength: 3 }),
    fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), {
      maxKeys: 2,
    }),
  );

const fileTextArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.uniqueArray(fileKeyArb, { maxLength: 4 }).chain((keys) =>
      fc.tuple(...keys.map(fileValueArb)).map((values) => {
        const text = keys.map((key, i) =>
          `${JSON.stringify(key)}: ${JSON.stringify(values[i]) ?? "null"}`
        );
        return `{${text.join(",\n  ")}}`;
      })
    ),
  },
  // Broken or odd text: cut short, not an object, junk.
  fc.constantFrom("", "{", "[]", "null", '"kith"', "8000", '{"port": 80,}'),
  fc.string({ maxLength: 30 }),
  fc.json().map((json) => json.slice(0, -1)),
);

Deno.test("fuzz: generated config files give a valid Config or a ConfigError, and their port is used", () => {
  let parsed = 0;
  let fromFile = 0;
  fc.assert(
    fc.property(
      fc.array(argArb, { maxLength: 1 }).map((args) => args.flat()),
      envArb,
      fileTextArb,
      (args, env, text) => {
        let file: ConfigFile;
        let config: Config;
        try {
          file = parseConfigFile(text, "kith.json");
          config = parseConfig(args, env, { file });
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          assert.match(error.message, /^Cannot start: \S/);
          assert.doesNotMatch(error.message, /\n\s+at /);
          return;
        }
        parsed++;
        assertValidConfig(config);
        const port = file.values.get("port");
        if (
          typeof port === "string" && port !== "" && env.PORT === undefined &&
          !args.some((arg) => arg.includes("--port"))
        ) {
          assert.equal(config.port, Number(port));
          fromFile++;
        }
      },
    ),
    { numRuns: 2_000 },
  );
  assert.ok(parsed >= 200 && parsed <= 1_800, `${parsed} of 2000 parsed`);
  assert.ok(fromFile >= 10, `a file's port was used ${fromFile} times`);
});
