import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loopbackArgs } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

function kith(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
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
    ]
  ) {
    assert.ok(text.includes(name), name);
  }
});
