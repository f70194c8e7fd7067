/**
 * Starts `main.ts` as a process on a fresh data folder and reads the claim
 * link from its stdout as an operator would, while keeping all its output.
 *
 * @module
 */
import { freePort, ROOT, waitFor200 } from "../bench/_process.ts";

const ENV = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };

/** A running instance process with its claim link. */
export interface ClaimableInstance {
  url: string;
  /** The whole line `Claim this instance: <url>/admin/claim#<token>`. */
  claimLine: string;
  /** The link printed, `<url>/admin/claim#<token>`. */
  claimLink: string;
  /** The token in the link's fragment. */
  claimToken: string;
  /** SIGTERM, then the whole stdout and stderr once the process ended. */
  stop(): Promise<string>;
}

/**
 * Starts an unclaimed instance named `name` with `args` on 127.0.0.1 and
 * waits for its claim line and /healthz.
 *
 * @throws {Error} With the output when it exits or prints no claim line
 * within 60 s.
 * @example
 * ```ts
 * const a = await startClaimable("A", ["--data", dir]);
 * console.log(a.claimLink);
 * await a.stop();
 * ```
 */
export async function startClaimable(
  name: string,
  args: string[],
): Promise<ClaimableInstance> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--port", String(port)]
      .concat(["--hostname", "127.0.0.1", "--name", name], args),
    cwd: ROOT,
    env: ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let claimLine: (line: string) => void = () => {};
  const claimed = new Promise<string>((resolve) => claimLine = resolve);
  const stdout = (async () => {
    let partial = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith("Claim this instance: ")) claimLine(line);
      }
    }
    if (partial) lines.push(partial);
  })();
  const stderr = new Response(child.stderr).text();
  let stopped = false;
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
    await stdout;
    return `${lines.join("\n")}\n${await stderr}`;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const line = await Promise.race([
    claimed,
    child.status.then(() => null),
    new Promise<null>((resolve) => timer = setTimeout(resolve, 60_000, null)),
  ]);
  clearTimeout(timer);
  const up = line !== null &&
    await waitFor200(`${url}/healthz`, 30_000).then(() => true, () => false);
  if (!up || line === null) {
    throw new Error(`${name} printed no claim link:\n${await stop()}`);
  }
  const claimLink = line.slice("Claim this instance: ".length);
  return {
    url,
    claimLine: line,
    claimLink,
    claimToken: new URL(claimLink).hash.slice(1),
    stop,
  };
}
