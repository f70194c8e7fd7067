import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { type DropReason, Firewall, kithSoulOfGet } from "./firewall.ts";
import type { GunMessage, GunNodeData } from "./gun_types.d.ts";
import { headSoul, logSoul, MAX_STATE_AHEAD_MS, segmentKey } from "./layout.ts";

interface Harness {
  firewall: Firewall;
  store: RecordStore;
  ingest: Ingest;
  now: number;
  drops: [string, DropReason, number][];
  records: [string, string, { created: number; maxSeq: number }][];
  ahead: [string, string, number][];
  relayed: GunMessage[];
}

async function withFirewall(
  run: (harness: Harness) => Promise<void>,
  wants: (author: string) => boolean = () => true,
) {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new RecordStore(kv);
    const ingest = new Ingest(store, { verify: verifyEd25519, now: Date.now });
    const now = Date.now();
    const harness: Harness = {
      store,
      ingest,
      now,
      drops: [],
      records: [],
      ahead: [],
      relayed: [],
      firewall: new Firewall({
        ingest,
        verify: verifyEd25519,
        now: () => now,
        wants,
        onDrop: (...drop) => harness.drops.push(drop),
        onRecords: (...counts) => harness.records.push(counts),
        onAhead: (...ahead) => harness.ahead.push(ahead),
        relay: (message) => harness.relayed.push(message),
      }),
    };
    await run(harness);
  } finally {
    kv.close();
  }
}

/** A GUN node holding `values` under their hashes (or `keys`), all at `state`. */
function node(
  soul: string,
  values: unknown[],
  state: unknown,
  keys?: string[],
): GunNodeData {
  const states: Record<string, unknown> = {};
  const data: GunNodeData = { _: { "#": soul, ">": states } };
  values.forEach((value, i) => {
    const key = keys?.[i] ?? segmentKey(String(value));
    states[key] = state;
    data[key] = value;
  });
  return data;
}

const put = (soul: string, data: unknown, extra: GunMessage = {}) => ({
  "#": "m1",
  ...extra,
  put: { [soul]: data as GunNodeData },
});

/** The record line with one character in the middle of its sig changed. */
function forge(line: string): string {
  const at = line.indexOf('"sig":"') + 7 + 43;
  return line.slice(0, at) + (line[at] === "A" ? "B" : "A") +
    line.slice(at + 1);
}

const headSeq = async (store: RecordStore, author: string) =>
  (await store.head(author)).head?.seq ?? 0;

const posts = (author: ReturnType<typeof testAuthor>, count: number) =>
  Array.from(
    { length: count },
    (_, i) => author.next("post", { text: `${i}` }).line,
  );

Deno.test("firewall ingests valid segments and relays only the keys that passed", async () => {
  await withFirewall(async ({ firewall, store, now, ...seen }) => {
    const alice = testAuthor();
    const lines = posts(alice, 3);
    const segment = lines.join("\n");
    const log = logSoul(alice.key, 0);
    const head = headSoul(alice.key);
    const keys = [segmentKey(segment), "not the hash"];
    await firewall.put({
      "#": "m1",
      put: {
        [log]: node(log, [segment, segment], now, keys),
        [head]: node(head, [lines[2]], now),
        "users/alice": { _: { "#": "users/alice", ">": {} } },
      },
    }, "p1");
    assert.equal(await headSeq(store, alice.key), 3);
    const drops = [["p1", "key_not_hash", 1], ["p1", "foreign_soul", 1]];
    assert.deepEqual(seen.drops, drops);
    assert.deepEqual(seen.records, [
      ["p1", alice.key, { created: 3, maxSeq: 3 }],
    ]);
    // Head announcements are never relayed; segments only when they
    // brought something new.
    const passed = { [log]: node(log, [segment], now) };
    assert.deepEqual(seen.relayed, [{ "#": "m1", put: passed }]);
    await firewall.put(
      { "#": "m2", put: { [log]: node(log, [segment], now) } },
      "p1",
    );
    assert.equal(seen.relayed.length, 1, "a replayed segment is not relayed");
  });
});

Deno.test("firewall verifies head announcements, reports them as ahead and stores nothing", async () => {
  await withFirewall(async ({ firewall, store, ingest, now, ...seen }) => {
    const alice = testAuthor();
    const lines = posts(alice, 5);
    const soul = headSoul(alice.key);
    await firewall.put(put(soul, node(soul, [lines[4]], now)), "p1");
    assert.equal(await headSeq(store, alice.key), 0);
    assert.equal(ingest.heldCount, 0);
    assert.deepEqual(seen.ahead, [["p1", alice.key, 5]]);
    assert.deepEqual(seen.records, []);
    assert.deepEqual(seen.drops, []);
    assert.deepEqual(seen.relayed, []);
  });
});

Deno.test("firewall ingests replies but does not relay them", async () => {
  await withFirewall(async ({ firewall, store, now, relayed, drops }) => {
    const alice = testAuthor();
    const [line] = posts(alice, 1);
    const soul = logSoul(alice.key, 0);
    await firewall.put(put(soul, node(soul, [line], now), { "@": "q1" }), "p1");
    assert.equal(await headSeq(store, alice.key), 1);
    assert.deepEqual(relayed, []);
    assert.deepEqual(drops, []);
  });
});

Deno.test("firewall silently ignores authors it does not replicate", async () => {
  const alice = testAuthor();
  const bob = testAuthor();
  await withFirewall(async ({ firewall, store, now, ...seen }) => {
    const [line] = posts(bob, 1);
    const soul = logSoul(bob.key, 0);
    await firewall.put(put(soul, node(soul, [line], now)), "p1");
    await firewall.put(put(soul, node(soul, [line], now, ["bad"])), "p1");
    assert.equal(await headSeq(store, bob.key), 0);
    assert.deepEqual(seen.drops, []);
    assert.deepEqual(seen.records, []);
    assert.deepEqual(seen.relayed, []);
  }, (author) => author === alice.key);
});

Deno.test("firewall reports records ahead of the log with their highest seq", async () => {
  await withFirewall(async ({ firewall, store, ingest, now, ...seen }) => {
    const alice = testAuthor();
    const lines = posts(alice, 5);
    const soul = logSoul(alice.key, 0);
    const segment = (from: number, to: number) =>
      put(soul, node(soul, [lines.slice(from, to).join("\n")], now));
    await firewall.put(segment(3, 5), "p1");
    assert.deepEqual(seen.ahead, [["p1", alice.key, 5]]);
    const counts = { created: 0, maxSeq: 5 };
    assert.deepEqual(seen.records, [["p1", alice.key, counts]]);
    assert.equal(ingest.heldCount, 2);
    assert.equal(seen.relayed.length, 0, "nothing new yet, nothing relayed");
    await firewall.put(segment(0, 3), "p1");
    assert.equal(seen.relayed.length, 1);
    assert.equal(await headSeq(store, alice.key), 5);
    assert.equal(ingest.heldCount, 0);
    assert.equal(seen.ahead.length, 1);
    assert.deepEqual(seen.drops, []);
  });
});

/** Puts each message, expects exactly its one drop, and nothing stored. */
async function expectDrops(
  harness: Harness,
  author: string,
  cases: [DropReason, GunMessage][],
) {
  for (const [reason, message] of cases) {
    const before = harness.drops.length;
    await harness.firewall.put(message, "p1");
    assert.deepEqual(harness.drops.slice(before), [["p1", reason, 1]], reason);
  }
  assert.deepEqual(harness.relayed, []);
  assert.deepEqual(harness.records, []);
  assert.deepEqual(harness.ahead, []);
  assert.equal(await headSeq(harness.store, author), 0);
}

Deno.test("firewall drops souls outside Kith and malformed Kith souls", async () => {
  await withFirewall(async (harness) => {
    const souls = ["users/alice", "kith/other/x", "kith/log/short/0"];
    await expectDrops(
      harness,
      "none",
      souls.map((soul) => ["foreign_soul", put(soul, node(soul, ["v"], 1))]),
    );
  });
});

Deno.test("firewall drops nodes without a matching soul or a state map", async () => {
  await withFirewall(async (harness) => {
    const alice = testAuthor();
    const [line] = posts(alice, 1);
    const soul = headSoul(alice.key);
    const key = segmentKey(line);
    const other = headSoul(testAuthor().key);
    const broken: unknown[] = [
      null,
      "text",
      { [key]: line },
      { _: { "#": other, ">": { [key]: 1 } }, [key]: line },
      { _: { "#": soul }, [key]: line },
      { _: { "#": soul, ">": 5 }, [key]: line },
    ];
    await expectDrops(
      harness,
      alice.key,
      broken.map((data) => ["bad_node", put(soul, data)]),
    );
  });
});

Deno.test("firewall drops keys with bad, missing or future states", async () => {
  await withFirewall(async (harness) => {
    const alice = testAuthor();
    const [line] = posts(alice, 1);
    const soul = headSoul(alice.key);
    const missing = node(soul, [line], 1);
    missing._![">"] = {};
    const future = harness.now + MAX_STATE_AHEAD_MS + 1;
    await expectDrops(harness, alice.key, [
      ["bad_state", put(soul, node(soul, [line], "1"))],
      ["bad_state", put(soul, node(soul, [line], null))],
      ["bad_state", put(soul, node(soul, [line], NaN))],
      ["bad_state", put(soul, missing)],
      ["future_state", put(soul, node(soul, [line], future))],
    ]);
  });
});

Deno.test("firewall drops values that are not strings, too large or not hashed", async () => {
  await withFirewall(async (harness) => {
    const alice = testAuthor();
    const [line, second] = posts(alice, 2);
    const two = `${line}\n${second}`;
    const head = headSoul(alice.key);
    const log = logSoul(alice.key, 0);
    const { now } = harness;
    const huge = "x".repeat(62_001);
    const wrongKey = [segmentKey(line + " ")];
    await expectDrops(harness, alice.key, [
      ["not_a_string", put(log, node(log, [42], now, ["k"]))],
      ["too_large", put(head, node(head, [huge], now))],
      ["key_not_hash", put(head, node(head, [line], now, wrongKey))],
      ["too_many_records", put(head, node(head, [two], now))],
    ]);
  });
});

Deno.test("firewall drops records filed under another author or block", async () => {
  await withFirewall(async (harness) => {
    const alice = testAuthor();
    const bob = testAuthor();
    const [line] = posts(alice, 1);
    const souls = [
      logSoul(bob.key, 0),
      headSoul(bob.key),
      logSoul(alice.key, 1),
    ];
    const log = logSoul(alice.key, 0);
    await expectDrops(harness, alice.key, [
      ...souls.map((soul): [DropReason, GunMessage] => [
        "wrong_soul",
        put(soul, node(soul, [line], harness.now)),
      ]),
      ["wrong_soul", put(log, node(log, ["not a record"], harness.now))],
    ]);
  });
});

Deno.test("firewall drops a segment holding a forged record and does not relay it", async () => {
  await withFirewall(async (harness) => {
    const alice = testAuthor();
    const bob = testAuthor();
    const [line] = posts(alice, 1);
    const forged = forge(line);
    assert.notEqual(forged, line);
    const head = headSoul(alice.key);
    const log = logSoul(bob.key, 0);
    const [first, second] = posts(bob, 2);
    const mixed = `${first}\n${forge(second)}`;
    await expectDrops(harness, alice.key, [
      ["invalid_record", put(head, node(head, [forged], harness.now))],
      ["invalid_record", put(log, node(log, [mixed], harness.now))],
    ]);
    // All or nothing: the valid first record of the segment is not kept.
    assert.equal(await headSeq(harness.store, bob.key), 0);
  });
});

Deno.test("screen checks without ingesting", async () => {
  await withFirewall(async ({ firewall, store, now, drops }) => {
    const alice = testAuthor();
    const lines = posts(alice, 2);
    const soul = logSoul(alice.key, 0);
    const value = lines.join("\n");
    const found = firewall.screen(put(soul, node(soul, [value], now)), "p1");
    assert.deepEqual(found, [{
      recruit: null,
      soul,
      parsed: { kind: "log", author: alice.key, block: 0 },
      key: segmentKey(value),
      state: now,
      value,
      lines,
      maxSeq: 2,
    }]);
    assert.deepEqual(firewall.screen({ "#": "m1" }, "p1"), []);
    assert.equal(await headSeq(store, alice.key), 0);
    assert.deepEqual(drops, []);
  });
});

Deno.test("kithSoulOfGet names Kith souls only", () => {
  const author = "A".repeat(43);
  assert.deepEqual(kithSoulOfGet({ get: { "#": logSoul(author, 3) } }), {
    kind: "log",
    author,
    block: 3,
  });
  assert.equal(kithSoulOfGet({ get: { "#": "users/alice" } }), null);
  assert.equal(kithSoulOfGet({ get: { "#": 5 } }), null);
  assert.equal(kithSoulOfGet({ put: {} }), null);
});
