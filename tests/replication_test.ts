/**
 * Replication between separate instance processes on loopback: live push,
 * backfill of a long log, backfill with the origin dead, and a partition
 * that heals.
 */
import assert from "node:assert/strict";
import { testAuthor } from "./helpers.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import { type Node, posts, startNode, waitUntil } from "./cluster.ts";
import { startTcpProxy } from "./tcp_proxy.ts";

async function stopAll(nodes: Node[]) {
  await Promise.all(nodes.map((node) => node.stop()));
}

Deno.test("a post on A reaches B and C live", async () => {
  const a = await startNode("A");
  const b = await startNode("B", { peers: [a.url] });
  const c = await startNode("C", { peers: [a.url] });
  try {
    const alice = testAuthor();
    await a.post(posts(alice, 3));
    await b.follow(alice.key);
    await c.follow(alice.key);
    // Following starts replication at once: the existing log backfills.
    await waitUntil(
      "B and C to backfill alice",
      async () =>
        await b.head(alice.key) === 3 && await c.head(alice.key) === 3,
    );
    await a.post([alice.next("post", { text: "live" }).line]);
    // Pushed live: segments flush within 500 ms; 3 s is the p99.
    await waitUntil(
      "B and C to see the live post within 3 s",
      async () =>
        await b.head(alice.key) === 4 && await c.head(alice.key) === 4,
      3_000,
    );
    const fromA = (await b.peers()).find((peer) => peer.url === a.url);
    assert.ok(fromA?.connected, "B lists A as a connected peer");
    assert.ok(
      fromA.recordsIn >= 4,
      `B counted ${fromA.recordsIn} records from A`,
    );
    assert.equal(fromA.lag, 0);
    assert.equal(fromA.rejected, 0);
  } finally {
    await stopAll([a, b, c]);
  }
});

Deno.test("C starting after 2,000 entries backfills them all; with A dead, D backfills from B and C", async () => {
  const a = await startNode("A");
  const b = await startNode("B", { peers: [a.url] });
  const started: Node[] = [a, b];
  try {
    const alice = testAuthor();
    await b.follow(alice.key);
    await a.post(posts(alice, 2_000));
    await waitUntil(
      "B to have 2,000 entries",
      async () => await b.head(alice.key) === 2_000,
      30_000,
    );
    const c = await startNode("C", { peers: [a.url] });
    started.push(c);
    await c.follow(alice.key);
    await waitUntil(
      "C to backfill 2,000 entries",
      async () => await c.head(alice.key) === 2_000,
      30_000,
    );
    await a.kill();
    // A stays in D's configuration: its origin is dead, and that must not matter.
    const d = await startNode("D", { peers: [a.url, b.url, c.url] });
    started.push(d);
    await d.follow(alice.key);
    await waitUntil(
      "D to backfill 2,000 entries without A",
      async () => await d.head(alice.key) === 2_000,
      30_000,
    );
    const rows = await d.peers();
    for (const peer of [b, c]) {
      const row = rows.find((item) => item.url === peer.url);
      assert.ok(
        row && row.recordsIn > 0,
        `D took part of the log from ${peer.name}: ${JSON.stringify(rows)}`,
      );
    }
    assert.equal(
      rows.reduce((sum, row) => sum + row.recordsIn, 0),
      2_000,
      "every entry was counted once",
    );
  } finally {
    await stopAll(started);
  }
});

Deno.test("a partition heals and both sides converge to identical heads", async () => {
  const a = await startNode("A");
  const proxy = startTcpProxy(a.port);
  const b = await startNode("B", { peers: [`http://127.0.0.1:${proxy.port}`] });
  try {
    const alice = testAuthor();
    const bob = testAuthor();
    await a.follow(bob.key);
    await b.follow(alice.key);
    await a.post(posts(alice, 10, "before"));
    await b.post(posts(bob, 10, "before"));
    await waitUntil(
      "the first posts to cross",
      async () =>
        await b.head(alice.key) === 10 && await a.head(bob.key) === 10,
    );
    proxy.cut();
    await a.post(posts(alice, 150, "during"));
    await b.post(posts(bob, 120, "during"));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await b.head(alice.key), 10, "nothing crosses the cut");
    assert.equal(await a.head(bob.key), 10, "nothing crosses the cut");
    proxy.heal();
    await waitUntil(
      "both sides to converge",
      async () =>
        await b.head(alice.key) === 160 && await a.head(bob.key) === 130,
      30_000,
    );
    for (const author of [alice.key, bob.key]) {
      const [onA, onB] = await Promise.all(
        [a, b].map(async (node) =>
          await (await fetch(`${node.url}/api/authors/${author}`)).json()
        ),
      );
      assert.deepEqual(onA.head, onB.head);
    }
  } finally {
    await stopAll([a, b]);
    await proxy.close();
  }
});

Deno.test("a backfill killed halfway resumes from the stored head after a restart", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_resume_" });
  const a = await startNode("A");
  let b = await startNode("B", { peers: [a.url], dataDir });
  try {
    const alice = testAuthor();
    await a.post(posts(alice, 4_000));
    await b.follow(alice.key);
    await waitUntil("B to be partway", async () => {
      const head = await b.head(alice.key);
      return head > 0 && head < 4_000;
    }, 30_000);
    await b.kill();
    const port = b.port;
    b = await startNode("B", { peers: [a.url], dataDir, port });
    const partial = await b.head(alice.key);
    assert.ok(partial < 4_000, `B restarted at ${partial}, short of 4,000`);
    await waitUntil(
      "B to finish after the restart",
      async () => await b.head(alice.key) === 4_000,
      30_000,
    );
    const row = (await b.peers()).find((peer) => peer.url === a.url)!;
    assert.equal(row.recordsIn, 4_000 - partial, "only the rest was fetched");
  } finally {
    await stopAll([a, b]);
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("an instance honouring a ledger replicates whoever writes to it", async () => {
  const ledger = encodeBase64Url(new Uint8Array(32).fill(3));
  const a = await startNode("A");
  const b = await startNode("B", {
    peers: [a.url],
    args: [`--ledgers=${ledger}`],
  });
  try {
    const writer = testAuthor();
    await a.post(posts(writer, 5));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await b.head(writer.key), 0, "B does not follow the writer");
    await a.post([
      writer.next("ledger", { ledger, tx: { kind: "flag" } }).line,
    ]);
    await waitUntil(
      "B to replicate the ledger writer's whole log",
      async () => await b.head(writer.key) === 6,
    );
  } finally {
    await stopAll([a, b]);
  }
});
