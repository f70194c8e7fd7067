import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../lib/cli/mod.ts";
import { captureIo, startTestInstance } from "./helpers.ts";

Deno.test("keygen writes a 0600 key file and never overwrites one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_cli_" });
  try {
    const key = join(dir, "k.json");
    const first = captureIo();
    assert.equal(await runCli(["keygen", "--key", key], first.io), 0);
    assert.match(
      first.out[0],
      /^Created .*k\.json \(readable by you only\) for author [A-Za-z0-9_-]{43}$/,
    );
    assert.equal((await Deno.stat(key)).mode! & 0o777, 0o600);
    const again = captureIo();
    assert.equal(await runCli(["keygen", "--key", key], again.io), 1);
    assert.equal(
      again.err[0],
      `Cannot write key file: ${key} exists; choose another path with --key or move it away`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("post, follow, export, verify and import work end to end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_cli_" });
  const data = join(dir, "data");
  const instance = await startTestInstance([], { dataDir: data });
  try {
    const { io, out } = captureIo({
      KITH_SERVER: instance.url,
      KITH_KEY: join(dir, "k.json"),
    });
    assert.equal(await runCli(["keygen"], io), 0);
    const author = out[0].split(" ").at(-1)!;
    // Two posts at once: one signs on a stale head, retries, and the log stays unforked.
    const results = await Promise.all([
      runCli(["post", "first"], io),
      runCli(["post", "second"], io),
    ]);
    assert.deepEqual(results, [0, 0]);
    assert.equal(
      await runCli(
        ["post", "a reply", "--reply-to", out[1], "--cw", "meta"],
        io,
      ),
      0,
    );
    assert.equal(await runCli(["follow", author], io), 0);
    const head = await (await fetch(`${instance.url}/api/authors/${author}`))
      .json();
    assert.deepEqual([head.count, head.forked], [4, false]);

    const file = join(dir, "log.ndjson");
    const exported = captureIo();
    assert.equal(
      await runCli(
        ["export", author, "--data", data, "--out", file],
        exported.io,
      ),
      0,
    );
    assert.equal((await Deno.readTextFile(file)).trim().split("\n").length, 4);

    const fromFile = captureIo();
    assert.equal(await runCli(["verify", file], fromFile.io), 0);
    assert.equal(fromFile.out[0], `✓ ${author}: 4 entries verified`);
    const fromData = captureIo();
    assert.equal(
      await runCli(["verify", author, "--data", data], fromData.io),
      0,
    );
    assert.equal(fromData.out[0], `✓ ${author}: 4 entries verified`);

    const lines = (await Deno.readTextFile(file)).trim().split("\n");
    const broken = join(dir, "broken.ndjson");
    await Deno.writeTextFile(
      broken,
      [lines[0], lines[2], lines[3]].join("\n") + "\n",
    );
    const breaks = captureIo();
    assert.equal(await runCli(["verify", broken], breaks.io), 1);
    assert.equal(
      breaks.out[0],
      `✗ ${author}: 1 entries verify, then it breaks at seq 3 (line 2): expected seq 2`,
    );

    const otherData = join(dir, "other");
    const imported = captureIo();
    assert.equal(
      await runCli(["import", file, "--data", otherData], imported.io),
      0,
    );
    assert.equal(
      imported.out[0],
      `Imported ${file}: 4 created, 0 duplicates, 0 held (gaps), 0 refused`,
    );
  } finally {
    await instance.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI explains usage errors and refusals", async () => {
  const usage = captureIo();
  assert.equal(await runCli(["frobnicate"], usage.io), 2);
  assert.match(usage.err[0], /^Unknown command "frobnicate"/);
  const noKey = captureIo({ KITH_KEY: "/nonexistent/key.json" });
  assert.equal(await runCli(["post", "hi"], noKey.io), 1);
  assert.equal(
    noKey.err[0],
    'Cannot read key file: /nonexistent/key.json does not exist; create one with "deno task kith keygen"',
  );
  const dashKey = captureIo();
  assert.equal(
    await runCli(
      ["verify", `-${"A".repeat(42)}`, "--data", "/nonexistent"],
      dashKey.io,
    ),
    1,
  );
  assert.equal(
    dashKey.err[0],
    "Cannot open the data folder /nonexistent: it holds no instance; pass --data or set KITH_DATA",
    "a key starting with - is an argument, not an option",
  );
  const dashReply = captureIo({ KITH_KEY: "/nonexistent/key.json" });
  assert.equal(
    await runCli(
      ["post", "hi", "--reply-to", `-${"A".repeat(42)}`],
      dashReply.io,
    ),
    1,
    "an id starting with - is the option's value",
  );
  const badFollow = captureIo();
  assert.equal(await runCli(["follow", "nobody"], badFollow.io), 2);
  assert.match(badFollow.err[0], /^follow needs an author key/);
});

Deno.test("no command is a usage error on stderr; --help is usage on stdout", async () => {
  const none = captureIo();
  assert.equal(await runCli([], none.io), 2);
  assert.deepEqual(none.out, []);
  assert.match(
    none.err.join("\n"),
    /^No command given\n\nUsage: deno task kith/,
  );
  const help = captureIo();
  assert.equal(await runCli(["--help"], help.io), 0);
  assert.match(help.out.join("\n"), /^Usage: deno task kith/);
  assert.deepEqual(help.err, []);
});
