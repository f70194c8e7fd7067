import assert from "node:assert/strict";
import { ProtocolError } from "../protocol/mod.ts";
import { EXCERPT_CHARS, RejectionLog } from "./rejections.ts";

const rejected = (code: "malformed_json" | "invalid_signature") => ({
  status: "rejected" as const,
  error: new ProtocolError(code, `Cannot accept record: ${code}`),
});

Deno.test("keeps rejected outcomes with their line's author, seq and excerpt, newest first", () => {
  let time = 1_000;
  const log = new RejectionLog({ now: () => time++ });
  const record = JSON.stringify({
    entry: { author: "A".repeat(43), seq: 7, text: "x".repeat(500) },
  });
  log.fromOutcomes([
    { status: "created", id: "a" },
    rejected("invalid_signature"),
    rejected("malformed_json"),
  ], { lines: ["ok", record, "not json"], source: "peer" });
  const [newest, older] = log.list();
  assert.equal(log.list().length, 2);
  assert.deepEqual(newest, {
    time: 1_001,
    reason: "malformed_json",
    message: "Cannot accept record: malformed_json",
    from: "peer",
    author: null,
    seq: null,
    excerpt: "not json",
    size: 8,
    count: 1,
  });
  assert.equal(older.reason, "invalid_signature");
  assert.equal(older.author, "A".repeat(43));
  assert.equal(older.seq, 7);
  assert.equal(older.excerpt, record.slice(0, EXCERPT_CHARS));
  assert.equal(older.size, record.length);
});

Deno.test("reads author and seq from the start of a line too long to parse", () => {
  const log = new RejectionLog();
  const line = `{"entry":{"author":"${"B".repeat(43)}","seq":12,"text":"${
    "y".repeat(100_000)
  }"}}`;
  log.fromOutcomes([rejected("malformed_json")], {
    lines: [line],
    source: "client",
  });
  const [row] = log.list();
  assert.equal(row.author, "B".repeat(43));
  assert.equal(row.seq, 12);
  assert.equal(row.size, line.length);
  assert.equal(row.excerpt.length, EXCERPT_CHARS);
});

Deno.test("is bounded, counts what it no longer keeps, and merges a flood of alike drops", () => {
  const log = new RejectionLog({ max: 5 });
  for (let i = 0; i < 12; i++) {
    log.fromOutcomes([rejected("malformed_json")], {
      lines: [`line ${i}`],
      source: "client",
    });
  }
  assert.equal(log.list().length, 5);
  assert.equal(log.total, 12);
  assert.deepEqual(
    log.list().map((row) => row.excerpt),
    ["line 11", "line 10", "line 9", "line 8", "line 7"],
  );
  log.drop("inbound:127.0.0.1:5000", "rate_limited", 1);
  log.drop("inbound:127.0.0.1:5000", "rate_limited", 3);
  log.drop("inbound:127.0.0.1:5001", "rate_limited", 1);
  const [other, flood] = log.list();
  assert.equal(other.from, "inbound:127.0.0.1:5001");
  assert.equal(flood.count, 4);
  assert.equal(flood.reason, "rate_limited");
  assert.equal(log.total, 17);
  assert.equal(log.list().length, 5);
});
