/**
 * Writer for bench/gun_node_layout.ts: puts every record into GUN the
 * naive way, one child node per record linked from a feed node
 * (`gun.get("feed").get(id).put({ line })`), and serves GUN's WebSocket on
 * 127.0.0.1.
 *
 * Usage: `deno run --allow-all bench/servers/gun_node_writer.ts <records file>
 * <settle ms> <exit after ms>`, where the records file holds one
 * `{"id":…,"line":…}` per line. Prints JSON events, one a line, to stdout:
 * `listening` (with the port), `settled` or `unsettled` (with the time
 * spent), then `progress` every second while waiting. Exits by itself
 * after `<exit after ms>` whatever happens.
 *
 * GUN runs through lib/replication/gun.ts: the core only, multicast, AXE,
 * stats, radisk, file storage and localStorage off. Its hook passes every
 * message on, so GUN does its ordinary graph work.
 *
 * @module
 */
import { createGunNode, type GunMessage } from "../../lib/replication/gun.ts";

const [file, settleArg, exitArg, windowArg] = Deno.args;
const window = Number(windowArg ?? Infinity);
const settleMs = Number(settleArg ?? 60_000);
const exitAfterMs = Number(exitArg ?? settleMs + 70_000);
// Hard stop, whatever state GUN is in.
setTimeout(() => {
  emit({ ev: "exit", reason: "deadline" });
  Deno.exit(3);
}, exitAfterMs);
Deno.env.set("MULTICAST", "false");

const FEED = "feed";

function emit(event: Record<string, unknown>): void {
  console.log(JSON.stringify(event));
}

/** The parts of GUN's chain API this script uses (GUN ships no types). */
interface Chain {
  get(key: string): Chain;
  put(data: Record<string, unknown>, ack?: (ack: AckMessage) => void): Chain;
}
interface OnContext {
  to: { next(value: unknown): void };
}
interface AckMessage {
  err?: unknown;
  ok?: unknown;
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

// GUN's chain put reads before it writes: `get("feed").get(id)` has no
// soul yet, so put asks storage and peers whether the link exists and
// waits for an answer. With radisk and localStorage off and no peer yet,
// nobody answers and no put ever completes (gun.md §2.1). This is the
// smallest stand-in for a storage adapter, in memory only: what GUN's
// graph holds it has already answered itself (Gun.on.get), so the adapter
// says "not found" for the rest, and ACKs each local write, which the
// graph already holds. GUN's own adapters (lib/store.js, the core's
// localStorage one) answer in the same way.
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
  return new Response("gun_node_writer", { status: 404 });
});

/** Records whose child node holds the line and whose link is in the feed. */
function stored(): number {
  const feed = graph[FEED];
  if (!feed) return 0;
  let count = 0;
  for (const { id, line } of records) {
    const link = feed[id] as { "#"?: string } | undefined;
    const soul = link?.["#"];
    if (soul && graph[soul]?.line === line) count++;
  }
  return count;
}

let acks = 0;
let errors = 0;
let lastError: unknown;
let inFlight = 0;
let wake: (() => void) | undefined;
const started = performance.now();
for (let i = 0; i < records.length; i++) {
  while (inFlight >= window) {
    await new Promise<void>((resolve) => wake = resolve);
  }
  const { id, line } = records[i];
  let acked = false;
  inFlight++;
  gun.get(FEED).get(id).put({ line }, (ack) => {
    if (acked) return;
    acked = true;
    acks++;
    inFlight--;
    if (ack?.err) {
      errors++;
      lastError = ack.err;
    }
    const resume = wake;
    wake = undefined;
    resume?.();
  });
  // Let GUN's scheduler and the event loop breathe, as an app would.
  if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 0));
}
const issuedMs = performance.now() - started;
emit({ ev: "issued", puts: records.length, ms: round(issuedMs) });

// Settled: every record is in the writer's own graph, linked from the
// feed. With no storage adapter nobody ACKs a put, so the graph is what
// counts; ACKs are reported when they come.
let settled = false;
let lastSecond = 0;
while (performance.now() - started < settleMs) {
  const count = stored();
  if (count === records.length && acks >= records.length) {
    settled = true;
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (Math.floor((performance.now() - started) / 1000) !== lastSecond) {
    lastSecond = Math.floor((performance.now() - started) / 1000);
    emit({ ev: "writing", stored: count, acks, ms: round(elapsed()) });
  }
}
const writerMs = performance.now() - started;
emit({
  ev: settled ? "settled" : "unsettled",
  ms: round(writerMs),
  stored: stored(),
  records: records.length,
  acks,
  errors,
  lastError: lastError === undefined ? undefined : String(lastError),
  rssMB: round(Deno.memoryUsage().rss / 1048576),
});

function elapsed(): number {
  return performance.now() - started;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
