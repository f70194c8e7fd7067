import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import {
  authorPage,
  CursorError,
  followList,
  indexPage,
  RecordStore,
} from "./mod.ts";

async function withStore(
  run: (kv: Deno.Kv, ingest: Ingest) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  try {
    await run(
      kv,
      new Ingest(new RecordStore(kv), { verify: verifyEd25519, now: Date.now }),
    );
  } finally {
    kv.close();
  }
}

let clock = 1_700_000_000_000;
const tick = () => clock += 1_000;

Deno.test("index pages run newest first and their cursors cover everything once", async () => {
  await withStore(async (kv, ingest) => {
    const alice = testAuthor({ ts: tick });
    const lines = Array.from(
      { length: 7 },
      (_, i) => alice.next("post", { text: `#deno ${i}`, tags: ["deno"] }).line,
    );
    await ingest.submit(lines, { source: "client" });
    const texts: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await indexPage(kv, ["tag", "deno"], { limit: 3, cursor });
      texts.push(
        ...page.items.map((item) => (item.content as { text: string }).text),
      );
      cursor = page.cursor ?? undefined;
      pages++;
    } while (cursor);
    assert.deepEqual(texts, [6, 5, 4, 3, 2, 1, 0].map((i) => `#deno ${i}`));
    assert.equal(pages, 3);
    const author = await authorPage(kv, alice.key, { limit: 5 });
    assert.deepEqual(author.items.map((item) => item.entry.seq), [
      7,
      6,
      5,
      4,
      3,
    ]);
    const rest = await authorPage(kv, alice.key, {
      limit: 5,
      cursor: author.cursor!,
    });
    assert.deepEqual(rest.items.map((item) => item.entry.seq), [2, 1]);
    assert.equal(rest.cursor, null);
  });
});

Deno.test("a filtered timeline keeps only the chosen authors and stops at its scan bound", async () => {
  await withStore(async (kv, ingest) => {
    const alice = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    for (let i = 0; i < 5; i++) {
      await ingest.submit([
        alice.next("post", { text: `a${i}` }).line,
        bob.next("post", { text: `b${i}` }).line,
      ], { source: "client" });
    }
    const onlyBob = await indexPage(kv, ["timeline"], {
      limit: 3,
      authorFilter: (author) => author === bob.key,
    });
    assert.deepEqual(
      onlyBob.items.map((item) => (item.content as { text: string }).text),
      ["b4", "b3", "b2"],
    );
    const bounded = await indexPage(kv, ["timeline"], {
      limit: 3,
      scan: 4,
      authorFilter: (author) => author === bob.key,
    });
    assert.equal(bounded.items.length, 2, "only 4 keys were scanned");
    assert.notEqual(bounded.cursor, null, "and the rest is one cursor away");
    await assert.rejects(
      indexPage(kv, ["timeline"], { limit: 3, cursor: "%%%" }),
      CursorError,
    );
  });
});

Deno.test("follow lists are read from their indexes", async () => {
  await withStore(async (kv, ingest) => {
    const alice = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const post = alice.next("post", { text: "hi" });
    await ingest.submit([post.line], { source: "client" });
    await ingest.submit([
      bob.next("follow", { target: alice.key }).line,
      bob.next("react", {
        target: post.id,
        targetAuthor: alice.key,
        reaction: "like",
      }).line,
      bob.next("react", {
        target: post.id,
        targetAuthor: alice.key,
        reaction: "🎉",
      }).line,
      bob.next("repost", { target: post.id, targetAuthor: alice.key }).line,
    ], { source: "client" });
    assert.deepEqual(
      (await followList(kv, "followers", alice.key, { limit: 10 })).items,
      [bob.key],
    );
    assert.deepEqual(
      (await followList(kv, "follows", bob.key, { limit: 10 })).items,
      [alice.key],
    );
  });
});
