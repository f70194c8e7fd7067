/**
 * Processes and requests whose output is kept, as places to search for
 * secrets (see secret_scan.ts): the CLI, instance processes, HTTP bodies.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, ROOT, waitFor200 } from "../bench/_process.ts";
import type { Place } from "./secret_scan.ts";

const ENV = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };

/**
 * Runs `deno task kith <args>` as a process; its output becomes a place.
 *
 * @example
 * ```ts
 * const { code, out } = await cli(places, ["keygen", "--key", path]);
 * ```
 */
export async function cli(places: Place[], args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli.ts", ...args],
    cwd: ROOT,
    env: ENV,
    stdin: "null",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  places.push({ name: `cli: kith ${args[0]}`, text: out + err });
  return { code, out, err };
}

/**
 * Starts `main.ts` with `args` on a free loopback port and waits until it
 * serves; `stop` ends it and returns its whole stdout and stderr.
 *
 * @throws {Error} With the process's output when it does not start.
 *
 * @example
 * ```ts
 * const a = await startLogged("A", ["--data", dir]);
 * const output = await a.stop();
 * ```
 */
export async function startLogged(name: string, args: string[], env = {}) {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--port", String(port)]
      .concat(["--hostname", "127.0.0.1", "--name", name], args),
    cwd: ROOT,
    env: { ...ENV, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  let stopped = false;
  /** SIGTERM, then the whole output once the process ended. */
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await child.status;
    const [stdout, stderr] = await output;
    return `${stdout}\n${stderr}`;
  };
  // Up, or exited (a refused configuration): whichever comes first.
  const up = await Promise.race([
    waitFor200(`${url}/healthz`, 30_000).then(() => true, () => false),
    child.status.then(() => false),
  ]);
  if (!up) throw new Error(`${name} did not start:\n${await stop()}`);
  return { url, stop };
}

/**
 * Fetches `url` (redirects not followed) and fails unless the status is
 * `expect` (or any error for "error"); the body becomes a place named for
 * the request, as an "error page" or a "page" unless `kind` says otherwise.
 *
 * @example
 * ```ts
 * await fetchInto(places, `${url}/no/such/page`, { expect: "error" });
 * ```
 */
export async function fetchInto(
  places: Place[],
  url: string,
  init: RequestInit & { expect: number | "error"; kind?: string },
) {
  const response = await fetch(url, { ...init, redirect: "manual" });
  const text = await response.text();
  const { expect } = init;
  const ok = expect === "error"
    ? response.status >= 400
    : response.status === expect;
  assert.ok(ok, `${init.method ?? "GET"} ${url}: ${response.status} ${text}`);
  const kind = init.kind ??
    (response.status >= 400 ? "error page" : "page");
  places.push({ name: `${kind}: ${init.method ?? "GET"} ${url}`, text });
  return text;
}
