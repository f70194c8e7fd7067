/**
 * Crash safety: a real instance process, its KV on disk, is SIGKILLed at
 * random moments of a bulk ingest, {@linkcode KILLS} times on one data
 * folder. After each restart every acknowledged record is still there and
 * every author's log is gap-free, read back through the public API only.
 *
 * Records sent but not acknowledged may or may not have been kept; either
 * is fine, but what was kept must be exactly what was sent, in order. Set
 * KITH_CRASH_SEED to replay the batch sizes and kill delays of a run (the
 * interleaving of requests still depends on timing).
 *
 * @module
 */
import assert from "node:assert/strict";
import { entryIdOfLine } from "../lib/protocol/mod.ts";
import { type Node, startNode } from "./cluster.ts";
import { seededRandom, testAuthor } from "./helpers.ts";

/** SIGKILLs per run (the figure docs/security.md quotes). */
const KILLS = 50;
/** Authors writing at once. */
const AUTHORS = 4;
/** NDJSON batches of one author in flight at once. */
const LANES = 2;
/** Lines in a batch at most. */
const MAX_BATCH = 120;
/** Kill delays are drawn from 0 to this, after the instance serves. */
const MAX_KILL_DELAY_MS = 400;

/**
 * One author's side: every record it ever signed (one per seq, so any
 * other entry at a seq is a corruption) and the seqs the instance
 * acknowledged.
 */
class Writer {
  readonly author = testAuthor();
  readonly records: { id: string; line: string }[] = [];
  readonly acked = new Set<number>();
  /** Head seen at the last restart: served once, it must never shrink. */
  stored = 0;
  /** Records before this index are sent (this cycle) or known stored. */
  cursor = 0;
  readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** The next batch to send, signing records as needed. */
  take(): { from: number; lines: string[] } {
    const from = this.cursor;
    const size = 1 + Math.floor(this.random() * MAX_BATCH);
    this.cursor += size;
    while (this.records.length < this.cursor) {
      const seq = this.records.length + 1;
      const { id, line } = this.author.next(
        "post",
        { text: `crash safety ${seq}` },
        { seq, prev: this.records.at(-1)?.id ?? null },
      );
      this.records.push({ id, line });
    }
    return {
      from,
      lines: this.records.slice(from, this.cursor).map((r) => r.line),
    };
  }
}

/** What one kill cut short. */
interface CycleState {
  killed: boolean;
  /** Requests that failed because the process died under them. */
  cutShort: number;
}

/** Posts batches of `writer` until the instance is killed. */
async function lane(node: Node, writer: Writer, state: CycleState) {
  while (!state.killed) {
    const { from, lines } = writer.take();
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${node.url}/api/records`, {
        method: "POST",
        headers: { "Content-Type": "application/x-ndjson" },
        body: lines.join("\n"),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (!state.killed) throw error;
      state.cutShort++;
      return;
    }
    assert.equal(status, 200, `POST answered ${status}: ${text.slice(0, 300)}`);
    const body: {
      results: { status?: string; id?: string }[];
    } = JSON.parse(text);
    assert.equal(body.results.length, lines.length);
    for (const [i, result] of body.results.entries()) {
      const seq = from + i + 1;
      assert.ok(
        result.status === "created" || result.status === "duplicate" ||
          result.status === "held",
        `seq ${seq} of ${writer.author.key} was refused: ${
          JSON.stringify(result)
        }`,
      );
      assert.equal(result.id, writer.records[seq - 1].id);
      // Held entries wait in memory for earlier ones: not acknowledged.
      if (result.status !== "held") writer.acked.add(seq);
    }
  }
}

/** The author's log as the instance serves it, a page at a time. */
async function readLog(node: Node, author: string): Promise<string[]> {
  const lines: string[] = [];
  while (true) {
    const response = await fetch(
      `${node.url}/api/authors/${author}/log?after=${lines.length}&limit=10000`,
    );
    assert.equal(response.status, 200);
    const page = (await response.text()).split("\n").filter((line) => line);
    lines.push(...page);
    if (page.length < 10_000) return lines;
  }
}

/**
 * Checks `writer`'s log on the restarted instance: seq 1..head contiguous,
 * each prev naming the entry before, each entry the one signed for that
 * seq, every acknowledged seq present. Returns the head seq.
 */
async function verify(node: Node, writer: Writer, cycle: number) {
  const { key } = writer.author;
  const where = `after kill ${cycle}, author ${key}`;
  const response = await fetch(`${node.url}/api/authors/${key}`);
  const summary = await response.json();
  const head: number = response.status === 404 ? 0 : summary.head.seq;
  if (response.status === 404) {
    assert.equal(summary.reason, "unknown_author", where);
  } else {
    assert.equal(response.status, 200, where);
    assert.equal(summary.count, head, `${where}: count and head differ`);
    assert.equal(summary.forked, false, `${where}: marked forked`);
  }
  const lines = await readLog(node, key);
  assert.equal(
    lines.length,
    head,
    `${where}: ${lines.length} entries, head ${head}`,
  );
  let prev: string | null = null;
  for (const [i, line] of lines.entries()) {
    const { entry } = JSON.parse(line);
    assert.equal(entry.seq, i + 1, `${where}: gap before seq ${entry.seq}`);
    assert.equal(entry.prev, prev, `${where}: seq ${i + 1} does not chain`);
    assert.ok(i < writer.records.length, `${where}: seq ${i + 1} never sent`);
    assert.equal(
      line,
      writer.records[i].line,
      `${where}: seq ${i + 1} differs`,
    );
    prev = entryIdOfLine(line);
  }
  if (head > 0) assert.equal(summary.head.id, prev, `${where}: head id`);
  const lost = [...writer.acked].filter((seq) => seq > head);
  assert.equal(
    lost.length,
    0,
    `${where}: ${lost.length} acknowledged records lost, from seq ${lost[0]}`,
  );
  assert.ok(head >= writer.stored, `${where}: head ${head} < ${writer.stored}`);
  if (writer.acked.size > 0) {
    // The id index, written in the same commit, survived too.
    const last = writer.records[Math.max(...writer.acked) - 1];
    const byId = await fetch(`${node.url}/api/records/${last.id}`);
    assert.equal(byId.status, 200, `${where}: GET /api/records/${last.id}`);
    assert.equal(await byId.text(), last.line);
  }
  return head;
}

Deno.test(`acknowledged records survive ${KILLS} SIGKILLs during bulk ingest`, async () => {
  const seed = Number(
    Deno.env.get("KITH_CRASH_SEED") ?? Math.floor(Math.random() * 2 ** 32),
  );
  console.log(
    `crash safety: seed ${seed} (KITH_CRASH_SEED=${seed} replays it)`,
  );
  const random = seededRandom(seed);
  const writers = Array.from(
    { length: AUTHORS },
    (_, i) => new Writer(seed + i + 1),
  );
  const dataDir = await Deno.makeTempDir({ prefix: "kith_crash_" });
  let node: Node | undefined;
  let cutShort = 0;
  let keptUnacked = 0;
  try {
    for (let cycle = 0; cycle <= KILLS; cycle++) {
      node = await startNode(`crash-${cycle}`, { dataDir });
      for (const writer of writers) {
        const head = await verify(node, writer, cycle);
        for (let seq = writer.stored + 1; seq <= head; seq++) {
          if (!writer.acked.has(seq)) keptUnacked++;
        }
        writer.stored = writer.cursor = head;
      }
      if (cycle === KILLS) break;
      const state: CycleState = { killed: false, cutShort: 0 };
      const lanes = writers.flatMap((writer) =>
        Array.from({ length: LANES }, () => lane(node!, writer, state))
      );
      // A lane that fails for another reason than the kill fails the test.
      const failed = Promise.race(
        lanes.map((p) => p.then(() => new Promise<never>(() => {}))),
      );
      failed.catch(() => {}); // Promise.all below reports it.
      await Promise.race([
        new Promise((resolve) =>
          setTimeout(resolve, Math.floor(random() * MAX_KILL_DELAY_MS))
        ),
        failed,
      ]);
      state.killed = true;
      await node.kill();
      await Promise.all(lanes);
      cutShort += state.cutShort > 0 ? 1 : 0;
    }
    await node!.stop();
    const acked = writers.reduce((sum, writer) => sum + writer.acked.size, 0);
    // Kills that found no request in flight prove little: most must land mid-post.
    assert.ok(
      cutShort >= KILLS / 2,
      `only ${cutShort} of ${KILLS} kills landed while posts were in flight`,
    );
    console.log(
      `crash safety: ${KILLS} kills (${cutShort} mid-post), ${acked} acknowledged records, all survived (${keptUnacked} more kept without an answer)`,
    );
  } finally {
    await node?.kill();
    await Deno.remove(dataDir, { recursive: true });
  }
});
