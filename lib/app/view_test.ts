import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { statsOf } from "./view.ts";

Deno.test("post counters follow likes, reactions and reposts, and their retractions", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const ingest = new Ingest(new RecordStore(kv), {
      verify: verifyEd25519,
      now: Date.now,
    });
    const ada = testAuthor();
    const bob = testAuthor();
    const cy = testAuthor();
    const post = ada.next("post", { text: "count me" });
    const on = { target: post.id, targetAuthor: ada.key };
    const bobLike = bob.next("react", { ...on, reaction: "like" });
    const cyParty = cy.next("react", { ...on, reaction: "🎉" });
    const lines = [
      post.line,
      bobLike.line,
      cy.next("react", { ...on, reaction: "like" }).line,
      cyParty.line,
      bob.next("repost", on).line,
    ];
    for (const line of lines) await ingest.submit([line], { source: "client" });
    assert.deepEqual((await statsOf(kv, [post.id])).get(post.id), {
      likes: 2,
      reposts: 1,
      reactions: { "🎉": 1 },
    });
    await ingest.submit([
      bob.next("retract", { target: bobLike.id }).line,
      cy.next("retract", { target: cyParty.id }).line,
    ], { source: "client" });
    assert.deepEqual((await statsOf(kv, [post.id])).get(post.id), {
      likes: 1,
      reposts: 1,
      reactions: {},
    });
    const none = testAuthor().next("post", { text: "quiet" });
    assert.deepEqual((await statsOf(kv, [none.id])).get(none.id), {
      likes: 0,
      reposts: 0,
      reactions: {},
    });
  } finally {
    kv.close();
  }
});

Deno.test("an author's repeated reaction counts once; retracting the counted one undoes it", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const ingest = new Ingest(new RecordStore(kv), {
      verify: verifyEd25519,
      now: Date.now,
    });
    const ada = testAuthor();
    const bob = testAuthor();
    const post = ada.next("post", { text: "like me" });
    const on = { target: post.id, targetAuthor: ada.key };
    const first = bob.next("react", { ...on, reaction: "like" });
    const again = bob.next("react", { ...on, reaction: "like" });
    const sameBatch = bob.next("react", { ...on, reaction: "like" });
    await ingest.submit([post.line, first.line], { source: "client" });
    await ingest.submit([again.line, sameBatch.line], { source: "client" });
    const likes = async () =>
      (await statsOf(kv, [post.id])).get(post.id)!.likes;
    assert.equal(await likes(), 1, "three likes by one author count once");
    await ingest.submit([bob.next("retract", { target: again.id }).line], {
      source: "client",
    });
    assert.equal(
      await likes(),
      1,
      "retracting an uncounted like changes nothing",
    );
    await ingest.submit([bob.next("retract", { target: first.id }).line], {
      source: "client",
    });
    assert.equal(await likes(), 0);
    await ingest.submit([bob.next("react", { ...on, reaction: "like" }).line], {
      source: "client",
    });
    assert.equal(await likes(), 1, "liking again after unliking counts");
  } finally {
    kv.close();
  }
});
