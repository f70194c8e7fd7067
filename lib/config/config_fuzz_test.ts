/**
 * Fuzz suite of parseConfig(args, env): generated flag lists (known,
 * unknown, glued with "=", repeated, missing values) and environments
 * (every variable, junk names, junk values). Every outcome is either a
 * Config that keeps every documented rule, or a ConfigError whose message
 * says what to fix; never another error.
 *
 * Generated cases per run: 3,000 (one property).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Config, ConfigError, parseConfig } from "./mod.ts";

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
