/**
 * Fuzz suite of POST /api/records: the body framing of routes/api/records
 * (NDJSON batches and single records) and the ingest pipeline behind it,
 * through the real web app of an in-process instance on in-memory KV.
 * Batches mix valid records of two logs (in and out of order, repeated,
 * with and without content) with garbage, blank, padded, forged, altered
 * and oversized lines, framed by LF or CRLF, with or without a final
 * newline. A model of the protocol's log rules says what each line must
 * get: every valid record is created, held or a duplicate as its log
 * allows, every invalid line is refused, and the logs hold exactly the
 * valid records they should.
 *
 * Generated cases per run: 400 (one property, one batch of 1 to 12 lines
 * per case).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalize, ERROR_CODES, LIMITS } from "../lib/protocol/mod.ts";
import { NO_BUDGETS, startTestInstance, testAuthor } from "./helpers.ts";

/** A line of a batch, as planned before the records are signed. */
type Item =
  | { kind: "valid"; author: number; seq: number; bare: boolean }
  | {
    kind: "forged" | "padded" | "altered";
    author: number;
    seq: number;
    how: number;
  }
  | { kind: "garbage"; text: string };

const AUTHORS = 2;
const SEQS = 4;

const seqArb = fc.record({
  author: fc.nat(AUTHORS - 1),
  seq: fc.integer({ min: 1, max: SEQS }),
});
const itemArb: fc.Arbitrary<Item> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(seqArb, fc.boolean()).map(([at, bare]) => ({
      kind: "valid" as const,
      ...at,
      bare: bare && at.seq % 2 === 0,
    })),
  },
  fc.tuple(
    seqArb,
    fc.constantFrom("forged" as const, "padded" as const, "altered" as const),
    fc.nat(),
  ).map(([at, kind, how]) => ({ kind, ...at, how })),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    fc.constantFrom("", " ", "\r", "{}", "null", "\ufeff", "x".repeat(70_000)),
  ).map((text) => ({
    kind: "garbage" as const,
    // Line breaks are framing, placed by the batch arbitrary; a CR ending
    // a line would be read as half of a CRLF.
    text: text.replace(/\n/g, " ").replace(/\r$/, "\r "),
  })),
);

const batchArb = fc.record({
  items: fc.array(itemArb, { minLength: 1, maxLength: 12 }),
  breaks: fc.array(fc.constantFrom("\n", "\r\n"), {
    minLength: 12,
    maxLength: 12,
  }),
  final: fc.boolean(),
  type: fc.constantFrom(
    "application/x-ndjson",
    "application/x-ndjson; charset=utf-8",
    "Application/X-NDJSON",
    "single",
  ),
});

/** The text of a planned line, given each author's signed log. */
function lineOf(item: Item, logs: { full: string[]; bare: string[] }[]) {
  if (item.kind === "garbage") return item.text;
  const log = logs[item.author];
  const line = log.full[item.seq - 1];
  switch (item.kind) {
    case "valid":
      return item.bare ? log.bare[item.seq - 1] : line;
    case "forged": {
      const at = line.indexOf('"sig":"') + 7 + (item.how % 80);
      return line.slice(0, at) + (line[at] === "A" ? "B" : "A") +
        line.slice(at + 1);
    }
    case "padded":
      return [` ${line}`, `${line} `, `${line}\t`, `\ufeff${line}`][
        item.how % 4
      ];
    case "altered":
      // The content, or the signed entry, changed after signing.
      return item.how % 2 === 0
        ? line.replace('"text":"', '"text":"re')
        : line.replace(`"seq":${item.seq}`, `"seq":${item.seq + 1}`)
          .replace('"ts":', `"ts":${item.how % 9}`);
  }
}

Deno.test("fuzz: POST /api/records takes every valid record of a generated batch and nothing invalid", async () => {
  // Hundreds of batches from one address: budgets are not under test.
  const instance = await startTestInstance([...NO_BUDGETS]);
  const { store } = instance.info;
  try {
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ items, breaks, final, type }) => {
        const logs = Array.from({ length: AUTHORS }, () => {
          const author = testAuthor();
          const full = Array.from(
            { length: SEQS },
            (_, i) => author.next("post", { text: `post ${i + 1}` }).line,
          );
          const bare = full.map((line) =>
            canonicalize({ content: null, entry: JSON.parse(line).entry })
          );
          return { key: author.key, full, bare };
        });
        const single = type === "single";
        const planned = single ? items.slice(0, 1) : [...items];
        const lines = planned.map((item) => lineOf(item, logs));
        const text = single
          ? lines[0] + (final ? breaks[0] : "")
          : lines.map((line, i) =>
            line + (i < lines.length - 1 || final ? breaks[i] : "")
          ).join("");
        // A byte order mark opening the body is its UTF-8 signature, which
        // decoding removes: a record right behind it is whole.
        if (lines[0].startsWith("\ufeff")) {
          lines[0] = lines[0].slice(1);
          const first = planned[0];
          if (first.kind === "padded" && first.how % 4 === 3) {
            const { author, seq } = first;
            planned[0] = { kind: "valid", author, seq, bare: false };
          }
        }
        // Without a final newline, a last empty line is no line at all.
        if (!final && lines.at(-1) === "" && !single) {
          planned.pop();
          lines.pop();
        }
        const response = await instance.app.fetch(
          new Request(`${instance.url}/api/records`, {
            method: "POST",
            headers: {
              "content-type": single ? "application/json" : type,
            },
            body: text,
          }),
        );
        const body = await response.json();
        if (single && text.length > LIMITS.recordBytes + 1) {
          // Refused while it streams in, before it is read as a record.
          assert.deepEqual([response.status, body.reason], [
            413,
            "body_too_large",
          ]);
          return;
        }
        if (lines.length === 0 || (single && lines[0] === "")) {
          assert.equal(response.status, 400);
          assert.equal(body.reason, "empty_body");
          return;
        }
        const results = single
          ? [{ httpStatus: response.status, ...body }]
          : body.results;
        assert.equal(results.length, planned.length);
        const expected = expectOutcomes(planned);
        results.forEach((result: Record<string, unknown>, i: number) => {
          const want = expected.outcomes[i];
          const where = `line ${i + 1} (${planned[i].kind}): ${
            JSON.stringify(result)
          }`;
          if (want === "rejected") {
            assert.ok(ERROR_CODES.includes(result.reason as never), where);
            assert.ok((result.httpStatus as number) >= 400, where);
            assert.ok((result.httpStatus as number) < 500, where);
            assert.equal(result.status, undefined, where);
          } else assert.equal(result.status, want, where);
        });
        if (!single) {
          const count = (status: string) =>
            expected.outcomes.filter((outcome) => outcome === status).length;
          assert.deepEqual(
            [body.created, body.duplicates, body.held, body.rejected],
            [
              count("created"),
              count("duplicate"),
              count("held"),
              count("rejected"),
            ],
          );
        }
        for (const [i, log] of logs.entries()) {
          const stored = await Array.fromAsync(store.lines(log.key));
          assert.equal(stored.length, expected.heads[i], `log ${i}`);
          stored.forEach((line, seq) =>
            assert.ok(line === log.full[seq] || line === log.bare[seq], line)
          );
        }
      }),
      { numRuns: 400 },
    );
  } finally {
    await instance.close();
  }
});

/** What the log rules give each planned line, and the heads after. */
function expectOutcomes(items: Item[]) {
  const heads = Array.from({ length: AUTHORS }, () => 0);
  const held = Array.from({ length: AUTHORS }, () => new Set<number>());
  const outcomes = items.map((item) => {
    if (item.kind !== "valid") return "rejected";
    const { author, seq } = item;
    if (seq <= heads[author]) return "duplicate";
    if (seq > heads[author] + 1) {
      held[author].add(seq);
      return "held";
    }
    heads[author] = seq;
    while (held[author].delete(heads[author] + 1)) heads[author]++;
    return "created";
  });
  return { outcomes, heads };
}
