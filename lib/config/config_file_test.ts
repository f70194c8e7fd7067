import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ConfigError,
  DEFAULT_RATE_LIMITS,
  parseConfig,
  parseConfigFile,
  readConfig,
} from "./mod.ts";
import { fileKey, FLAGS } from "./flags.ts";

const LEDGER = "A".repeat(42) + "E";

/** A temporary folder holding `kith.json` with `text`; remove it after. */
async function folderWith(text: string): Promise<[string, string]> {
  const dir = await Deno.makeTempDir({ prefix: "kith_config_file_" });
  const path = join(dir, "kith.json");
  await Deno.writeTextFile(path, text);
  return [dir, path];
}

async function assertRefused(
  promise: Promise<unknown>,
  message: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

function refusedText(text: string, message: string) {
  assert.throws(() => parseConfigFile(text, "kith.json"), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("readConfig takes flags over environment over the file over defaults", async () => {
  const [dir, path] = await folderWith(JSON.stringify({
    port: 9000,
    hostname: "127.0.0.2",
    name: "From file",
    followDepth: 2,
  }));
  try {
    const config = await readConfig(
      ["--config", path, "--hostname", "127.0.0.1"],
      { KITH_NAME: "From env", KITH_HOSTNAME: "127.0.0.3" },
    );
    assert.equal(config.hostname, "127.0.0.1"); // flag over env and file
    assert.equal(config.name, "From env"); // env over file
    assert.equal(config.port, 9000); // file over default
    assert.equal(config.followDepth, 2);
    assert.equal(config.dataDir, "./data"); // default: nobody set it
    // KITH_CONFIG names the file too; --config wins over it.
    const viaEnv = await readConfig([], { KITH_CONFIG: path });
    assert.equal(viaEnv.name, "From file");
    const viaBoth = await readConfig(["--config", path], {
      KITH_CONFIG: join(dir, "missing.json"),
    });
    assert.equal(viaBoth.name, "From file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readConfig reads kith.json from the working folder when it exists, and nothing otherwise", async () => {
  const [dir] = await folderWith('{"name": "Default file", "dev": true}');
  const empty = await Deno.makeTempDir({ prefix: "kith_config_file_" });
  try {
    const config = await readConfig([], {}, { cwd: dir });
    assert.equal(config.name, "Default file");
    assert.equal(config.dev, true);
    assert.deepEqual(
      await readConfig([], {}, { cwd: empty }),
      parseConfig([], {}),
    );
    await assertRefused(
      readConfig(["--config", "  "], {}, { cwd: dir }),
      "Cannot start: --config is empty; give the path of a JSON config file, or leave it unset to read ./kith.json when it exists",
    );
    await assertRefused(
      readConfig([], { KITH_CONFIG: join(empty, "missing.json") }),
      `Cannot start: config file "${
        join(empty, "missing.json")
      }" cannot be read (No such file or directory); check --config or KITH_CONFIG`,
    );
    // A folder where the file should be is unreadable, not missing.
    await Deno.mkdir(join(empty, "kith.json"));
    await assertRefused(
      readConfig([], {}, { cwd: empty }),
      `Cannot start: config file "${
        join(empty, "kith.json")
      }" cannot be read (Is a directory); make it readable, or name another file with --config or KITH_CONFIG`,
    );
    // Bad flags are reported as flags, before any file is looked for.
    await assertRefused(
      readConfig(["--bogus"], {}, { cwd: empty }),
      "Cannot start: Unknown option '--bogus'; run with --help to see the options",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("parseConfigFile takes every key with its JSON types", () => {
  const file = parseConfigFile(
    "\uFEFF" + JSON.stringify({
      port: 8080,
      hostname: "127.0.0.1",
      data: ":memory:",
      peers: ["http://127.0.0.1:8001", "https://b.example/"],
      followDepth: "2",
      ledgers: [LEDGER],
      genesis: "a.json, b.json",
      validatorKey: "validator.json",
      name: "Garden",
      origin: "https://kith.example",
      dev: false,
      owner: LEDGER,
      rateReads: "5/s,50",
      rateWrites: "off",
      rateAuthor: "100/h",
      rateGun: "50/s",
      trustProxy: "never",
      metrics: "public",
      logLevel: "info",
    }),
    "kith.json",
  );
  // Settings added later keep their defaults here.
  assert.deepEqual(parseConfig([], {}, { file }), {
    ...parseConfig([], {}),
    port: 8080,
    hostname: "127.0.0.1",
    dataDir: ":memory:",
    peers: ["http://127.0.0.1:8001", "https://b.example"],
    followDepth: 2,
    ledgers: [LEDGER],
    genesis: ["a.json", "b.json"],
    validatorKey: "validator.json",
    name: "Garden",
    origin: "https://kith.example",
    dev: false,
    owner: LEDGER,
    rateLimits: {
      reads: { count: 5, windowMs: 1_000, burst: 50 },
      writes: null,
      authorRecords: { count: 100, windowMs: 3_600_000 },
      gunMessages: { count: 50, windowMs: 1_000 },
    },
    trustProxy: "never",
    metrics: "public",
    logLevel: "info",
  });
  const lists = parseConfigFile(
    '{"peers": "http://a.example, http://b.example", "genesis": ["g.json"], "ledgers": []}',
    "kith.json",
  );
  const config = parseConfig([], {}, { file: lists });
  assert.deepEqual(config.peers, ["http://a.example", "http://b.example"]);
  assert.deepEqual(config.genesis, ["g.json"]);
  assert.deepEqual(config.ledgers, []);
  assert.deepEqual(config.rateLimits, DEFAULT_RATE_LIMITS);
});

Deno.test("a switch in the file yields to KITH_DEV and to the flag", () => {
  const on = parseConfigFile('{"dev": true}', "kith.json");
  const off = parseConfigFile('{"dev": false}', "kith.json");
  assert.equal(parseConfig([], {}, { file: on }).dev, true);
  assert.equal(parseConfig([], { KITH_DEV: "0" }, { file: on }).dev, false);
  assert.equal(parseConfig([], { KITH_DEV: "1" }, { file: off }).dev, true);
  assert.equal(parseConfig(["--dev"], {}, { file: off }).dev, true);
});

Deno.test("a key with a bad value is refused with the flag's rule, naming the file and key", () => {
  const cases: [string, string][] = [
    [
      '{"port": "abc"}',
      'Cannot start: /etc/kith/kith.json key "port" "abc" is not a port number; use an integer from 0 to 65535',
    ],
    [
      '{"port": 70000}',
      'Cannot start: /etc/kith/kith.json key "port" "70000" is not a port number; use an integer from 0 to 65535',
    ],
    [
      '{"followDepth": 3}',
      'Cannot start: /etc/kith/kith.json key "followDepth" "3" is not a follow depth; use 1 or 2',
    ],
    [
      '{"peers": ["http://a.example", "ftp://b.example"]}',
      'Cannot start: /etc/kith/kith.json key "peers" entry "ftp://b.example" must use http or https',
    ],
    [
      '{"trustProxy": "yes"}',
      'Cannot start: /etc/kith/kith.json key "trustProxy" "yes" is not a proxy trust; use loopback, always or never',
    ],
    [
      '{"name": ""}',
      'Cannot start: /etc/kith/kith.json key "name" must be 1 to 64 characters without control characters',
    ],
  ];
  for (const [text, message] of cases) {
    const file = parseConfigFile(text, "/etc/kith/kith.json");
    assert.throws(() => parseConfig([], {}, { file }), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.message, message);
      return true;
    });
    // A good value from a higher source hides the file's bad one.
    const key = Object.keys(JSON.parse(text))[0];
    const flag = Object.keys(FLAGS).find((flag) => fileKey(flag) === key);
    const good: Record<string, string> = {
      port: "1",
      followDepth: "1",
      peers: "http://a.example",
      trustProxy: "never",
      name: "Fine",
    };
    assert.doesNotThrow(() =>
      parseConfig([`--${flag}`, good[key]], {}, { file })
    );
  }
});

Deno.test("every flag reads the same from the file as from the command line", () => {
  const samples = [
    "0",
    "8080",
    "2",
    "3",
    "abc",
    "",
    "Garden \u{1f33b}",
    "http://127.0.0.1:8001",
    "ftp://x.example",
    LEDGER,
    "off",
    "20/s,200",
    "never",
    "debug",
    "info",
    "x".repeat(300),
  ];
  let compared = 0;
  for (const [flag, option] of Object.entries(FLAGS)) {
    if (flag === "config" || flag === "help") continue;
    const key = fileKey(flag);
    const values: [string[], unknown][] = option.type === "boolean"
      ? [[[`--${flag}`], true], [[], false]]
      : samples.map((sample) => [[`--${flag}`, sample], sample]);
    for (const [args, value] of values) {
      const file = parseConfigFile(JSON.stringify({ [key]: value }), "k.json");
      const outcome = (run: () => unknown) => {
        try {
          return run();
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          return error.message;
        }
      };
      const fromFlag = outcome(() => parseConfig(args, {}));
      const fromFile = outcome(() => parseConfig([], {}, { file }));
      assert.deepEqual(
        fromFile,
        typeof fromFlag === "string"
          ? fromFlag.replace(`--${flag}`, `k.json key "${key}"`)
          : fromFlag,
        `${flag} = ${JSON.stringify(value)}`,
      );
      compared++;
    }
  }
  assert.ok(compared >= 16 * 15, `${compared} comparisons`);
});

Deno.test("parseConfigFile refuses unknown keys, listing the known ones", () => {
  const known = Object.keys(FLAGS)
    .filter((flag) => flag !== "config" && flag !== "help").map(fileKey);
  // The documented keys; flags added later join the list by themselves.
  for (
    const key of [
      "port",
      "hostname",
      "data",
      "peers",
      "followDepth",
      "ledgers",
      "genesis",
      "validatorKey",
      "name",
      "origin",
      "dev",
      "owner",
      "rateReads",
      "rateWrites",
      "rateAuthor",
      "rateGun",
      "trustProxy",
      "metrics",
      "logLevel",
    ]
  ) {
    assert.ok(known.includes(key), key);
  }
  for (const key of ["prot", "follow-depth", "follow_depth", "__proto__"]) {
    refusedText(
      `{"port": 8000, ${JSON.stringify(key)}: 2}`,
      `Cannot start: kith.json key "${key}" is not a setting; use one of ${
        known.join(", ")
      }`,
    );
  }
  refusedText(
    '{"config": "other.json"}',
    `Cannot start: kith.json key "config" is not a setting; use one of ${
      known.join(", ")
    }`,
  );
});

Deno.test("parseConfigFile refuses values of the wrong JSON type", () => {
  refusedText(
    '{"port": [8000]}',
    'Cannot start: kith.json key "port" must be a string or a number, not an array',
  );
  refusedText(
    '{"name": {"text": "Garden"}}',
    'Cannot start: kith.json key "name" must be a string or a number, not an object',
  );
  refusedText(
    '{"origin": null}',
    'Cannot start: kith.json key "origin" must be a string or a number, not null',
  );
  refusedText(
    '{"hostname": true}',
    'Cannot start: kith.json key "hostname" must be a string or a number, not true',
  );
  refusedText(
    '{"peers": {"a": "http://a.example"}}',
    'Cannot start: kith.json key "peers" must be a string, an array of strings or a number, not an object',
  );
  refusedText(
    '{"ledgers": ["x", 7]}',
    'Cannot start: kith.json key "ledgers" must list strings, not a number',
  );
  refusedText(
    '{"genesis": [["a.json"]]}',
    'Cannot start: kith.json key "genesis" must list strings, not an array',
  );
  refusedText(
    '{"dev": "true"}',
    'Cannot start: kith.json key "dev" must be true or false, not a string',
  );
  refusedText(
    '{"dev": 1}',
    'Cannot start: kith.json key "dev" must be true or false, not a number',
  );
});

Deno.test("parseConfigFile says where JSON is broken, and wants an object", () => {
  refusedText(
    '{\n  "port": 8000\n  "name": "Garden"\n}',
    "Cannot start: kith.json is not valid JSON (Expected ',' or '}' after property value at line 3 column 3)",
  );
  refusedText(
    '{"port": 8000,}',
    "Cannot start: kith.json is not valid JSON (Expected double-quoted property name at line 1 column 15)",
  );
  refusedText(
    "",
    "Cannot start: kith.json is not valid JSON (Unexpected end of JSON input)",
  );
  refusedText(
    "port = 8000",
    "Cannot start: kith.json is not valid JSON (Unexpected token 'p', \"port = 8000\" is not valid JSON)",
  );
  for (
    const [text, what] of [
      ["[]", "an array"],
      ["null", "null"],
      ['"kith"', "a string"],
      ["8000", "a number"],
    ]
  ) {
    refusedText(
      text,
      `Cannot start: kith.json must hold a JSON object of settings, like {"port": 8000}, not ${what}`,
    );
  }
  assert.deepEqual(parseConfigFile("{}", "kith.json").values, new Map());
});

Deno.test("the example file in README.md is a valid config file", async () => {
  const readme = await Deno.readTextFile(
    new URL("../../README.md", import.meta.url),
  );
  const section = readme.slice(readme.indexOf("### The config file"));
  const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, "README.md has a JSON example of the config file");
  const config = parseConfig([], {}, {
    file: parseConfigFile(example, "kith.json"),
  });
  assert.equal(config.port, 8080);
  assert.equal(config.name, "Garden");
  assert.deepEqual(config.peers, ["https://a.example", "https://b.example"]);
});

Deno.test("a start not allowed to read ./kith.json ignores it without prompting", async () => {
  const [dir] = await folderWith('{"name": "Unreadable"}');
  try {
    const repo = new URL("../../", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", `--allow-read=${repo}`, "--allow-env", "-"],
      cwd: dir,
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(
      `import { readConfig } from "${repo}lib/config/mod.ts";
       console.log((await readConfig([], {})).name);`,
    ));
    await writer.close();
    const output = await child.output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(new TextDecoder().decode(output.stdout).trim(), "Kith");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
