import assert from "node:assert/strict";
import fc from "fast-check";
import { testAuthor } from "../../tests/helpers.ts";
import { SERVED_STATE, type ServedNode } from "./graph_server.ts";
import {
  blockOf,
  checkKey,
  headSoul,
  logSoul,
  packSegments,
  parseSoul,
  SEGMENT_BYTES,
  segmentKey,
} from "./layout.ts";
import { Publisher } from "./publisher.ts";

// Published keys carry the same constant state as served ones.
const STATE = SERVED_STATE;
const FLUSH_MS = 20;

function publisher(flushMs = FLUSH_MS) {
  const sent: ServedNode[] = [];
  let onSend = () => {};
  const instance = new Publisher({
    flushMs,
    send: (node) => {
      sent.push(node);
      onSend();
    },
  });
  const nextSend = () => new Promise<void>((resolve) => onSend = resolve);
  return { publisher: instance, sent, nextSend };
}

/** Soul, value and record count of each sent node, checking key and state. */
function summary(sent: ServedNode[]) {
  return sent.map(({ soul, node, records }) => {
    const keys = Object.keys(node).filter((key) => key !== "_");
    assert.equal(keys.length, 1);
    const value = node[keys[0]] as string;
    assert.equal(keys[0], segmentKey(value));
    assert.deepEqual(node._, { "#": soul, ">": { [keys[0]]: STATE } });
    return { soul, value, records };
  });
}

/** Signed lines of `author` at seqs `from`..`to`. */
function linesAt(from: number, to: number, text = (seq: number) => `${seq}`) {
  const author = testAuthor();
  const lines: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    lines.push(
      author.next("post", { text: text(seq) }, { seq, prev: null }).line,
    );
  }
  return { author: author.key, lines };
}

Deno.test("publisher flushes a segment at 100 records and announces the head", () => {
  const { publisher: out, sent } = publisher();
  const { author, lines } = linesAt(1, 101);
  lines.slice(0, 99).forEach((line, i) => out.add(author, i + 1, line));
  assert.equal(sent.length, 0);
  assert.equal(out.pendingRecords, 99);
  out.add(author, 100, lines[99]);
  assert.deepEqual(summary(sent), [
    {
      soul: logSoul(author, 0),
      value: lines.slice(0, 100).join("\n"),
      records: 100,
    },
    { soul: headSoul(author), value: lines[99], records: 1 },
  ]);
  assert.equal(out.pendingRecords, 0);
  out.add(author, 101, lines[100]);
  assert.equal(out.pendingRecords, 1);
  out.close();
  assert.equal(sent.length, 4);
});

Deno.test("publisher never lets a segment span two blocks", () => {
  const { publisher: out, sent } = publisher();
  const { author, lines } = linesAt(999, 1_001);
  lines.forEach((line, i) => out.add(author, 999 + i, line));
  assert.deepEqual(summary(sent), [
    { soul: logSoul(author, 0), value: `${lines[0]}\n${lines[1]}`, records: 2 },
    { soul: headSoul(author), value: lines[1], records: 1 },
  ]);
  assert.equal(out.pendingRecords, 1);
  out.close();
  assert.deepEqual(summary(sent.slice(2)), [
    { soul: logSoul(author, 1), value: lines[2], records: 1 },
    { soul: headSoul(author), value: lines[2], records: 1 },
  ]);
});

Deno.test("publisher flushes a segment flushMs after its first record", async () => {
  const { publisher: out, sent, nextSend } = publisher();
  const { author, lines } = linesAt(1, 3);
  const started = performance.now();
  const sending = nextSend();
  lines.forEach((line, i) => out.add(author, i + 1, line));
  assert.equal(sent.length, 0);
  await sending;
  assert.ok(performance.now() - started >= FLUSH_MS - 2);
  assert.deepEqual(summary(sent), [
    { soul: logSoul(author, 0), value: lines.join("\n"), records: 3 },
    { soul: headSoul(author), value: lines[2], records: 1 },
  ]);
  assert.equal(out.pendingRecords, 0);
});

Deno.test("publisher flushes before a segment outgrows SEGMENT_BYTES", () => {
  const { publisher: out, sent } = publisher();
  // 5,000 four-byte characters: about 20 KB per record.
  const { author, lines } = linesAt(
    1,
    30,
    (seq) => `${seq} ${"😀".repeat(4_990)}`,
  );
  lines.forEach((line, i) => out.add(author, i + 1, line));
  out.close();
  const nodes = summary(sent);
  const segments = nodes.filter((node) => node.soul === logSoul(author, 0));
  assert.ok(segments.length >= 3, `${segments.length} segments`);
  const soul = { kind: "log" as const, author, block: 0 };
  for (const { value, records } of segments) {
    assert.ok(new TextEncoder().encode(value).length <= SEGMENT_BYTES);
    assert.ok(records < 100);
    const key = segmentKey(value);
    assert.equal(
      checkKey(soul, { key, value, state: STATE }, { now: STATE }),
      null,
    );
  }
  assert.deepEqual(segments.flatMap(({ value }) => value.split("\n")), lines);
});

Deno.test("publisher segments equal packSegments of each block, each followed by its head", () => {
  const line = fc.oneof(
    fc.nat({ max: 50 }).map((size) => "s".repeat(size)),
    fc.constantFrom(30_000, 61_000).map((size) => "b".repeat(size)),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2_500 }),
      fc.array(line, { maxLength: 300 }),
      (first, lines) => {
        const { publisher: out, sent } = publisher(60_000);
        const author = "A".repeat(43);
        lines.forEach((line, i) => out.add(author, first + i, line));
        out.close();
        assert.equal(out.pendingRecords, 0);
        const expected: string[] = [];
        const blocks = Map.groupBy(lines, (_, i) => blockOf(first + i));
        for (const group of blocks.values()) {
          expected.push(...packSegments(group));
        }
        const nodes = summary(sent);
        assert.deepEqual(
          nodes.filter((_, i) => i % 2 === 0).map((node) => node.value),
          expected,
        );
        for (let i = 0; i < nodes.length; i += 2) {
          const parsed = parseSoul(nodes[i].soul);
          assert.ok(typeof parsed !== "string" && parsed.kind === "log");
          const values = nodes[i].value.split("\n");
          assert.equal(nodes[i].records, values.length);
          assert.deepEqual(nodes[i + 1], {
            soul: headSoul(author),
            value: values.at(-1),
            records: 1,
          });
        }
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("publisher keeps one segment per author", () => {
  const { publisher: out, sent } = publisher();
  const alice = linesAt(1, 100);
  const bob = linesAt(1, 2);
  out.add(bob.author, 1, bob.lines[0]);
  alice.lines.forEach((line, i) => out.add(alice.author, i + 1, line));
  out.add(bob.author, 2, bob.lines[1]);
  assert.deepEqual(sent.map((node) => node.soul), [
    logSoul(alice.author, 0),
    headSoul(alice.author),
  ]);
  assert.equal(out.pendingRecords, 2);
  out.close();
  assert.deepEqual(summary(sent.slice(2)), [
    { soul: logSoul(bob.author, 0), value: bob.lines.join("\n"), records: 2 },
    { soul: headSoul(bob.author), value: bob.lines[1], records: 1 },
  ]);
});

Deno.test("publisher close flushes every author and leaves no timer behind", async () => {
  const { publisher: out, sent } = publisher();
  const alice = linesAt(1, 2);
  const bob = linesAt(5, 5);
  alice.lines.forEach((line, i) => out.add(alice.author, i + 1, line));
  out.add(bob.author, 5, bob.lines[0]);
  out.close();
  assert.equal(out.pendingRecords, 0);
  assert.deepEqual(sent.map((node) => node.soul), [
    logSoul(alice.author, 0),
    headSoul(alice.author),
    logSoul(bob.author, 0),
    headSoul(bob.author),
  ]);
  out.flush(alice.author);
  out.close();
  await new Promise((resolve) => setTimeout(resolve, FLUSH_MS * 3));
  assert.equal(sent.length, 4);
});
