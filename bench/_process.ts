/** Process helpers shared by the benchmarks. @module */
import { fileURLToPath } from "node:url";
import { NO_BUDGETS } from "../tests/helpers.ts";

/** Absolute path of the repository root. */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts `deno run -A <args>` in the repo root with quiet output. */
export function spawnDeno(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...args],
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}

/** Polls `url` until it answers 200 or `timeoutMs` passes; returns ms waited. */
export async function waitFor200(
  url: string,
  timeoutMs = 20_000,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Stops a child and waits for it. */
export async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await child.status;
}

/** Median of `values`. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

export { NO_BUDGETS };

/** Starts `main.ts` on 127.0.0.1:`port` with its data in `dataDir` (default in memory). */
export function spawnInstance(
  port: number,
  dataDir = ":memory:",
): Deno.ChildProcess {
  return spawnDeno([
    "main.ts",
    "--port",
    String(port),
    "--hostname",
    "127.0.0.1",
    "--data",
    dataDir,
    ...NO_BUDGETS,
  ]);
}

/**
 * Runs `run` with `count` fresh data folders on disk, removed afterwards.
 *
 * @example
 * ```ts
 * await withDirs(2, ([a, b]) => measure(a, b), "kith_bench_");
 * ```
 */
export async function withDirs<T>(
  count: number,
  run: (dirs: string[]) => Promise<T>,
  prefix = "kith_bench_",
): Promise<T> {
  const dirs: string[] = [];
  for (let i = 0; i < count; i++) {
    dirs.push(await Deno.makeTempDir({ prefix }));
  }
  try {
    return await run(dirs);
  } finally {
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
}
