import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { Subscriptions } from "./subscriptions.ts";

type Author = ReturnType<typeof testAuthor>;

interface Harness {
  kv: Deno.Kv;
  /** Stores a follow or unfollow through the ingest pipeline. */
  sign: (
    author: Author,
    type: "follow" | "unfollow",
    target: Author,
  ) => Promise<void>;
  /** A Subscriptions over the same KV, and the onAdded calls it made. */
  open: (followDepth: 1 | 2) => { subs: Subscriptions; added: string[][] };
}

async function withKv(run: (harness: Harness) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    const ingest = new Ingest(new RecordStore(kv), {
      verify: verifyEd25519,
      now: Date.now,
    });
    await run({
      kv,
      async sign(author, type, target) {
        const { line } = author.next(type, { target: target.key });
        const [outcome] = await ingest.submit([line], { source: "client" });
        assert.equal(outcome.status, "created");
      },
      open(followDepth) {
        const added: string[][] = [];
        const subs = new Subscriptions(kv, {
          followDepth,
          onAdded: (authors) => added.push(authors),
        });
        return { subs, added };
      },
    });
  } finally {
    kv.close();
  }
}

const sorted = (authors: string[]) => [...authors].sort();

Deno.test("local authors persist across a new Subscriptions over the same KV", async () => {
  await withKv(async ({ open }) => {
    const alice = testAuthor();
    const first = open(1);
    await first.subs.load();
    assert.deepEqual(first.subs.authors(), []);
    await first.subs.addLocal(alice.key);
    await first.subs.addLocal(alice.key);
    assert.ok(first.subs.isLocal(alice.key));
    assert.ok(first.subs.has(alice.key));
    assert.deepEqual(first.added, [[alice.key]]);

    const second = open(1);
    assert.equal(second.subs.isLocal(alice.key), false);
    await second.subs.load();
    assert.ok(second.subs.isLocal(alice.key));
    assert.deepEqual(second.subs.authors(), [alice.key]);
    assert.deepEqual(second.added, [[alice.key]]);
  });
});

Deno.test("depth 1 replicates local authors and whom they follow, not further", async () => {
  await withKv(async ({ open, sign }) => {
    const [alice, bob, carol, dave] = [1, 2, 3, 4].map(() => testAuthor());
    await sign(alice, "follow", bob);
    await sign(bob, "follow", carol);
    await sign(dave, "follow", carol);
    const { subs, added } = open(1);
    await subs.load();
    await subs.addLocal(alice.key);
    assert.deepEqual(sorted(subs.authors()), sorted([alice.key, bob.key]));
    assert.deepEqual(added, [[alice.key, bob.key]]);
    assert.equal(subs.has(carol.key), false);
    assert.equal(subs.isLocal(bob.key), false);
  });
});

Deno.test("depth 2 adds the follows of follows, and stops there", async () => {
  await withKv(async ({ open, sign }) => {
    const [alice, bob, carol, dave] = [1, 2, 3, 4].map(() => testAuthor());
    await sign(alice, "follow", bob);
    await sign(bob, "follow", carol);
    await sign(carol, "follow", dave);
    const { subs, added } = open(2);
    await subs.addLocal(alice.key);
    assert.deepEqual(
      sorted(subs.authors()),
      sorted([alice.key, bob.key, carol.key]),
    );
    assert.deepEqual(added, [[alice.key, bob.key, carol.key]]);
    assert.equal(subs.has(dave.key), false);
  });
});

Deno.test("a refresh after a follow calls onAdded with the new authors only", async () => {
  await withKv(async ({ open, sign }) => {
    const [alice, bob, carol] = [1, 2, 3].map(() => testAuthor());
    const { subs, added } = open(2);
    await subs.addLocal(alice.key);
    await sign(alice, "follow", bob);
    await sign(bob, "follow", carol);
    await subs.refresh();
    assert.deepEqual(added, [[alice.key], [bob.key, carol.key]]);
    await subs.refresh();
    assert.equal(added.length, 2);
  });
});

Deno.test("an unfollow removes the author at the next refresh", async () => {
  await withKv(async ({ open, sign }) => {
    const [alice, bob, carol] = [1, 2, 3].map(() => testAuthor());
    const { subs, added } = open(2);
    await sign(alice, "follow", bob);
    await sign(bob, "follow", carol);
    await subs.addLocal(alice.key);
    await sign(alice, "unfollow", bob);
    await subs.refresh();
    assert.deepEqual(subs.authors(), [alice.key]);
    assert.equal(subs.has(bob.key), false);
    assert.equal(subs.has(carol.key), false);
    await sign(alice, "follow", bob);
    await subs.refresh();
    assert.deepEqual(added.at(-1), [bob.key, carol.key]);
  });
});

Deno.test("affectsSet is true for local authors, and for followed ones at depth 2", async () => {
  await withKv(async ({ open, sign }) => {
    const [alice, bob, stranger] = [1, 2, 3].map(() => testAuthor());
    await sign(alice, "follow", bob);
    const shallow = open(1).subs;
    const deep = open(2).subs;
    for (const subs of [shallow, deep]) await subs.addLocal(alice.key);
    assert.ok(shallow.affectsSet(alice.key));
    assert.equal(shallow.affectsSet(bob.key), false);
    assert.ok(deep.affectsSet(alice.key));
    assert.ok(deep.affectsSet(bob.key));
    assert.equal(deep.affectsSet(stranger.key), false);
  });
});

Deno.test("concurrent refreshes share one run, which recomputes once more", async () => {
  await withKv(async ({ open, sign }) => {
    const [alice, bob] = [1, 2].map(() => testAuthor());
    const { subs, added } = open(1);
    await subs.addLocal(alice.key);
    await sign(alice, "follow", bob);
    const first = subs.refresh();
    const second = subs.refresh();
    assert.equal(first, second);
    await second;
    assert.ok(subs.has(bob.key));
    assert.deepEqual(added, [[alice.key], [bob.key]]);
    // The run is over: the next call starts a new one.
    const third = subs.refresh();
    assert.notEqual(third, first);
    await third;
  });
});
