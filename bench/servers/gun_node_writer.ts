/**
 * Writer for bench/gun_node_layout.ts: puts every record into GUN the
 * naive way, one child node per record linked from a feed node
 * (`gun.get("feed").get(id).put({ line })`), then serves GUN's WebSocket
 * on 127.0.0.1 for the reader.
 *
 * Usage: `deno run --allow-all bench/servers/gun_node_writer.ts <records
 * file> <settle ms> <exit after ms> [<window>]`. The records file holds one
 * `{"id":…,"line":…}` per line; `window` caps the puts waiting for their
 * ACK (default: no cap). Prints JSON events to stdout, one a line:
 * `listening` (with the port), `issued`, `writing` every second, then
 * `settled` or `unsettled` with the time spent. Stops by itself after
 * `<exit after ms>` whatever happens; the orchestrator normally kills it
 * sooner.
 *
 * GUN runs through lib/replication/gun.ts: the core only, with multicast,
 * AXE, stats, radisk, file storage and localStorage off. Its hook passes
 * every message on, so GUN does its ordinary graph work.
 *
 * @module
 */
import { createGunNode, type GunMessage } from "../../lib/replication/gun.ts";

const [file, settleArg, exitArg, windowArg] = Deno.args;
const settleMs = Number(settleArg ?? 60_000);
const exitAfterMs = Number(exitArg ?? settleMs + 70_000);
const window = Number(windowArg ?? Infinity);
// Hard stop, whatever state GUN is in.
setTimeout(() => {
  emit({ ev: "exit", reason: "deadline" });
  Deno.exit(3);
}, exitAfterMs);

const FEED = "feed";

/** The parts of GUN's chain API used here (GUN ships no types). */
interface Chain {
  get(key: string): Chain;
  put(data: Record<string, unknown>, ack?: (ack: AckMessage) => void): Chain;
}
interface AckMessage {
  err?: unknown;
  ok?: unknown;
}
interface OnContext {
  to: { next(value: unknown): void };
}

function emit(event: Record<string, unknown>): void {
  console.log(JSON.stringify(event));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const records = (await Deno.readTextFile(file)).split("\n").filter(Boolean)
  .map((text) => JSON.parse(text) as { id: string; line: string });

const node = createGunNode({ intercept: () => "pass", maxMessage: 8e6 });
// GUN's root context keeps its chain in `$`.
const gun = node.root.$ as Chain;
const graph = node.root.graph as Record<
  string,
  Record<string, unknown> | undefined
>;

// GUN's chain put reads before it writes: `get("feed").get(id)` has no soul
// yet, so put asks storage and peers whether the link exists, and waits for
// an answer. With radisk and localStorage off and no peer yet, nobody
// answers and no put ever completes (gun.md §2.1; measured: 0 of 1,000
// after 15 s). This is the smallest stand-in for a storage adapter, in
// memory only: what the graph holds GUN has already answered itself
// (Gun.on.get), so this says "not found" for the rest, and ACKs each local
// write, which the graph already holds. GUN's own adapters (lib/store.js,
// the core's localStorage one) answer in the same shape.
node.root.on("get", function (this: OnContext, message: GunMessage) {
  this.to.next(message);
  const soul = message.get?.["#"];
  const key = message.get?.["."];
  if (typeof soul !== "string") return;
  const known = graph[soul];
  if (known && (typeof key !== "string" || known[key] !== undefined)) return;
  node.root.on("in", { "@": message["#"] });
});
node.root.on("put", function (this: OnContext, message: GunMessage) {
  this.to.next(message);
  if (!message["@"]) node.root.on("in", { "@": message["#"], ok: 1 });
});

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => emit({ ev: "listening", port }),
}, (request) => {
  const url = new URL(request.url);
  if (
    url.pathname === "/gun" &&
    request.headers.get("upgrade")?.toLowerCase() === "websocket"
  ) {
    return node.accept(request, `reader-${crypto.randomUUID()}`);
  }
  return new Response("not found", { status: 404 });
});

/** Records whose child node holds the line and is linked from the feed. */
function stored(): number {
  const feed = graph[FEED];
  if (!feed) return 0;
  let count = 0;
  for (const { id, line } of records) {
    const soul = (feed[id] as { "#"?: unknown } | undefined)?.["#"];
    if (typeof soul === "string" && graph[soul]?.line === line) count++;
  }
  return count;
}

let acks = 0;
let errors = 0;
let lastError: unknown;
let inFlight = 0;
// Resolves a wait for a free slot, or for the last ACK.
let wake: (() => void) | undefined;
function notify(): void {
  const resume = wake;
  wake = undefined;
  resume?.();
}

const started = performance.now();
const elapsed = () => performance.now() - started;
const progress = setInterval(
  () => emit({ ev: "writing", acks, stored: stored(), ms: round(elapsed()) }),
  1000,
);
// Wakes every wait now and then, so the settle deadline is checked even
// when no ACK comes.
const ticker = setInterval(notify, 250);
for (let i = 0; i < records.length && elapsed() < settleMs; i++) {
  while (inFlight >= window && elapsed() < settleMs) {
    await new Promise<void>((resolve) => wake = resolve);
  }
  const { id, line } = records[i];
  let acked = false;
  inFlight++;
  gun.get(FEED).get(id).put({ line }, (ack) => {
    if (acked) return; // One ACK per put is enough.
    acked = true;
    acks++;
    inFlight--;
    if (ack?.err) {
      errors++;
      lastError = ack.err;
    }
    if (inFlight < window || acks === records.length) notify();
  });
  // Let GUN's scheduler and the event loop run, as an app would.
  if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 0));
}
emit({ ev: "issued", ms: round(elapsed()) });
while (acks < records.length && elapsed() < settleMs) {
  await new Promise<void>((resolve) => wake = resolve);
}
const writerMs = elapsed();
clearInterval(progress);
clearInterval(ticker);
const count = stored();
emit({
  ev: acks === records.length && count === records.length
    ? "settled"
    : "unsettled",
  ms: round(writerMs),
  records: records.length,
  acks,
  stored: count,
  errors,
  lastError: lastError === undefined ? undefined : String(lastError),
  rssMB: round(Deno.memoryUsage().rss / 1048576),
});
