import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import {
  backfillAuthor,
  type BackfillOptions,
  BENIGN_CODES,
  fetchHead,
  httpSource,
  type LogSource,
} from "./backfill.ts";

interface Harness {
  ingest: Ingest;
  store: RecordStore;
  options: (sources: LogSource[]) => BackfillOptions;
  /** Seqs in the order they were committed. */
  committed: number[];
  /** Entries held out of order, sampled every millisecond and at commits. */
  heldSeen: number[];
  stored: Record<string, number>;
  invalid: Record<string, number>;
}

async function withBackfill(run: (harness: Harness) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  let sampler: ReturnType<typeof setInterval> | undefined;
  try {
    const store = new RecordStore(kv);
    const harness: Harness = {
      store,
      committed: [],
      heldSeen: [],
      stored: {},
      invalid: {},
      ingest: new Ingest(store, {
        verify: verifyEd25519,
        now: Date.now,
        onCommit: (records) => {
          harness.heldSeen.push(harness.ingest.heldCount);
          for (const { record } of records) {
            harness.committed.push(record.entry.seq);
          }
        },
      }),
      options: (sources) => ({
        ingest: harness.ingest,
        localHead: async (author) => (await store.head(author)).head?.seq ?? 0,
        sources,
        onRecords: (peer, count) =>
          harness.stored[peer] = (harness.stored[peer] ?? 0) + count,
        onInvalid: (peer, count) =>
          harness.invalid[peer] = (harness.invalid[peer] ?? 0) + count,
      }),
    };
    sampler = setInterval(
      () => harness.heldSeen.push(harness.ingest.heldCount),
      1,
    );
    await run(harness);
  } finally {
    clearInterval(sampler);
    kv.close();
  }
}

/** Signs `count` posts of a fresh author. */
function log(count: number) {
  const author = testAuthor();
  const lines = Array.from(
    { length: count },
    (_, i) => author.next("post", { text: `${i + 1}` }).line,
  );
  return { author: author.key, lines };
}

/** A source serving `lines` (seq i + 1 at index i), with its calls. */
function source(
  peerId: string,
  lines: string[],
  behavior: { most?: number; fails?: boolean; delayMs?: number } = {},
): LogSource & { calls: [number, number][] } {
  const calls: [number, number][] = [];
  return {
    peerId,
    transport: "http",
    calls,
    async fetch(_author, after, limit) {
      calls.push([after, limit]);
      if (behavior.delayMs) {
        await new Promise((resolve) => setTimeout(resolve, behavior.delayMs));
      }
      if (behavior.fails) throw new Error(`${peerId} is down`);
      return lines.slice(
        after,
        after + Math.min(limit, behavior.most ?? limit),
      );
    },
  };
}

/** `line` with one character in the middle of its sig changed. */
function forge(line: string): string {
  const at = line.indexOf('"sig":"') + 7 + 43;
  return line.slice(0, at) + (line[at] === "A" ? "B" : "A") +
    line.slice(at + 1);
}

const storedLines = (store: RecordStore, author: string) =>
  Array.fromAsync(store.lines(author));

Deno.test("backfill fetches block-sized chunks from each source in turn and stores them in seq order", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(2_500);
    // The first chunk arrives last: later chunks must wait, not be held.
    const a = source("a", lines, { delayMs: 50 });
    const b = source("b", lines);
    const result = await backfillAuthor(author, 2_500, harness.options([a, b]));
    assert.deepEqual(result, {
      author,
      from: 0,
      to: 2_500,
      target: 2_500,
      created: 2_500,
      retried: 0,
    });
    assert.deepEqual(a.calls, [[0, 1_000], [2_000, 500]]);
    assert.deepEqual(b.calls, [[1_000, 1_000]]);
    assert.deepEqual(harness.stored, { a: 1_500, b: 1_000 });
    assert.deepEqual(harness.committed, lines.map((_, i) => i + 1));
    assert.ok(
      harness.heldSeen.every((held) => held === 0),
      `${harness.heldSeen}`,
    );
    assert.equal(harness.ingest.heldCount, 0);
    assert.deepEqual(await storedLines(harness.store, author), lines);
  });
});

Deno.test("backfill takes the rest of a short chunk from the next source", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(600);
    const a = source("a", lines, { most: 250 });
    const b = source("b", lines);
    const result = await backfillAuthor(author, 600, harness.options([a, b]));
    assert.equal(result.to, 600);
    assert.equal(result.created, 600);
    assert.equal(result.retried, 1);
    assert.deepEqual(a.calls, [[0, 600]]);
    assert.deepEqual(b.calls, [[250, 350]]);
    assert.deepEqual(harness.stored, { a: 250, b: 350 });
    assert.deepEqual(harness.committed, lines.map((_, i) => i + 1));
    assert.ok(harness.heldSeen.every((held) => held === 0));
  });
});

Deno.test("backfill takes a failing source's chunk from another source", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(1_200);
    const down = source("down", lines, { fails: true });
    const up = source("up", lines);
    const result = await backfillAuthor(
      author,
      1_200,
      harness.options([down, up]),
    );
    assert.deepEqual(
      [result.to, result.created, result.retried],
      [1_200, 1_200, 1],
    );
    assert.deepEqual(down.calls, [[0, 1_000]]);
    assert.deepEqual(up.calls, [[1_000, 200], [0, 1_000]]);
    assert.deepEqual(harness.stored, { up: 1_200 });
    assert.deepEqual(harness.committed, lines.map((_, i) => i + 1));
    assert.equal(harness.ingest.heldCount, 0);
  });
});

Deno.test("backfill resumes from the local head", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(600);
    await harness.ingest.submit(lines.slice(0, 400), { source: "peer" });
    const a = source("a", lines);
    const result = await backfillAuthor(author, 600, harness.options([a]));
    assert.deepEqual([result.from, result.to, result.created], [400, 600, 200]);
    assert.deepEqual(a.calls, [[400, 200]]);
  });
});

Deno.test("backfill repeats passes while short sources still make progress", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(600);
    const sources = [
      source("a", lines, { most: 100 }),
      source("b", lines, { most: 100 }),
    ];
    const result = await backfillAuthor(author, 600, harness.options(sources));
    assert.deepEqual(
      [result.to, result.created, result.retried],
      [600, 600, 3],
    );
    assert.deepEqual(sources[0].calls, [[0, 600], [200, 400], [400, 200]]);
    assert.deepEqual(sources[1].calls, [[100, 500], [300, 300], [500, 100]]);
  });
});

Deno.test("backfill stops where no source holds the rest", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(600);
    const sources = [
      source("a", lines.slice(0, 300)),
      source("b", lines.slice(0, 300), { fails: true }),
    ];
    const result = await backfillAuthor(author, 600, harness.options(sources));
    assert.deepEqual(result, {
      author,
      from: 0,
      to: 300,
      target: 600,
      created: 300,
      // One retry per pass; see the calls below.
      retried: 3,
    });
    const empty = await backfillAuthor(author, 600, harness.options([]));
    assert.deepEqual([empty.from, empty.to, empty.created], [300, 300, 0]);
    const done = await backfillAuthor(author, 200, harness.options(sources));
    assert.deepEqual([done.to, done.created], [300, 0]);
    // Pass 1 brings 300; pass 2 (from 300) and pass 3 (starting at the
    // other source) find nothing more, and the backfill stops.
    assert.deepEqual(sources[0].calls, [[0, 600], [300, 300], [300, 300]]);
  });
});

Deno.test("backfill reports forged records against the source that sent them", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(10);
    const lying = lines.map((line, i) => i === 4 ? forge(line) : line);
    const liar = source("liar", lying);
    const result = await backfillAuthor(author, 10, harness.options([liar]));
    assert.deepEqual([result.to, result.created], [4, 4]);
    // Once: a source that sent a forged record is not asked again.
    assert.deepEqual(harness.invalid, { liar: 1 });
    assert.deepEqual(harness.stored, { liar: 4 });
  });
});

Deno.test("backfill takes a range a source lied about from an honest source", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(10);
    const lying = lines.map((line, i) => i === 4 ? forge(line) : line);
    const sources = [source("liar", lying), source("honest", lines)];
    const result = await backfillAuthor(author, 10, harness.options(sources));
    assert.equal(result.to, 10, "seq 5 onwards from the honest source");
    assert.deepEqual(await storedLines(harness.store, author), lines);
  });
});

Deno.test("benign refusals are the ones that do not mean forged", () => {
  assert.deepEqual(
    [...BENIGN_CODES].sort(),
    ["fork", "gap", "prev_mismatch", "stale_seq"],
  );
});

Deno.test("a claimed head far beyond any log costs one bounded pass per peer", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(20);
    const a = source("a", lines);
    const result = await backfillAuthor(
      author,
      Number.MAX_SAFE_INTEGER,
      harness.options([a]),
    );
    assert.deepEqual([result.to, result.created], [20, 20]);
    // 16 blocks a pass at most: the huge target never became 9e12 chunks.
    assert.ok(a.calls.length <= 32, `${a.calls.length} calls`);
    assert.ok(a.calls.every(([, limit]) => limit <= 1_000));
  });
});

Deno.test("an aborted backfill stops between chunks", async () => {
  await withBackfill(async (harness) => {
    const { author, lines } = log(10);
    const stop = new AbortController();
    stop.abort();
    const result = await backfillAuthor(author, 10, {
      ...harness.options([source("a", lines)]),
      signal: stop.signal,
    });
    assert.deepEqual([result.to, result.created], [0, 0]);
  });
});

Deno.test("httpSource keeps only the author's lines in range, however much a peer sends", async () => {
  const { author, lines } = log(6);
  const other = log(2);
  const body = [other.lines[0], ...lines, other.lines[1], "junk"].join("\n");
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response(body, {
        headers: { "Content-Type": "application/x-ndjson" },
      }),
  );
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const got = await httpSource(origin).fetch(author, 2, 3);
    assert.deepEqual(got, lines.slice(2, 5));
    assert.equal(await fetchHead(origin, author).catch(() => -1), -1);
  } finally {
    await server.shutdown();
  }
});
