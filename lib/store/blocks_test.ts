import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BlockError,
  BlockList,
  blockListOf,
  blockSubject,
  MAX_BLOCK_NOTE,
} from "./blocks.ts";
import { KEYS } from "./schema.ts";

const ALICE = "A".repeat(42) + "E";

Deno.test("a block list keeps blocks in KV and finds them again after a reopen", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_blocks_" });
  const path = join(dir, "kv");
  try {
    let kv = await Deno.openKv(path);
    let blocks = await BlockList.open(kv);
    assert.equal(blockListOf(kv), blocks);
    assert.equal(blocks.hasAuthor(ALICE), false);
    const made = await blocks.block("author", ALICE, {
      note: " spam ",
      now: 5,
    });
    assert.deepEqual(made, {
      kind: "author",
      subject: ALICE,
      at: 5,
      note: "spam",
    });
    await blocks.block("peer", "https://bad.example/some/path", { now: 9 });
    // Blocking again keeps the first time, takes the new note.
    await blocks.block("author", ALICE, { note: "still spam", now: 7 });
    assert.deepEqual((await kv.get(KEYS.block("author", ALICE))).value, {
      at: 5,
      note: "still spam",
    });
    kv.close();

    kv = await Deno.openKv(path);
    assert.equal(blockListOf(kv), undefined);
    blocks = await BlockList.open(kv);
    assert.equal(blocks.hasAuthor(ALICE), true);
    assert.deepEqual(blocks.list().map((b) => [b.kind, b.subject, b.at]), [
      ["peer", "https://bad.example", 9],
      ["author", ALICE, 5],
    ]);
    assert.equal(await blocks.unblock("author", ALICE), true);
    assert.equal(await blocks.unblock("author", ALICE), false);
    assert.equal(blocks.hasAuthor(ALICE), false);
    assert.equal((await kv.get(KEYS.block("author", ALICE))).value, null);
    kv.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a peer block matches its origin exactly and inbound sockets by host", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const blocks = await BlockList.open(kv);
    await blocks.block("peer", "http://127.0.0.2:8001");
    await blocks.block("peer", "https://[::1]:9000");
    assert.equal(blocks.hasPeer("http://127.0.0.2:8001"), true);
    // Another configured peer on the same host is a different peer.
    assert.equal(blocks.hasPeer("http://127.0.0.2:8002"), false);
    // An inbound socket shows only its address.
    assert.equal(blocks.hasPeer("inbound:127.0.0.2:50123"), true);
    assert.equal(blocks.hasPeer("inbound:[::1]:50123"), true);
    assert.equal(blocks.hasPeer("inbound:127.0.0.3:50123"), false);
    assert.equal(blocks.hasPeer("127.0.0.2"), true);
    await blocks.unblock("peer", "http://127.0.0.2:8001/");
    assert.equal(blocks.hasPeer("inbound:127.0.0.2:50123"), false);
  } finally {
    kv.close();
  }
});

Deno.test("a block refuses subjects that are not a key or an origin, and long notes", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const blocks = await BlockList.open(kv);
    await assert.rejects(
      () => blocks.block("author", "not-a-key"),
      new BlockError(
        'Cannot block author: "not-a-key" is not an author key (43 characters of base64url)',
      ),
    );
    assert.throws(
      () => blockSubject("peer", "kith.example"),
      new BlockError(
        'Cannot block peer: "kith.example" is not an origin such as https://kith.example',
      ),
    );
    assert.throws(
      () => blockSubject("peer", "ftp://kith.example"),
      new BlockError(
        'Cannot block peer: "ftp://kith.example" is not an http or https origin',
      ),
    );
    await assert.rejects(
      () =>
        blocks.block("author", ALICE, { note: "x".repeat(MAX_BLOCK_NOTE + 1) }),
      new BlockError(
        `Cannot block author: the note has ${
          MAX_BLOCK_NOTE + 1
        } characters, more than ${MAX_BLOCK_NOTE}`,
      ),
    );
    assert.deepEqual(blocks.list(), []);
  } finally {
    kv.close();
  }
});
