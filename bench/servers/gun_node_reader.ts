/**
 * Reader for bench/gun_node_layout.ts: dials the writer's GUN, subscribes
 * with `gun.get("feed").map().on(cb)` and verifies every record it is
 * given (decodeRecord's checks and the Ed25519 signature through
 * verifyRecord, plus the key GUN delivered it under against the entry id).
 *
 * Usage: `deno run --allow-all bench/servers/gun_node_reader.ts <ws url>
 * <records> <deadline ms> <exit after ms>`. Prints JSON events to stdout,
 * one a line: `connected`, `subscribed`, `progress` every second, then
 * `done` (every record verified) or `deadline` (`<deadline ms>` after
 * subscribing). Times are this process's `performance.now()` from the
 * subscription. Stops by itself after `<exit after ms>` whatever happens.
 *
 * GUN runs through lib/replication/gun.ts: the core only, with multicast,
 * AXE, stats, radisk, file storage and localStorage off, and a hook that
 * passes every message on to GUN.
 *
 * @module
 */
import { verifyEd25519 } from "../../lib/crypto/mod.ts";
import { verifyRecord } from "../../lib/protocol/mod.ts";
import { createGunNode } from "../../lib/replication/gun.ts";

const [url, recordsArg, deadlineArg, exitArg] = Deno.args;
const records = Number(recordsArg);
const deadlineMs = Number(deadlineArg ?? 60_000);
const exitAfterMs = Number(exitArg ?? deadlineMs + 30_000);
// Hard stop, whatever state GUN is in.
setTimeout(() => {
  emit({ ev: "exit", reason: "deadline" });
  Deno.exit(3);
}, exitAfterMs);

/** The parts of GUN's chain API used here (GUN ships no types). */
interface Chain {
  get(key: string): Chain;
  map(): Chain;
  on(callback: (data: unknown, key: string) => void): Chain;
}

function emit(event: Record<string, unknown>): void {
  console.log(JSON.stringify(event));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

let connected: () => void = () => {};
const hi = new Promise<void>((resolve) => connected = resolve);
const node = createGunNode({
  intercept: () => "pass",
  maxMessage: 8e6,
  onPeer: (event) => {
    if (event === "hi") connected();
  },
});
const gun = node.root.$ as Chain;
node.dial(url);
const connectStarted = performance.now();
const gaveUp = setTimeout(() => {
  emit({ ev: "error", error: `no connection to ${url} within 15 s` });
  Deno.exit(2);
}, 15_000);
await hi;
clearTimeout(gaveUp);
emit({ ev: "connected", ms: round(performance.now() - connectStarted) });

/** Keys seen, so a record delivered again is verified once. */
const seen = new Set<string>();
let calls = 0;
let verified = 0;
let invalid = 0;
let lastError = "";
let lastAt = 0;
let lastDeliveryAt = 0;

const started = performance.now();
const elapsed = () => performance.now() - started;
const state = () => ({
  received: verified,
  delivered: seen.size,
  deliveredMs: round(lastDeliveryAt),
  invalid,
  calls,
  pending: seen.size - verified - invalid,
  rssMB: round(Deno.memoryUsage().rss / 1048576),
});

function finish(ev: "done" | "deadline", ms: number): void {
  emit({ ev, ms: round(ms), ...state(), lastError: lastError || undefined });
  Deno.exit(0);
}

setInterval(
  () => emit({ ev: "progress", ms: round(elapsed()), ...state() }),
  1000,
);
setTimeout(() => finish("deadline", elapsed()), deadlineMs);

emit({ ev: "subscribed" });
gun.get("feed").map().on((data, key) => {
  calls++;
  const line = (data as { line?: unknown } | null)?.line;
  if (typeof line !== "string" || seen.has(key)) return;
  seen.add(key);
  lastDeliveryAt = elapsed();
  verifyRecord(line, { now: Date.now(), verify: verifyEd25519 }).then(
    (record) => {
      if (record.id !== key) {
        throw new Error(`record ${record.id} delivered under key ${key}`);
      }
      verified++;
      lastAt = elapsed();
      if (verified === records) finish("done", lastAt);
    },
  ).catch((error) => {
    invalid++;
    lastError = String(error);
  });
});
