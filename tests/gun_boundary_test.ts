/**
 * The GUN boundary under attack: a raw GUN client writes far-future states,
 * overwrites existing keys with valid-looking data, writes junk to Kith and
 * random souls, then floods an instance. Its store must not change, nothing
 * invalid may be indexed or shown, the flood must be held to the message
 * budget, and an honest peer must keep replicating through it all.
 */
import assert from "node:assert/strict";
import {
  DEFAULT_MESSAGE_BUDGET,
  logSoul,
  type PeerStatus,
  segmentKey,
} from "../lib/replication/mod.ts";
import { SERVED_STATE } from "../lib/replication/graph_server.ts";
import { fetchPage, testAuthor } from "./helpers.ts";
import { type Node, startNode, waitUntil } from "./cluster.ts";
import { rawGunClient } from "./gun_client.ts";

/** A word no honest record contains: it marks every piece of junk. */
const JUNK = "zqxjunkword";
const FLOOD_CHUNK = 1_000;
const FLOOD_MAX = 60_000;

const logOf = async (node: Node, author: string) =>
  await (await fetch(`${node.url}/api/authors/${author}/log`)).text();

const peersOf = async (node: Node): Promise<PeerStatus[]> =>
  (await (await fetch(`${node.url}/api/peers`)).json()).peers;

const inboundRows = async (node: Node) =>
  (await peersOf(node)).filter((row) => row.direction === "inbound");

/** The section of a search page from the heading `id` to the next group. */
function group(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `the page has a ${id} group`);
  const end = html.indexOf('<section aria-labelledby="search-', start);
  return html.slice(start, end < 0 ? undefined : end);
}

/**
 * Sends junk puts to random souls, a chunk at a time, as fast as the socket
 * takes them, until the instance hangs up or `FLOOD_MAX` were sent.
 */
async function flood(url: string, onFirstChunk: () => void) {
  const flooder = await rawGunClient(url);
  const started = performance.now();
  let sent = 0;
  while (flooder.open && sent < FLOOD_MAX) {
    for (let i = 0; i < FLOOD_CHUNK; i++, sent++) {
      flooder.put(`flood/${sent}`, "k", `${JUNK} ${sent}`, Date.now());
    }
    if (sent === FLOOD_CHUNK) onFirstChunk();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await (flooder.open ? flooder.close() : flooder.closed);
  return { sent, seconds: (performance.now() - started) / 1000 };
}

Deno.test("a raw GUN client changes nothing, indexes nothing and cannot starve an honest peer", async () => {
  const a = await startNode("A");
  const b = await startNode("B", { peers: [a.url] });
  try {
    // Alice and Bob publish through A; A's and B's users follow them.
    const alice = testAuthor();
    const bob = testAuthor();
    const carol = testAuthor(); // Publishes through B, later.
    const mallory = testAuthor(); // Signs junk; nobody follows her.
    const aliceLines = [
      alice.next("profile", { name: "Alice Gardener" }).line,
      ...[1, 2, 3].map((i) =>
        alice.next("post", {
          text: `tomatoes ripening ${i} #garden`,
          tags: ["garden"],
        }).line
      ),
    ];
    const first = alice.next("post", { text: "first frost tonight" });
    aliceLines.push(first.line);
    const reply = bob.next("post", {
      text: "cover the basil",
      root: first.id,
      parent: first.id,
    });
    await a.post(aliceLines);
    await a.post([reply.line]);
    for (const author of [alice.key, bob.key, carol.key]) {
      await a.follow(author);
      await b.follow(author);
    }
    await waitUntil(
      "B to have alice's and bob's logs",
      async () => await b.head(alice.key) === 5 && await b.head(bob.key) === 1,
    );
    const logs = async () =>
      await Promise.all(
        [a, b].flatMap((node) =>
          [alice.key, bob.key].map((author) => logOf(node, author))
        ),
      );
    const before = await logs();

    // --- The attack, from one connection. ---
    const attacker = await rawGunClient(a.url);
    const soul = logSoul(alice.key, 0);
    const [served] = await attacker.get(soul);
    const realKey = Object.keys(served[soul]).find((key) => key !== "_")!;
    const realValue = served[soul][realKey] as string;
    assert.equal(realValue, aliceLines.join("\n"));
    const now = Date.now();
    const farFuture = now + 10 * 365 * 86_400_000;
    // The next honest post, signed now and published later by Alice.
    const sixth = alice.next("post", { text: "seedlings are up" }).line;
    const junkInTag = aliceLines[1].replace("tomatoes ripening 1", JUNK);
    const malloryLine = mallory.next("post", {
      text: `${JUNK} buy now #garden`,
      tags: ["garden"],
    }).line;
    const expected: Record<string, number> = {};
    const put = (
      reason: string | null,
      ...args: Parameters<typeof attacker.put>
    ) => {
      if (reason) expected[reason] = (expected[reason] ?? 0) + 1;
      attacker.put(...args);
    };
    // Far-future states: a valid new segment, and an existing key.
    put("future_state", soul, segmentKey(sixth), sixth, farFuture);
    put("future_state", soul, realKey, realValue, farFuture);
    // Existing keys overwritten with valid-looking but different values.
    put("key_not_hash", soul, realKey, aliceLines.slice(0, 2).join("\n"), now);
    put("key_not_hash", soul, realKey, `${JUNK} overwrite`, now);
    put("invalid_record", soul, segmentKey(junkInTag), junkInTag, now);
    put(
      "invalid_record",
      `kith/head/${alice.key}`,
      segmentKey(junkInTag),
      junkInTag,
      now,
    );
    // Real records, but not where they belong.
    put("wrong_soul", logSoul(alice.key, 3), realKey, realValue, now);
    put("wrong_soul", logSoul(bob.key, 0), realKey, realValue, now);
    // Junk in Kith souls, in souls that only look like Kith's, and elsewhere.
    put("key_not_hash", soul, "junk", JUNK, now);
    put("wrong_soul", soul, segmentKey(JUNK), JUNK, now);
    put("wrong_soul", `kith/head/${alice.key}`, segmentKey(JUNK), JUNK, now);
    put("foreign_soul", "kith/log/zzz/0", segmentKey(JUNK), JUNK, now);
    put("foreign_soul", `random/${crypto.randomUUID()}`, "k", JUNK, now);
    put("foreign_soul", crypto.randomUUID(), "k", JUNK, now);
    // A valid record by an author nobody here follows is not taken.
    put(
      null,
      logSoul(mallory.key, 0),
      segmentKey(malloryLine),
      malloryLine,
      now,
    );
    const total = Object.values(expected).reduce((sum, n) => sum + n, 0);
    await waitUntil(
      "A to drop every bad key",
      async () => (await inboundRows(a)).some((row) => row.rejected === total),
    );
    const row = (await inboundRows(a)).find((row) => row.rejected === total)!;
    assert.deepEqual(row.rejectedBy, expected);
    await attacker.close();

    // The stores are unchanged, byte for byte.
    assert.deepEqual(await logs(), before);
    const unknown = await fetch(`${a.url}/api/authors/${mallory.key}`);
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();

    // Nothing invalid is indexed or shown; the right posts still are.
    for (const node of [a, b]) {
      const found = await fetchPage(`${node.url}/search?q=${JUNK}`);
      assert.match(group(found, "search-posts"), /No recent posts match/);
      const tomatoes = group(
        await fetchPage(`${node.url}/search?q=tomatoes`),
        "search-posts",
      );
      assert.match(tomatoes, /tomatoes ripening 3/);
      const tag = await fetchPage(`${node.url}/tags/garden`);
      assert.match(tag, /tomatoes ripening 1/);
      assert.ok(!tag.includes(JUNK), "the tag page lists no junk");
      const pages = [
        await fetchPage(`${node.url}/authors/${alice.key}`),
        await fetchPage(`${node.url}/posts/${first.id}`),
        await fetchPage(`${node.url}/`, { reader: node.user.key }),
        await fetchPage(`${node.url}/federated`),
      ];
      for (const html of pages) {
        assert.match(html, /first frost tonight/);
        assert.ok(!html.includes(JUNK), "no page shows junk");
      }
      assert.match(pages[1], /cover the basil/);
    }
    const local = await fetchPage(`${a.url}/local`);
    assert.match(local, /tomatoes ripening 2/);
    assert.ok(!local.includes(JUNK));

    // --- The flood, while honest posts cross both ways. ---
    const seventh =
      alice.next("post", { text: "picked the first tomato" }).line;
    const fromCarol = carol.next("post", { text: "hello from B" }).line;
    let floodStarted!: () => void;
    const started = new Promise<void>((resolve) => floodStarted = resolve);
    const flooding = flood(a.url, floodStarted);
    await started;
    await a.post([sixth, seventh]);
    await b.post([fromCarol]);
    await waitUntil(
      "honest posts to cross during the flood",
      async () =>
        await b.head(alice.key) === 7 && await a.head(carol.key) === 1,
      30_000,
    );
    const { sent, seconds } = await flooding;
    await waitUntil(
      "A to list the cut-off",
      async () =>
        (await inboundRows(a)).some((row) =>
          row.cutOffs === 1 && !row.connected
        ),
    );
    const flooded = (await inboundRows(a)).find((row) => row.cutOffs === 1)!;
    const { burst, perSecond, cutOffAfter } = DEFAULT_MESSAGE_BUDGET;
    const dropped = flooded.rejectedBy.rate_limited ?? 0;
    // Read, then refused as not Kith's or as too many in flight.
    const read = flooded.rejected - dropped;
    assert.ok(dropped > cutOffAfter, `${dropped} dropped over budget`);
    assert.ok(
      read <= burst + perSecond * Math.ceil(seconds + 1),
      `${read} read in ${seconds} s is within the budget`,
    );
    console.log(
      `flood: ${sent} sent in ${seconds.toFixed(2)} s, ${read} read, ` +
        `${dropped} dropped as rate_limited, ${flooded.cutOffs} cut-off`,
    );
    // The honest peer was never throttled, either way.
    for (const node of [a, b]) {
      for (const peer of await peersOf(node)) {
        if (peer === flooded || peer.url === flooded.url) continue;
        assert.equal(peer.rejectedBy.rate_limited, undefined, peer.url);
      }
    }

    // Honest writes won: the far-future segment did not block its own key,
    // and what A serves is exactly the honest log at the served state.
    const honest = [...aliceLines, sixth, seventh];
    for (const node of [a, b]) {
      assert.equal(await logOf(node, alice.key), honest.join("\n") + "\n");
      assert.equal(await logOf(node, bob.key), before[1]);
    }
    const reader = await rawGunClient(a.url);
    const parts = await reader.get(soul);
    await reader.close();
    const values: string[] = [];
    for (const part of parts) {
      const node = part[soul];
      for (const [key, value] of Object.entries(node)) {
        if (key === "_") continue;
        const states = (node._ as { ">": Record<string, number> })[">"];
        assert.equal(states[key], SERVED_STATE);
        assert.equal(key, segmentKey(value as string));
        values.push(value as string);
      }
    }
    assert.deepEqual(values.join("\n").split("\n"), honest);
    const fromA = (await b.peers()).find((peer) => peer.url === a.url)!;
    assert.equal(fromA.rejected, 0, "A relayed nothing that B had to drop");
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
