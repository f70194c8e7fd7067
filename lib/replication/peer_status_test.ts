import assert from "node:assert/strict";
import fc from "fast-check";
import { PeerTable } from "./peer_status.ts";

const ALICE = "A".repeat(43);
const BOB = "B".repeat(43);

Deno.test("a declared peer is listed as outbound and disconnected before it connects", () => {
  const table = new PeerTable();
  table.declare("http://b.example");
  assert.deepEqual(table.list(new Map()), [{
    url: "http://b.example",
    direction: "outbound",
    connected: false,
    lastSeen: null,
    recordsIn: 0,
    recordsOut: 0,
    rejected: 0,
    rejectedBy: {},
    cutOffs: 0,
    lag: 0,
  }]);
});

Deno.test("a peer's direction follows the inbound: prefix of its id", () => {
  const table = new PeerTable();
  table.seen("inbound:127.0.0.1:5000", 10);
  table.seen("ws://c.example/gun", 11);
  const rows = table.list(new Map());
  assert.deepEqual(
    rows.map(({ url, direction, lastSeen }) => [url, direction, lastSeen]),
    [
      ["ws://c.example/gun", "outbound", 11],
      ["inbound:127.0.0.1:5000", "inbound", 10],
    ],
  );
});

Deno.test("connected and seen update the connection state and last seen time", () => {
  const table = new PeerTable();
  table.connected("http://a.example", true, 100);
  table.seen("http://a.example", 150);
  table.connected("http://a.example", false, 200);
  const [row] = table.list(new Map());
  assert.equal(row.connected, false);
  assert.equal(row.lastSeen, 150);
  table.connected("http://a.example", true, 300);
  assert.deepEqual(
    table.list(new Map()).map((
      { connected, lastSeen },
    ) => [connected, lastSeen]),
    [[true, 300]],
  );
});

Deno.test("records in and out add up per peer", () => {
  const table = new PeerTable();
  table.recordsIn("http://a.example", 3);
  table.recordsIn("http://a.example", 4);
  table.recordsOut("http://a.example", 100);
  table.recordsOut("inbound:x", 1);
  const rows = table.list(new Map());
  assert.deepEqual(
    rows.map(({ url, recordsIn, recordsOut }) => [url, recordsIn, recordsOut]),
    [["http://a.example", 7, 100], ["inbound:x", 0, 1]],
  );
});

Deno.test("rejections are counted in total and by reason", () => {
  const table = new PeerTable();
  table.rejected("inbound:x", "key_not_hash", 1);
  table.rejected("inbound:x", "key_not_hash", 2);
  table.rejected("inbound:x", "invalid_record", 5);
  const [row] = table.list(new Map());
  assert.equal(row.rejected, 8);
  assert.deepEqual(row.rejectedBy, { key_not_hash: 3, invalid_record: 5 });
  // The listed counters are a copy.
  row.rejectedBy.key_not_hash = 99;
  assert.equal(table.list(new Map())[0].rejectedBy.key_not_hash, 3);
});

Deno.test("cut-offs are counted per peer and outlive the connection", () => {
  const table = new PeerTable();
  table.connected("inbound:x", true, 1);
  table.rejected("inbound:x", "rate_limited", 10);
  table.cutOff("inbound:x");
  table.connected("inbound:x", false, 2);
  table.connected("inbound:y", true, 3);
  assert.deepEqual(
    table.list(new Map()).map((
      { url, connected, cutOffs, rejectedBy },
    ) => [url, connected, cutOffs, rejectedBy]),
    [
      ["inbound:x", false, 1, { rate_limited: 10 }],
      ["inbound:y", true, 0, {}],
    ],
  );
});

Deno.test("lag sums what each peer has beyond the local heads of replicated authors", () => {
  const table = new PeerTable();
  table.head("http://a.example", ALICE, 10);
  table.head("http://a.example", ALICE, 7); // Lower heads never move it back.
  table.head("http://a.example", BOB, 5);
  table.head("http://a.example", "C".repeat(43), 50); // Not replicated.
  table.head("http://b.example", ALICE, 2);
  const lagOf = (local: [string, number][]) =>
    table.list(new Map(local)).map(({ url, lag }) => [url, lag]);
  assert.deepEqual(lagOf([[ALICE, 4], [BOB, 0]]), [
    ["http://a.example", 6 + 5],
    ["http://b.example", 0],
  ]);
  assert.deepEqual(lagOf([[ALICE, 10], [BOB, 5]]), [
    ["http://a.example", 0],
    ["http://b.example", 0],
  ]);
  assert.deepEqual(lagOf([]), [
    ["http://a.example", 0],
    ["http://b.example", 0],
  ]);
});

Deno.test("bestHead and knownAuthors cover every peer", () => {
  const table = new PeerTable();
  assert.equal(table.bestHead(ALICE), 0);
  table.head("http://a.example", ALICE, 10);
  table.head("inbound:x", ALICE, 12);
  table.head("inbound:x", BOB, 1);
  table.declare("http://c.example");
  assert.equal(table.bestHead(ALICE), 12);
  assert.equal(table.bestHead(BOB), 1);
  assert.deepEqual(table.knownAuthors(), new Set([ALICE, BOB]));
});

Deno.test("list puts outbound peers first, each group sorted by url", () => {
  const id = fc.tuple(fc.boolean(), fc.string({ minLength: 1, maxLength: 8 }))
    .map(([inbound, name]) => inbound ? `inbound:${name}` : `http://${name}`);
  fc.assert(
    fc.property(fc.uniqueArray(id, { maxLength: 20 }), (ids) => {
      const table = new PeerTable();
      for (const peer of ids) table.seen(peer, 1);
      const urls = table.list(new Map()).map((row) => row.url);
      const outbound = ids.filter((peer) => !peer.startsWith("inbound:"));
      const inbound = ids.filter((peer) => peer.startsWith("inbound:"));
      const byUrl = (a: string, b: string) => a.localeCompare(b);
      assert.deepEqual(urls, [
        ...outbound.sort(byUrl),
        ...inbound.sort(byUrl),
      ]);
    }),
  );
});
