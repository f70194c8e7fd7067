import assert from "node:assert/strict";
import fc from "fast-check";
import { verifyEd25519 } from "../crypto/mod.ts";
import { indexPage, KEYS, RecordStore } from "../store/mod.ts";
import { encodeRecord } from "../protocol/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { Ingest, type IngestOutcome } from "./mod.ts";

const NOW = 1_800_000_000_000;

async function withIngest(
  run: (ingest: Ingest, store: RecordStore, kv: Deno.Kv) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new RecordStore(kv);
    await run(
      new Ingest(store, { verify: verifyEd25519, now: () => NOW, maxHeld: 50 }),
      store,
      kv,
    );
  } finally {
    kv.close();
  }
}

const statuses = (outcomes: IngestOutcome[]) =>
  outcomes.map((outcome) =>
    outcome.status === "rejected"
      ? `rejected:${outcome.error.code}`
      : outcome.status
  );

Deno.test("ingest creates, detects duplicates, and indexes posts, tags, mentions and replies", async () => {
  await withIngest(async (ingest, store, kv) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const bob = testAuthor({ ts: () => NOW - 1000 });
    const first = alice.next("post", { text: "Hello" });
    const reply = alice.next("post", {
      text: "#garden @bob",
      root: first.id,
      parent: first.id,
      tags: ["garden"],
      mentions: [bob.key],
    });
    assert.deepEqual(
      statuses(
        await ingest.submit([first.line, reply.line, first.line], {
          source: "client",
        }),
      ),
      ["created", "created", "duplicate"],
    );
    assert.deepEqual((await store.head(alice.key)).head, {
      seq: 2,
      id: reply.id,
      count: 2,
      forked: false,
    });
    const keys = [];
    for await (const { key } of kv.list({ prefix: [] })) keys.push(key[0]);
    for (
      const index of [
        "timeline",
        "replies",
        "tag",
        "mention",
        "log",
        "entry",
        "head",
      ]
    ) {
      assert.ok(keys.includes(index), `${index} written`);
    }
    const log = [];
    for await (const item of store.log(alice.key, { after: 1 })) {
      log.push(item.id);
    }
    assert.deepEqual(log, [reply.id]);
  });
});

Deno.test("entries ahead of the log are held and applied when the gap fills", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const records = [1, 2, 3, 4].map((i) =>
      alice.next("post", { text: `post ${i}` })
    );
    assert.deepEqual(
      statuses(
        await ingest.submit([records[3].line, records[2].line], {
          source: "peer",
        }),
      ),
      ["held", "held"],
    );
    assert.equal(ingest.heldCount, 2);
    assert.deepEqual(
      statuses(await ingest.submit([records[1].line], { source: "peer" })),
      ["held"],
    );
    assert.deepEqual(
      statuses(await ingest.submit([records[0].line], { source: "peer" })),
      ["created"],
    );
    assert.equal((await store.head(alice.key)).head?.seq, 4);
    assert.equal(ingest.heldCount, 0);
  });
});

Deno.test("the held queue is bounded", async () => {
  await withIngest(async (ingest) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const records = Array.from(
      { length: 53 },
      (_, i) => alice.next("post", { text: `p${i}` }),
    );
    const outcomes = await ingest.submit(
      records.slice(2).map((record) => record.line),
      { source: "peer" },
    );
    assert.equal(
      outcomes.filter((outcome) => outcome.status === "held").length,
      50,
    );
    const last = outcomes.at(-1)!;
    assert.equal(last.status, "rejected");
    assert.match(
      (last as { error: Error }).error.message,
      /queue of out-of-order entries is full/,
    );
  });
});

Deno.test("a conflicting seq is a stale write from a client and a fork from a peer", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const first = alice.next("post", { text: "one" });
    const twin = alice.next("post", { text: "other one" }, {
      seq: 1,
      prev: null,
    });
    await ingest.submit([first.line], { source: "client" });
    const [stale] = await ingest.submit([twin.line], { source: "client" });
    assert.equal(stale.status === "rejected" && stale.error.code, "stale_seq");
    assert.deepEqual(
      await store.forks(alice.key),
      [],
      "a client's stale write is no fork",
    );
    const [fork] = await ingest.submit([twin.line], { source: "peer" });
    assert.equal(fork.status === "rejected" && fork.error.code, "fork");
    const proofs = await store.forks(alice.key);
    assert.equal(proofs.length, 1);
    assert.equal((await store.head(alice.key)).head?.forked, true);
    assert.equal(
      (await store.head(alice.key)).head?.id,
      first.id,
      "the first-seen branch stays canonical",
    );
    const wrongPrev = alice.next("post", { text: "x" }, {
      seq: 2,
      prev: twin.id,
    });
    assert.deepEqual(
      statuses(await ingest.submit([wrongPrev.line], { source: "peer" })),
      ["rejected:prev_mismatch"],
    );
  });
});

Deno.test("invalid records are refused with their code and nothing is stored", async () => {
  await withIngest(async (ingest, _store, kv) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const good = alice.next("post", { text: "fine" });
    const forged = good.line.replace('"text":"fine"', '"text":"FINE"');
    const outcomes = await ingest.submit(["{", forged], { source: "client" });
    assert.deepEqual(statuses(outcomes), [
      "rejected:malformed_json",
      "rejected:content_mismatch",
    ]);
    let count = 0;
    for await (const _ of kv.list({ prefix: [] })) count++;
    assert.equal(count, 0);
  });
});

Deno.test("retract drops the target's content and indexes but keeps the log verifiable", async () => {
  await withIngest(async (ingest, store, kv) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const bob = testAuthor({ ts: () => NOW - 1000 });
    const post = alice.next("post", { text: "oops #tag", tags: ["tag"] });
    const retract = alice.next("retract", { target: post.id });
    await ingest.submit([post.line, retract.line], { source: "client" });
    const stored = await store.get(post.id);
    assert.equal(stored?.content, null);
    assert.equal(stored?.retracted, true);
    assert.ok(stored?.entry, "the entry itself stays");
    for await (const { key } of kv.list({ prefix: ["tag"] })) {
      assert.fail(`tag index left: ${key}`);
    }
    for await (const { key } of kv.list({ prefix: ["timeline"] })) {
      assert.fail(`timeline index left: ${key}`);
    }
    const foreign = bob.next("retract", { target: post.id });
    assert.deepEqual(
      statuses(await ingest.submit([foreign.line], { source: "client" })),
      ["rejected:retract_not_own"],
    );
  });
});

Deno.test("a retract that arrives before its target keeps the target's content out", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const post = alice.next("post", { text: "secret" });
    const retract = alice.next("retract", { target: post.id });
    // A second instance holding only the retract, then receiving the post by backfill:
    assert.deepEqual(
      statuses(await ingest.submit([retract.line], { source: "peer" })),
      ["held"],
    );
    assert.deepEqual(
      statuses(await ingest.submit([post.line], { source: "peer" })),
      ["created"],
    );
    assert.equal((await store.get(post.id))?.content, null);
  });
});

Deno.test("follow and unfollow maintain both follow indexes", async () => {
  await withIngest(async (ingest, _store, kv) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const bob = testAuthor({ ts: () => NOW - 1000 });
    await ingest.submit([alice.next("follow", { target: bob.key }).line], {
      source: "client",
    });
    assert.equal((await kv.get(KEYS.followers(bob.key, alice.key))).value, 1);
    await ingest.submit([alice.next("unfollow", { target: bob.key }).line], {
      source: "client",
    });
    assert.equal((await kv.get(KEYS.follows(alice.key, bob.key))).value, null);
  });
});

Deno.test("property: any delivery order of two authors' logs converges to the same store", async () => {
  const alice = testAuthor({ ts: () => NOW - 1000 });
  const bob = testAuthor({ ts: () => NOW - 1000 });
  const records = [
    ...Array.from(
      { length: 6 },
      (_, i) => alice.next("post", { text: `a${i}` }),
    ),
    ...Array.from({ length: 6 }, (_, i) => bob.next("post", { text: `b${i}` })),
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.shuffledSubarray(records, {
        minLength: records.length,
        maxLength: records.length,
      }),
      async (order) => {
        await withIngest(async (ingest, store) => {
          for (const record of order) {
            await ingest.submit([record.line], { source: "peer" });
          }
          assert.equal((await store.head(alice.key)).head?.id, records[5].id);
          assert.equal((await store.head(bob.key)).head?.id, records[11].id);
          assert.equal(ingest.heldCount, 0);
        });
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("a batch larger than one KV atomic operation is split and fully committed", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const bob = testAuthor({ ts: () => NOW - 1000 });
    // 40 contents of ~55 KB: about 2.2 MB, far beyond KV's 800 KB per atomic.
    const box = "A".repeat(55_000);
    const lines = Array.from(
      { length: 40 },
      () => alice.next("dm", { to: [bob.key], box }).line,
    );
    const outcomes = await ingest.submit(lines, { source: "peer" });
    assert.deepEqual(
      new Set(outcomes.map((outcome) => outcome.status)),
      new Set(["created"]),
    );
    assert.equal((await store.head(alice.key)).head?.seq, 40);
    const last = await store.get((outcomes.at(-1) as { id: string }).id);
    assert.equal((last?.content as { box: string }).box.length, 55_000);
  });
});

Deno.test("content near the size limit with non-Latin-1 text fits in one KV value", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    // As a JS string this is stored as UTF-16 (~118 KB), above KV's 64 KiB;
    // the store keeps the canonical UTF-8 bytes instead (~59 KB).
    const note = "€" + "x".repeat(58_000);
    const record = alice.next("ledger", { ledger: alice.key, tx: { note } });
    assert.deepEqual(
      (await ingest.submit([record.line], { source: "peer" })).map((outcome) =>
        outcome.status
      ),
      ["created"],
    );
    const stored = await store.get(record.id);
    assert.equal((stored?.content as { tx: { note: string } }).tx.note, note);
    assert.equal(stored?.line, record.line);
  });
});

Deno.test("concurrent submissions share commits and each gets its own outcomes", async () => {
  await withIngest(async (ingest, store) => {
    const authors = Array.from(
      { length: 20 },
      () => testAuthor({ ts: () => NOW - 1000 }),
    );
    const records = authors.map((
      author,
    ) => [
      author.next("post", { text: "one" }),
      author.next("post", { text: "two" }),
    ]);
    const answers = await Promise.all(records.flatMap(([first, second]) => [
      ingest.submit([first.line], { source: "client" }),
      ingest.submit([second.line, "{"], { source: "client" }),
    ]));
    for (const [i, [first, second]] of records.entries()) {
      assert.deepEqual(answers[2 * i], [{ status: "created", id: first.id }]);
      // Submissions apply in call order, so the second is never held.
      assert.deepEqual(answers[2 * i + 1][0], {
        status: "created",
        id: second.id,
      });
      assert.equal(answers[2 * i + 1][1].status, "rejected");
      assert.equal((await store.head(authors[i].key)).head?.seq, 2);
    }
  });
});

Deno.test("with a check worker, large batches are decoded and verified off the main thread", async () => {
  const kv = await Deno.openKv(":memory:");
  const store = new RecordStore(kv);
  const ingest = new Ingest(store, {
    verify: verifyEd25519,
    now: () => NOW,
    workers: 1,
  });
  try {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const lines = Array.from(
      { length: 100 },
      (_, i) => alice.next("post", { text: `p${i}` }).line,
    );
    lines.splice(50, 0, "{", lines[10].replace('"text":"p10"', '"text":"P10"'));
    const outcomes = await ingest.submit(lines, { source: "peer" });
    assert.deepEqual(statuses(outcomes.slice(49, 53)), [
      "created",
      "rejected:malformed_json",
      "rejected:content_mismatch",
      "created",
    ]);
    assert.equal(
      outcomes.filter((outcome) => outcome.status === "created").length,
      100,
    );
    assert.equal((await store.head(alice.key)).head?.seq, 100);
  } finally {
    ingest.close();
    kv.close();
  }
});

Deno.test("review fixes: more than 100 authors in one group commit all land", async () => {
  await withIngest(async (ingest, store) => {
    const authors = Array.from(
      { length: 150 },
      () => testAuthor({ ts: () => NOW - 1000 }),
    );
    const lines = authors.map((author) =>
      author.next("post", { text: "hi" }).line
    );
    assert.equal(
      new Set(statuses(await ingest.submit(lines, { source: "peer" }))).size,
      1,
    );
    assert.equal((await store.head(authors[149].key)).head?.seq, 1);
    // Posts with many tags and mentions: their keys alone pass KV's 80 KB per atomic.
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const mentions = authors.slice(0, 50).map((author) => author.key);
    const heavy = Array.from(
      { length: 12 },
      (_, i) =>
        alice.next("post", {
          text: `t${i}`,
          tags: Array.from({ length: 20 }, (_, t) => `tag${t}x${i}`),
          mentions,
        }).line,
    );
    assert.deepEqual(
      new Set(statuses(await ingest.submit(heavy, { source: "peer" }))),
      new Set(["created"]),
    );
  });
});

Deno.test("review fixes: a failed commit forgets the heads it moved", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new RecordStore(kv);
    const ingest = new Ingest(store, { verify: verifyEd25519, now: () => NOW });
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const first = alice.next("post", { text: "one" });
    const original = store.commit.bind(store);
    store.commit = () => Promise.reject(new Error("disk full"));
    await assert.rejects(
      ingest.submit([first.line], { source: "client" }),
      /disk full/,
    );
    store.commit = original;
    assert.deepEqual(
      statuses(await ingest.submit([first.line], { source: "client" })),
      ["created"],
    );
  } finally {
    kv.close();
  }
});

Deno.test("review fixes: a retract by another author, sent before the entry, has no effect", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const mallory = testAuthor({ ts: () => NOW - 1000 });
    const post = alice.next("post", { text: "mine" });
    await ingest.submit([mallory.next("retract", { target: post.id }).line], {
      source: "peer",
    });
    await ingest.submit([post.line], { source: "peer" });
    const stored = await store.get(post.id);
    assert.deepEqual([stored?.content, stored?.retracted], [
      { text: "mine" },
      false,
    ]);
  });
});

Deno.test("review fixes: a second entry at a held seq is a fork from peers and stale from clients", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const [one, two, three] = [1, 2, 3].map((i) =>
      alice.next("post", { text: `p${i}` })
    );
    const twin = alice.next("post", { text: "other three" }, {
      seq: 3,
      prev: two.id,
    });
    assert.deepEqual(
      statuses(await ingest.submit([three.line], { source: "peer" })),
      ["held"],
    );
    assert.deepEqual(
      statuses(await ingest.submit([twin.line], { source: "client" })),
      ["rejected:stale_seq"],
    );
    assert.deepEqual(
      statuses(await ingest.submit([twin.line], { source: "peer" })),
      ["rejected:fork"],
    );
    assert.equal((await store.forks(alice.key)).length, 1);
    await ingest.submit([one.line, two.line], { source: "peer" });
    assert.equal(
      (await store.head(alice.key)).head?.id,
      three.id,
      "the first-seen entry stays",
    );
  });
});

Deno.test("review fixes: the held queue is bounded per author", async () => {
  const kv = await Deno.openKv(":memory:");
  const ingest = new Ingest(new RecordStore(kv), {
    verify: verifyEd25519,
    now: () => NOW,
    maxHeldPerAuthor: 3,
  });
  try {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const bob = testAuthor({ ts: () => NOW - 1000 });
    const lines = Array.from(
      { length: 6 },
      (_, i) => alice.next("post", { text: `a${i}` }).line,
    ).slice(1);
    const bobs = Array.from(
      { length: 3 },
      (_, i) => bob.next("post", { text: `b${i}` }).line,
    ).slice(1);
    assert.deepEqual(statuses(await ingest.submit(lines, { source: "peer" })), [
      "held",
      "held",
      "held",
      "rejected:gap",
      "rejected:gap",
    ]);
    assert.deepEqual(statuses(await ingest.submit(bobs, { source: "peer" })), [
      "held",
      "held",
    ], "others still fit");
  } finally {
    kv.close();
  }
});

Deno.test("review fixes: a record with content fills a slot first stored without it", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const post = alice.next("post", { text: "full text #t", tags: ["t"] });
    const bare = encodeRecord(post.entry, null);
    assert.deepEqual(
      statuses(await ingest.submit([bare], { source: "peer" })),
      ["created"],
    );
    assert.equal((await store.get(post.id))?.content, null);
    assert.deepEqual(
      statuses(await ingest.submit([post.line], { source: "peer" })),
      ["duplicate"],
    );
    assert.deepEqual((await store.get(post.id))?.content, {
      text: "full text #t",
      tags: ["t"],
    });
    assert.equal(
      (await indexPage(store.kv, ["timeline"], { limit: 5 })).items[0]?.id,
      post.id,
      "and its indexes are written",
    );
  });
});

Deno.test("review fixes: retracting the current profile drops it from the profile index", async () => {
  await withIngest(async (ingest, _store, kv) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const profile = alice.next("profile", {
      name: "Real Name",
      bio: "home address",
    });
    await ingest.submit([profile.line], { source: "client" });
    assert.ok((await kv.get(KEYS.profile(alice.key))).value);
    await ingest.submit([alice.next("retract", { target: profile.id }).line], {
      source: "client",
    });
    assert.equal((await kv.get(KEYS.profile(alice.key))).value, null);
  });
});

Deno.test("allOrNothing refuses a whole submission when one record fails its checks", async () => {
  await withIngest(async (ingest, store) => {
    const alice = testAuthor({ ts: () => NOW - 1000 });
    const first = alice.next("post", { text: "one" }).line;
    const second = alice.next("post", { text: "two" }).line;
    const forged = second.replace('"text":"two"', '"text":"TWO"');
    const outcomes = await ingest.submit([first, forged], {
      source: "peer",
      allOrNothing: true,
    });
    assert.deepEqual(statuses(outcomes), [
      "rejected:content_mismatch",
      "rejected:content_mismatch",
    ]);
    const [bystander] = outcomes;
    assert.ok(bystander.status === "rejected");
    assert.match(bystander.error.message, /came with a record that failed/);
    assert.equal((await store.head(alice.key)).head, null);
    // Without the option, the valid one is kept as before.
    const kept = await ingest.submit([first, forged], { source: "peer" });
    assert.deepEqual(statuses(kept), ["created", "rejected:content_mismatch"]);
  });
});
