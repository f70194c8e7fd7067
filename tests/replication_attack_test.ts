/**
 * A raw GUN client (not Kith) attacks an instance over its /gun socket:
 * overwrites, nulls, future and non-numeric states, forged records, records
 * in the wrong soul, foreign souls, a flood and an oversized frame. No
 * instance may index anything invalid or stop serving.
 */
import assert from "node:assert/strict";
import { segmentKey } from "../lib/replication/mod.ts";
import { testAuthor } from "./helpers.ts";
import { posts, startNode, waitUntil } from "./cluster.ts";
import { rawGunClient } from "./gun_client.ts";

Deno.test("a raw GUN client cannot make any instance index invalid data or stop serving", async () => {
  const a = await startNode("A");
  const b = await startNode("B", { peers: [a.url] });
  try {
    const alice = testAuthor();
    const lines = posts(alice, 5);
    await a.post(lines);
    await b.follow(alice.key);
    await waitUntil(
      "B to have alice's log",
      async () => await b.head(alice.key) === 5,
    );

    const attacker = await rawGunClient(a.url);
    const soul = `kith/log/${alice.key}/0`;
    // Learn a real segment key the way any peer would.
    attacker.send({ "#": "learn", get: { "#": soul } });
    await waitUntil(
      "an answer to the GET",
      () =>
        Promise.resolve(
          attacker.heard.some((message) => message["@"] === "learn"),
        ),
    );
    const answer = attacker.heard.find((message) => message["@"] === "learn")!;
    const node = (answer.put as Record<string, Record<string, unknown>>)[soul];
    const realKey = Object.keys(node).find((key) => key !== "_")!;
    assert.equal(segmentKey(node[realKey] as string), realKey);

    const now = Date.now();
    const forgedLine = lines[4].replace(
      /"sig":"([^"]{20})(.)/,
      (_, head, char) => `"sig":"${head}${char === "A" ? "B" : "A"}`,
    );
    assert.notEqual(forgedLine, lines[4]);
    const forged = [lines[3], forgedLine].join("\n");
    const valid = lines.join("\n");
    attacker.put(soul, realKey, "EVIL overwrite", now); // key_not_hash
    attacker.put(soul, realKey, null, now); // not_a_string
    attacker.put(soul, segmentKey(valid), valid, now + 365 * 86_400_000); // future_state
    attacker.put(soul, segmentKey(valid), valid, "abc"); // bad_state
    attacker.put(soul, segmentKey(forged), forged, now); // invalid_record
    attacker.put(`kith/log/${alice.key}/7`, segmentKey(valid), valid, now); // wrong_soul
    attacker.put("chat/room", "x", "spam", now); // foreign_soul
    attacker.put(`kith/log/not-an-author/0`, "k", "v", now); // foreign_soul
    for (let i = 0; i < 300; i++) {
      attacker.put(soul, `flood${i}`, `garbage ${i}`, now);
    }
    attacker.send({ put: { x: "y".repeat(9_000_000) } }); // larger than GUN's max
    // Names that are special to JavaScript objects, as souls and keys.
    attacker.send({ put: { __proto__: { _: { "#": "__proto__" } } } });
    attacker.put(soul, "__proto__", "x", now);
    attacker.put(soul, "constructor", "x", now);
    attacker.put("kith/log/constructor/0", "k", "v", now);
    // GUN's "mob" message would make A drop us and dial a URL we choose.
    const lure = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let lured = false;
    const luring = (async () => {
      for await (const conn of lure) {
        lured = true;
        conn.close();
      }
    })();
    const lureUrl = `ws://127.0.0.1:${(lure.addr as Deno.NetAddr).port}/gun`;
    attacker.send({ dam: "mob", peers: { [lureUrl]: 1 } });
    // One bad node before a good one must not hide the good one.
    const carol = testAuthor();
    const replicated = async () =>
      (await (await fetch(`${a.url}/api/peers`)).json()).replicatedAuthors;
    const before = await replicated();
    await a.follow(carol.key);
    // The follow joins carol and A's new local user to A's replicated set
    // a moment after its commit.
    await waitUntil(
      "A to replicate carol",
      async () => await replicated() === before + 2,
    );
    const carolLine = carol.next("post", { text: "relayed by anyone" }).line;
    attacker.send({
      put: {
        [soul]: { _: { "#": soul, ">": { bad: now } }, bad: "no" },
        [`kith/log/${carol.key}/0`]: {
          _: {
            "#": `kith/log/${carol.key}/0`,
            ">": { [segmentKey(carolLine)]: now },
          },
          [segmentKey(carolLine)]: carolLine,
        },
      },
    });

    await waitUntil(
      "A to take carol's valid record from the attacker",
      async () => await a.head(carol.key) === 1,
    );
    // A flood of GETs in one frame: A serves some and drops the rest as busy.
    const gets = Array.from({ length: 2_000 }, (_, i) => ({
      "#": `get${i}`,
      get: { "#": soul },
    }));
    attacker.sendRaw(JSON.stringify(gets));
    // Sent last: while A answers them it is busy for this peer.
    await waitUntil(
      "A to drop some GETs as busy",
      async () =>
        (await a.peers()).some((peer) => (peer.rejectedBy.busy ?? 0) > 0),
    );
    const row = (await a.peers()).find((peer) =>
      peer.direction === "inbound" && peer.rejected > 0
    );
    assert.ok(row, "the attacker's connection is listed with its rejections");
    for (
      const reason of [
        "key_not_hash",
        "not_a_string",
        "future_state",
        "bad_state",
        "invalid_record",
        "wrong_soul",
        "foreign_soul",
        "too_large",
        "busy",
      ]
    ) {
      assert.ok(
        (row.rejectedBy[reason] ?? 0) >= 1,
        `${reason} counted: ${JSON.stringify(row.rejectedBy)}`,
      );
    }
    assert.ok(
      row.rejectedBy.key_not_hash >= 301,
      "the flood was dropped key by key",
    );

    assert.equal(lured, false, "A dialed nobody on the attacker's say-so");
    lure.close();
    await luring;
    assert.ok(
      !(await a.peers()).some((peer) => peer.url === lureUrl),
      "the lure is not a peer",
    );

    // Nothing invalid was indexed anywhere; both instances still serve.
    for (const instance of [a, b]) {
      assert.equal(await instance.head(alice.key), 5);
      const health = await fetch(`${instance.url}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
      const log =
        await (await fetch(`${instance.url}/api/authors/${alice.key}/log`))
          .text();
      assert.deepEqual(log.trim().split("\n"), lines);
    }
    const bFromA = (await b.peers()).find((peer) => peer.url === a.url)!;
    assert.equal(bFromA.rejected, 0, "A relayed nothing that B had to drop");

    // And replication still works after the attack.
    await a.post([alice.next("post", { text: "still here" }).line]);
    await waitUntil(
      "B to get the next post",
      async () => await b.head(alice.key) === 6,
    );
    await attacker.close();
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
