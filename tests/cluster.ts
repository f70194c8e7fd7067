/**
 * Kith instances as separate `deno` processes on loopback, for the
 * multi-instance suites and benchmarks: each has its own data folder (or
 * memory), its own port and its own local user who can follow authors.
 *
 * @module
 */
import { freePort, spawnDeno, waitFor200 } from "../bench/_process.ts";
import { testAuthor } from "./helpers.ts";

/** One running instance process. */
export interface Node {
  name: string;
  port: number;
  url: string;
  /** A user local to this instance (posts here, so it is replicated here). */
  user: ReturnType<typeof testAuthor>;
  /** POSTs record lines (NDJSON batch when more than one); throws on errors. */
  post(lines: string[]): Promise<void>;
  /** Makes the local user follow `author`. */
  follow(author: string): Promise<void>;
  /** Head seq of `author` here (0 when unknown). */
  head(author: string): Promise<number>;
  /** `GET /api/peers`. */
  peers(): Promise<PeerRow[]>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
}

/** A row of `GET /api/peers`. */
export interface PeerRow {
  url: string;
  direction: string;
  connected: boolean;
  recordsIn: number;
  recordsOut: number;
  rejected: number;
  rejectedBy: Record<string, number>;
  lag: number;
}

/** Starts `main.ts` with `peers` (origins) and waits until it serves. */
export async function startNode(
  name: string,
  options: {
    peers?: string[];
    port?: number;
    dataDir?: string;
    /** More flags for main.ts. */
    args?: string[];
  } = {},
): Promise<Node> {
  const port = options.port ?? freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["main.ts", "--port", String(port), "--hostname", "127.0.0.1"];
  args.push("--data", options.dataDir ?? ":memory:", "--name", name);
  if (options.peers?.length) args.push("--peers", options.peers.join(","));
  args.push(...options.args ?? []);
  const child = spawnDeno(args);
  await waitFor200(`${url}/healthz`, 30_000);
  const user = testAuthor();
  let stopped = false;
  const end = async (signal: Deno.Signal) => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
    await child.status;
  };
  const node: Node = {
    name,
    port,
    url,
    user,
    async post(lines) {
      const response = await fetch(`${url}/api/records`, {
        method: "POST",
        headers: {
          "Content-Type": lines.length === 1
            ? "application/json"
            : "application/x-ndjson",
        },
        body: lines.join("\n"),
      });
      const text = await response.text();
      if (!response.ok) {
        throw new Error(`${name}: POST ${response.status} ${text}`);
      }
      const body = JSON.parse(text);
      if (body.status === "rejected" || body.rejected > 0) {
        throw new Error(`${name}: ${text.slice(0, 300)}`);
      }
    },
    follow(author) {
      return node.post([user.next("follow", { target: author }).line]);
    },
    async head(author) {
      const response = await fetch(`${url}/api/authors/${author}`);
      if (response.status === 404) {
        await response.body?.cancel();
        return 0;
      }
      const summary = await response.json();
      return summary.head.seq;
    },
    async peers() {
      const response = await fetch(`${url}/api/peers`);
      return (await response.json()).peers;
    },
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
  };
  return node;
}

/** Polls `check` every 50 ms until it returns true; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** `count` post lines of `author`, in seq order. */
export function posts(
  author: ReturnType<typeof testAuthor>,
  count: number,
  prefix = "post",
): string[] {
  return Array.from(
    { length: count },
    (_, i) => author.next("post", { text: `${prefix} ${i + 1}` }).line,
  );
}
