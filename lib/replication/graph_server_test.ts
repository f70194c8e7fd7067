import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { Firewall } from "./firewall.ts";
import {
  nodeOf,
  SERVED_STATE,
  type ServedNode,
  serveSoul,
} from "./graph_server.ts";
import { headSoul, logSoul, SEGMENT_RECORDS, segmentKey } from "./layout.ts";

type Author = ReturnType<typeof testAuthor>;

async function withStores(
  count: number,
  run: (...pairs: { store: RecordStore; ingest: Ingest }[]) => Promise<void>,
) {
  const kvs: Deno.Kv[] = [];
  try {
    for (let i = 0; i < count; i++) kvs.push(await Deno.openKv(":memory:"));
    await run(...kvs.map((kv) => {
      const store = new RecordStore(kv);
      return {
        store,
        ingest: new Ingest(store, { verify: verifyEd25519, now: Date.now }),
      };
    }));
  } finally {
    for (const kv of kvs) kv.close();
  }
}

/** Signs `count` posts of `author` and ingests them; returns their lines. */
async function publish(
  ingest: Ingest,
  author: Author,
  count: number,
  text = (i: number) => `post ${i}`,
): Promise<string[]> {
  const lines = Array.from(
    { length: count },
    (_, i) => author.next("post", { text: text(i) }).line,
  );
  const outcomes = await ingest.submit(lines, { source: "client" });
  assert.ok(outcomes.every((outcome) => outcome.status === "created"));
  return lines;
}

/** Values of the served nodes, in order, after checking keys and states. */
function valuesOf(served: ServedNode[], soul: string): string[] {
  const values: string[] = [];
  for (const { soul: name, node, records } of served) {
    assert.equal(name, soul);
    assert.equal(node._?.["#"], soul);
    const keys = Object.keys(node).filter((key) => key !== "_");
    assert.deepEqual(Object.keys(node._![">"]!), keys);
    let count = 0;
    for (const key of keys) {
      const value = node[key] as string;
      assert.equal(key, segmentKey(value));
      assert.equal(node._![">"]![key], SERVED_STATE);
      count += value.split("\n").length;
      values.push(value);
    }
    assert.equal(records, count);
  }
  return values;
}

Deno.test("serveSoul answers a head soul with the newest record alone", async () => {
  await withStores(1, async ({ store, ingest }) => {
    const alice = testAuthor();
    const lines = await publish(ingest, alice, 3);
    const served = await serveSoul(store, { kind: "head", author: alice.key });
    assert.equal(served.length, 1);
    assert.deepEqual(valuesOf(served, headSoul(alice.key)), [lines[2]]);
    assert.equal(served[0].records, 1);
  });
});

Deno.test("serveSoul answers nothing for an author it does not hold", async () => {
  await withStores(1, async ({ store }) => {
    const author = testAuthor().key;
    assert.deepEqual(await serveSoul(store, { kind: "head", author }), []);
    for (const block of [0, 1]) {
      const log = await serveSoul(store, { kind: "log", author, block });
      assert.deepEqual(log, []);
    }
  });
});

Deno.test("serveSoul serves seq 1-1000 for block 0 and 1001 on for block 1", async () => {
  await withStores(1, async ({ store, ingest }) => {
    const alice = testAuthor();
    const lines = await publish(ingest, alice, 1_003);
    const author = alice.key;
    const block0 = await serveSoul(store, { kind: "log", author, block: 0 });
    const values = valuesOf(block0, logSoul(author, 0));
    assert.equal(values.length, 1_000 / SEGMENT_RECORDS);
    assert.deepEqual(values.join("\n").split("\n"), lines.slice(0, 1_000));
    const block1 = await serveSoul(store, { kind: "log", author, block: 1 });
    assert.deepEqual(valuesOf(block1, logSoul(author, 1)), [
      lines.slice(1_000).join("\n"),
    ]);
    assert.equal(block1[0].records, 3);
    const block2 = await serveSoul(store, { kind: "log", author, block: 2 });
    assert.deepEqual(block2, []);
  });
});

Deno.test("serveSoul splits a large block into replies of about 2 MiB", async () => {
  await withStores(1, async ({ store, ingest }) => {
    const alice = testAuthor();
    const text = (i: number) => `${i} `.padEnd(5_000, "x");
    const lines = await publish(ingest, alice, 450, text);
    const soul = { kind: "log" as const, author: alice.key, block: 0 };
    const served = await serveSoul(store, soul);
    assert.equal(served.length, 2);
    for (const part of served) {
      const chars = valuesOf([part], logSoul(alice.key, 0)).join("").length;
      assert.ok(chars <= 2 * 1024 * 1024, `${chars} chars in one reply`);
    }
    const values = valuesOf(served, logSoul(alice.key, 0));
    assert.deepEqual(values.join("\n").split("\n"), lines);
    assert.equal(served[0].records + served[1].records, 450);
  });
});

Deno.test("nodes served by one instance pass another's firewall whole", async () => {
  await withStores(2, async (a, b) => {
    const alice = testAuthor();
    const lines = await publish(a.ingest, alice, 250);
    const drops: string[] = [];
    const firewall = new Firewall({
      ingest: b.ingest,
      verify: verifyEd25519,
      now: Date.now,
      wants: () => true,
      onDrop: (_peer, reason) => drops.push(reason),
      onRecords: () => {},
      onAhead: () => {},
      relay: () => {},
    });
    const soul = { kind: "log" as const, author: alice.key, block: 0 };
    for (const part of await serveSoul(a.store, soul)) {
      await firewall.put({ "@": "get1", put: { [part.soul]: part.node } }, "a");
    }
    assert.deepEqual(drops, []);
    const copied = await Array.fromAsync(b.store.lines(alice.key));
    assert.deepEqual(copied, lines);
  });
});

Deno.test("nodeOf keys each value by its hash at the given state", () => {
  const served = nodeOf("kith/head/x", ["a", "b"], 2, 77);
  assert.deepEqual(served, {
    soul: "kith/head/x",
    records: 2,
    node: {
      _: {
        "#": "kith/head/x",
        ">": { [segmentKey("a")]: 77, [segmentKey("b")]: 77 },
      },
      [segmentKey("a")]: "a",
      [segmentKey("b")]: "b",
    },
  });
  assert.equal(
    nodeOf("s", ["a"], 1).node._![">"]![segmentKey("a")],
    SERVED_STATE,
  );
});
