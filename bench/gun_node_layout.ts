/**
 * Baseline for the replication benchmark: how fast GUN alone replicates
 * signed Kith records laid out the naive way, one GUN node per record
 * (`gun.get("feed").get(id).put({ line })`, a child node per record linked
 * from the feed node), to a reader subscribed with
 * `gun.get("feed").map().on(cb)` that verifies every record in the
 * callback (verifyRecord with verifyEd25519, and the key against the
 * entry id).
 *
 * Backfill: the writer process (servers/gun_node_writer.ts) puts every
 * record and waits until its puts settle (every put ACKed and every record
 * in its graph); then the reader process (servers/gun_node_reader.ts)
 * connects over WebSocket on 127.0.0.1, subscribes, and times from the
 * subscription to the last verified record, or to the deadline. The GUN
 * study saw this layout miss 10,000 records in 55 s, so both phases are
 * bounded by `deadlineMs`, and an unfinished run reports how far it got.
 *
 * Two things the writer needs that the layout does not say. With storage
 * off, GUN's put reads before it writes and waits for an answer nobody
 * gives, so the writer answers GETs and ACKs puts from memory (see its
 * comments). And it caps the puts waiting for an ACK (`writeWindow`),
 * since 10,000 issued at once collapse.
 *
 * Run alone: `deno run --allow-all bench/gun_node_layout.ts [--records=N]
 * [--deadline=MS] [--window=W]`. Progress goes to stderr; the result is
 * the last line of stdout, as JSON (GUN prints a greeting there when it
 * loads).
 *
 * @module
 */
import { testAuthor } from "../tests/helpers.ts";
import { ROOT } from "./_process.ts";

/** Options of {@linkcode measureNodeLayout}. */
export interface NodeLayoutOptions {
  /** Records to replicate. */
  records: number;
  /**
   * Bound of each phase in ms: the writer's settling, and the reader's
   * time from subscribing.
   */
  deadlineMs: number;
  /**
   * Most puts the writer leaves waiting for their ACK (default 100).
   * `Infinity` issues every put at once, which GUN handles badly: about
   * 4,000 of 10,000 settled in 60 s, with 3 GB RSS, against about 2 s
   * with a window of 1 to 100. Unsettled puts go on while the reader
   * reads, so such a run is no clean backfill.
   */
  writeWindow?: number;
  /** Authors the records are spread over, round robin (default 4). */
  authors?: number;
  /** Called on each progress report of the writer and the reader. */
  onProgress?: (progress: NodeLayoutProgress) => void;
}

/** One progress report. */
export interface NodeLayoutProgress {
  phase: "write" | "read";
  /** Puts ACKed (write) or records verified (read). */
  count: number;
  /** Since the writer's first put, or since the reader subscribed. */
  ms: number;
}

/** What {@linkcode measureNodeLayout} measured. */
export interface NodeLayoutResult {
  /** Records the writer put. */
  records: number;
  /** Records the reader received and verified. */
  received: number;
  /** From subscribing to the last verified record, or to the deadline. */
  ms: number;
  /** `received` per second of `ms`. */
  perSecond: number;
  /** Whether every record arrived, verified, before the deadline. */
  finished: boolean;
  /** When the last new record reached the reader's callback. */
  deliveredMs: number;
  /** Writer: from its first put until all settled, or its deadline. */
  writerMs: number;
  /** Whether every put was ACKed and in the writer's graph in time. */
  writerSettled: boolean;
  /** Records in the writer's graph when the reader started. */
  writerStored: number;
  /** Deliveries that failed verification. */
  invalid: number;
  /** Calls of the reader's `map().on` callback. */
  calls: number;
  /** Peak reader RSS seen in its reports, MB. */
  readerRssMB: number;
  /** Reader progress, one `[ms, received]` a second. */
  samples: [number, number][];
  /** Whether records were verified in the callback (always true here). */
  verified: true;
}

/** Children alive, so a hard deadline can stop them before exiting. */
const live = new Set<Deno.ChildProcess>();

/**
 * Measures the one-node-per-record layout, in a writer and a reader
 * process on 127.0.0.1. The records are real Kith records signed by
 * `testAuthor()`; signing them is not timed.
 *
 * @example
 * ```ts
 * const result = await measureNodeLayout({ records: 1_000, deadlineMs: 60_000 });
 * console.log(result.finished, result.perSecond);
 * ```
 */
export async function measureNodeLayout(
  options: NodeLayoutOptions,
): Promise<NodeLayoutResult> {
  const { records, deadlineMs } = options;
  const window = options.writeWindow ?? 100;
  const file = await Deno.makeTempFile({
    prefix: "kith_gun_node_",
    suffix: ".jsonl",
  });
  const children: Child[] = [];
  try {
    await Deno.writeTextFile(file, signRecords(records, options.authors ?? 4));

    // The writer serves the reader too: its settling, then the read.
    const writerExit = 2 * deadlineMs + 60_000;
    const writer = new Child("gun_node_writer.ts", [
      file,
      String(deadlineMs),
      String(writerExit),
      String(window),
    ], writerExit);
    children.push(writer);
    writer.onEvent = (event) => {
      if (event.ev === "writing") {
        options.onProgress?.({
          phase: "write",
          count: Number(event.acks),
          ms: Number(event.ms),
        });
      }
    };
    const listening = await writer.waitFor(
      (event) => event.ev === "listening",
      30_000,
    );
    if (!listening) throw new Error("The GUN writer did not start listening");
    const settled = await writer.waitFor(
      (event) => event.ev === "settled" || event.ev === "unsettled",
      deadlineMs + 30_000,
    );
    if (!settled) throw new Error("The GUN writer did not report its puts");

    const samples: [number, number][] = [];
    let readerRssMB = 0;
    const readerExit = deadlineMs + 30_000;
    const reader = new Child("gun_node_reader.ts", [
      `ws://127.0.0.1:${listening.port}/gun`,
      String(records),
      String(deadlineMs),
      String(readerExit),
    ], readerExit);
    children.push(reader);
    reader.onEvent = (event) => {
      if (typeof event.rssMB === "number") {
        readerRssMB = Math.max(readerRssMB, event.rssMB);
      }
      if (event.ev === "progress") {
        samples.push([Number(event.ms), Number(event.received)]);
        options.onProgress?.({
          phase: "read",
          count: Number(event.received),
          ms: Number(event.ms),
        });
      }
    };
    const end = await reader.waitFor(
      (event) => ["done", "deadline", "error", "exit"].includes(event.ev),
      deadlineMs + 45_000,
    );
    if (end?.ev === "error") throw new Error(`GUN reader: ${end.error}`);
    // Without a final report, the last progress report is what is known.
    const last = end?.ev === "done" || end?.ev === "deadline"
      ? end
      : reader.events.findLast((event) => event.ev === "progress");
    const received = Number(last?.received ?? 0);
    const ms = Number(last?.ms ?? 0);
    return {
      records,
      received,
      ms,
      perSecond: ms > 0 ? Math.round(received / (ms / 1000)) : 0,
      finished: end?.ev === "done" && received === records,
      deliveredMs: Number(last?.deliveredMs ?? 0),
      writerMs: Number(settled.ms),
      writerSettled: settled.ev === "settled",
      writerStored: Number(settled.stored),
      invalid: Number(last?.invalid ?? 0),
      calls: Number(last?.calls ?? 0),
      readerRssMB,
      samples,
      verified: true,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await Deno.remove(file).catch(() => {});
  }
}

/** `count` post records by `authors` fresh authors, as `{id, line}` lines. */
function signRecords(count: number, authors: number): string {
  const signers = Array.from({ length: authors }, () => testAuthor());
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const { id, line } = signers[i % authors].next("post", {
      text: `Post ${i} of the GUN node-per-record baseline: ` +
        "seeds, bread and rain at the garden this morning.",
    });
    lines.push(JSON.stringify({ id, line }));
  }
  return lines.join("\n") + "\n";
}

/** A JSON event a child printed. */
// deno-lint-ignore no-explicit-any
type Event = Record<string, any>;

/** A benchmark child process whose stdout is JSON events, one a line. */
class Child {
  readonly events: Event[] = [];
  onEvent: (event: Event) => void = () => {};
  #process: Deno.ChildProcess;
  #waiters: { test: (event: Event) => boolean; done: (e: Event) => void }[] =
    [];
  #killer: ReturnType<typeof setTimeout>;

  /** `exitAfterMs`: the child's own hard deadline, given in `args`. */
  constructor(script: string, args: string[], exitAfterMs: number) {
    this.#process = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `bench/servers/${script}`, ...args],
      cwd: ROOT,
      env: { DENO_NO_UPDATE_CHECK: "1", MULTICAST: "false" },
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    live.add(this.#process);
    // The child stops itself at its own deadline; this is the belt to
    // those braces.
    this.#killer = setTimeout(() => this.#kill(), exitAfterMs + 10_000);
    this.#process.status.then(() => {
      clearTimeout(this.#killer);
      live.delete(this.#process);
    });
    this.#read();
  }

  async #read(): Promise<void> {
    let buffer = "";
    for await (
      const chunk of this.#process.stdout.pipeThrough(new TextDecoderStream())
    ) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        let event: Event;
        try {
          event = JSON.parse(text);
        } catch {
          continue; // GUN's own chatter ("Hello wonderful person! …").
        }
        if (event === null || typeof event !== "object") continue;
        this.events.push(event);
        this.onEvent(event);
        this.#waiters = this.#waiters.filter((waiter) => {
          if (!waiter.test(event)) return true;
          waiter.done(event);
          return false;
        });
      }
    }
  }

  /** The first event passing `test`, or null after `timeoutMs` or exit. */
  waitFor(test: (event: Event) => boolean, timeoutMs: number) {
    const found = this.events.find(test);
    if (found) return Promise.resolve(found);
    return new Promise<Event | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      const done = (event: Event | null) => {
        clearTimeout(timer);
        resolve(event);
      };
      this.#waiters.push({ test, done });
      this.#process.status.then(() => setTimeout(() => done(null), 100));
    });
  }

  #kill(): void {
    try {
      this.#process.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }

  /** Kills the child if it still runs, and waits for it. */
  async stop(): Promise<void> {
    this.#kill();
    await this.#process.status;
    clearTimeout(this.#killer);
  }
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const arg = Deno.args.find((value) => value.startsWith(`--${name}=`));
    return arg ? Number(arg.slice(name.length + 3)) : fallback;
  };
  const records = flag("records", 10_000);
  const deadlineMs = flag("deadline", 60_000);
  const writeWindow = flag("window", 100);
  // Signing, both phases, start-up: never longer than this.
  setTimeout(() => {
    console.error("gun_node_layout: hard deadline, stopping");
    for (const child of live) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
    Deno.exit(3);
  }, 2 * deadlineMs + 120_000);
  const result = await measureNodeLayout({
    records,
    deadlineMs,
    writeWindow,
    onProgress: ({ phase, count, ms }) =>
      console.error(`${phase}: ${count} at ${Math.round(ms)} ms`),
  });
  console.log(JSON.stringify({ layout: "node", writeWindow, ...result }));
  Deno.exit(0);
}
