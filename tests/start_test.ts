import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loopbackArgs } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

function kith(args: string[], env: Record<string, string> = {}, cwd?: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    cwd,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function readUntil(
  stream: ReadableStream<string>,
  pattern: RegExp,
  timeoutMs: number,
) {
  const reader = stream.getReader();
  let seen = "";
  const deadline = setTimeout(() => reader.cancel(), timeoutMs);
  try {
    while (!pattern.test(seen)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
  return seen;
}

Deno.test("deno task start serves, then SIGTERM closes cleanly and keeps the data", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_start_" });
  const child = kith([...loopbackArgs(dataDir), "--name", "Proc"]).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream());
  try {
    const banner = await readUntil(
      stdout,
      /is running at (http:\/\/\S+)/,
      30_000,
    );
    const url = /is running at (http:\/\/\S+)/.exec(banner)?.[1];
    assert.ok(url, `no banner in: ${banner}`);
    const health = await (await fetch(`${url}/healthz`)).json();
    assert.equal(health.ok, true);
    assert.equal(health.name, "Proc");
    child.kill("SIGTERM");
    let rest = "";
    for await (const chunk of stdout) rest += chunk;
    const status = await child.status;
    await child.stderr.cancel();
    assert.equal(status.code, 0, rest);
    assert.match(
      rest,
      /Received SIGTERM: finishing requests in flight, then closing the database\.\nStopped\./,
    );
    const files = [...Deno.readDirSync(dataDir)].map((entry) => entry.name);
    assert.ok(
      files.includes("kith.kv"),
      `KV lives in the data folder: ${files}`,
    );
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a bad configuration exits with code 2 and says what to fix", async () => {
  const output = await kith([], { PORT: "eighty" }).output();
  assert.equal(output.code, 2);
  assert.equal(
    new TextDecoder().decode(output.stderr).trim(),
    'Cannot start: PORT "eighty" is not a port number; use an integer from 0 to 65535',
  );
});

/** A port free a moment ago on loopback. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("kith.json in the working folder sets the name and port it serves with", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_start_config_" });
  const port = freePort();
  await Deno.writeTextFile(
    `${dir}/kith.json`,
    JSON.stringify({
      port,
      hostname: "127.0.0.1",
      data: ":memory:",
      name: "From kith.json",
    }),
  );
  const child = kith([], {}, dir).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream());
  try {
    const banner = await readUntil(stdout, /is running at \S+/, 30_000);
    assert.match(banner, /Kith "From kith\.json" \S+ is running at /);
    const url = /is running at (http:\/\/\S+)/.exec(banner)?.[1];
    assert.equal(url, `http://127.0.0.1:${port}`);
    const health = await (await fetch(`${url}/healthz`)).json();
    assert.equal(health.name, "From kith.json");
    child.kill("SIGTERM");
    for await (const _ of stdout) { /* drain until exit */ }
    assert.equal((await child.status).code, 0);
    await child.stderr.cancel();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad kith.json exits with code 2 naming the file and key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_start_config_" });
  try {
    await Deno.writeTextFile(`${dir}/kith.json`, '{"port": "abc"}');
    const bad = await kith([], {}, dir).output();
    assert.equal(bad.code, 2);
    assert.equal(
      new TextDecoder().decode(bad.stderr).trim(),
      'Cannot start: kith.json key "port" "abc" is not a port number; use an integer from 0 to 65535',
    );
    // --config names another file; a typo in a key is not ignored.
    await Deno.writeTextFile(`${dir}/other.json`, '{"nmae": "Typo"}');
    const typo = await kith(["--config", "other.json"], {}, dir).output();
    assert.equal(typo.code, 2);
    assert.match(
      new TextDecoder().decode(typo.stderr),
      /^Cannot start: other\.json key "nmae" is not a setting; use one of port, hostname, /,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--help prints the options and exits 0", async () => {
  const output = await kith(["--help"]).output();
  assert.equal(output.code, 0);
  const text = new TextDecoder().decode(output.stdout);
  for (
    const name of [
      "PORT",
      "KITH_DATA",
      "KITH_PEERS",
      "KITH_NAME",
      "KITH_ORIGIN",
      "--config",
      "KITH_CONFIG",
    ]
  ) {
    assert.ok(text.includes(name), name);
  }
});
