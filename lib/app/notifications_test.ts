import { sign } from "../crypto/mod.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { encodeRecord } from "../protocol/mod.ts";
import { KEYS, RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { HttpError } from "../web/mod.ts";
import {
  assertReadReceipt,
  markAllRead,
  markRead,
  notificationHref,
  notificationsPage,
  notificationText,
  parseReadRequest,
  readMarker,
  readReceiptBytes,
  UNREAD_CAP,
  unreadCount,
  unreadLabel,
} from "./notifications.ts";

const NOW = 1_800_000_000_000;

async function withIngest(
  run: (ingest: Ingest, kv: Deno.Kv) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  try {
    await run(
      new Ingest(new RecordStore(kv), {
        verify: verifyEd25519,
        now: () => NOW,
      }),
      kv,
    );
  } finally {
    kv.close();
  }
}

async function submit(ingest: Ingest, lines: string[]) {
  const outcomes = await ingest.submit(lines, { source: "peer" });
  for (const outcome of outcomes) {
    assert.ok(
      outcome.status === "created" || outcome.status === "duplicate" ||
        outcome.status === "held",
      JSON.stringify(outcome),
    );
  }
  return outcomes;
}

/** `author`'s notifications as "kind id" strings, newest first. */
async function listed(kv: Deno.Kv, author: string) {
  const page = await notificationsPage(kv, author, { limit: 100 });
  return page.items.map((item) => `${item.kind} ${item.item.id}`);
}

let clock = NOW - 3_600_000;
const tick = () => clock += 1_000;

Deno.test("replies notify the parent's author: stored, in the same batch, released from the queue, filled", async () => {
  await withIngest(async (ingest, kv) => {
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const root = ada.next("post", { text: "root" });
    await submit(ingest, [root.line]);
    const reply = (parent: string, text: string) =>
      bob.next("post", { text, root: root.id, parent });
    // Parent stored before.
    const first = reply(root.id, "first");
    // Parent earlier in the same batch.
    const second = ada.next("post", { text: "second root" });
    const onSecond = reply(second.id, "on second");
    await submit(ingest, [first.line, second.line, onSecond.line]);
    // Released from the out-of-order queue: seq 4 waits for seq 3.
    const third = reply(root.id, "third");
    const fourth = reply(root.id, "fourth");
    await submit(ingest, [fourth.line]);
    await submit(ingest, [third.line]);
    // Stored without content first, then filled by a relay.
    const fifth = reply(root.id, "fifth");
    await submit(ingest, [encodeRecord(fifth.entry, null)]);
    assert.equal((await listed(kv, ada.key)).length, 4);
    await submit(ingest, [fifth.line]);
    assert.deepEqual(
      await listed(kv, ada.key),
      [fifth, fourth, third, onSecond, first].map(({ id }) => `reply ${id}`),
    );
    // Ada replying to Bob's reply notifies Bob, not herself.
    const back = ada.next("post", {
      text: "back",
      root: root.id,
      parent: first.id,
    });
    const own = ada.next("post", {
      text: "own",
      root: root.id,
      parent: root.id,
    });
    await submit(ingest, [back.line, own.line]);
    assert.deepEqual(await listed(kv, bob.key), [`reply ${back.id}`]);
    assert.equal((await listed(kv, ada.key)).length, 5);
    // A reply whose parent is not held here notifies nobody.
    const orphan = bob.next("post", {
      text: "orphan",
      root: "A".repeat(43),
      parent: "A".repeat(43),
    });
    await submit(ingest, [orphan.line]);
    assert.equal((await listed(kv, ada.key)).length, 5);
  });
});

Deno.test("retracting a reply, a mention or a follow drops its notification", async () => {
  await withIngest(async (ingest, kv) => {
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const root = ada.next("post", { text: "root" });
    const reply = bob.next("post", {
      text: "reply",
      root: root.id,
      parent: root.id,
    });
    const mention = bob.next("post", { text: "@ada", mentions: [ada.key] });
    const follow = bob.next("follow", { target: ada.key });
    await submit(ingest, [root.line, reply.line, mention.line, follow.line]);
    assert.deepEqual(await listed(kv, ada.key), [
      `follow ${follow.id}`,
      `mention ${mention.id}`,
      `reply ${reply.id}`,
    ]);
    // Retracts in a later batch: the reply's parent is looked up again.
    await submit(ingest, [
      bob.next("retract", { target: reply.id }).line,
      bob.next("retract", { target: follow.id }).line,
    ]);
    assert.deepEqual(await listed(kv, ada.key), [`mention ${mention.id}`]);
    // A retracted follow stays a follow.
    assert.equal(
      (await kv.get(KEYS.followers(ada.key, bob.key))).value,
      follow.entry.seq,
    );
    await submit(ingest, [bob.next("retract", { target: mention.id }).line]);
    assert.deepEqual(await listed(kv, ada.key), []);
    // A reply and its retract in one batch leave nothing behind.
    const quick = bob.next("post", {
      text: "oops",
      root: root.id,
      parent: root.id,
    });
    await submit(ingest, [
      quick.line,
      bob.next("retract", { target: quick.id }).line,
    ]);
    assert.deepEqual(await listed(kv, ada.key), []);
    const left = [];
    for await (const { key } of kv.list({ prefix: ["notify"] })) left.push(key);
    assert.deepEqual(left, []);
  });
});

Deno.test("unread counts stop at 100 (99+), markers move as asked, mark-all never goes back", async () => {
  await withIngest(async (ingest, kv) => {
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    assert.equal(await unreadCount(kv, ada.key), 0);
    assert.equal(await markAllRead(kv, ada.key), 0, "nothing to mark");
    const posts = Array.from(
      { length: 105 },
      (_, i) => bob.next("post", { text: `@ada ${i}`, mentions: [ada.key] }),
    );
    await submit(ingest, posts.map((post) => post.line));
    assert.equal(await unreadCount(kv, ada.key), UNREAD_CAP);
    assert.equal(unreadLabel(UNREAD_CAP), "99+");
    assert.equal(unreadLabel(99), "99");
    assert.equal(unreadLabel(0), "");
    const times = posts.map((post) => post.entry.ts);
    await markRead(kv, ada.key, times[99]);
    assert.equal(await unreadCount(kv, ada.key), 5);
    const page = await notificationsPage(kv, ada.key, {
      limit: 10,
      readUpTo: await readMarker(kv, ada.key),
    });
    assert.deepEqual(
      page.items.map((item) => item.unread),
      [true, true, true, true, true, false, false, false, false, false],
    );
    assert.ok(page.cursor);
    const next = await notificationsPage(kv, ada.key, {
      limit: 10,
      cursor: page.cursor,
    });
    assert.equal(next.items[0].item.id, posts[94].id);
    // A page that showed notifications up to times[102] marks only those.
    assert.equal(await markAllRead(kv, ada.key, times[102]), times[102]);
    assert.equal(await unreadCount(kv, ada.key), 2);
    // A stale page cannot move the marker back; a newer claim is clamped.
    assert.equal(await markAllRead(kv, ada.key, times[0]), times[102]);
    assert.equal(await markAllRead(kv, ada.key, NOW * 2), times[104]);
    assert.equal(await unreadCount(kv, ada.key), 0);
    // The API's marker is set as given, back included.
    await markRead(kv, ada.key, 0);
    assert.equal(await unreadCount(kv, ada.key), UNREAD_CAP);
  });
});

Deno.test("notification lines and links", async () => {
  await withIngest(async (ingest, kv) => {
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const root = ada.next("post", { text: "root" });
    const like = bob.next("react", {
      target: root.id,
      targetAuthor: ada.key,
      reaction: "like",
    });
    const party = bob.next("react", {
      target: root.id,
      targetAuthor: ada.key,
      reaction: "🎉",
    });
    const repost = bob.next("repost", {
      target: root.id,
      targetAuthor: ada.key,
    });
    const follow = bob.next("follow", { target: ada.key });
    await submit(ingest, [root.line, like.line, party.line, repost.line]);
    await submit(ingest, [follow.line]);
    const page = await notificationsPage(kv, ada.key, { limit: 10 });
    assert.deepEqual(
      page.items.map((item) => [
        notificationText(item),
        notificationHref(item),
      ]),
      [
        ["followed you", `/authors/${bob.key}`],
        ["reposted your post", `/posts/${root.id}`],
        ["reacted 🎉 to your post", `/posts/${root.id}`],
        ["liked your post", `/posts/${root.id}`],
      ],
    );
  });
});

Deno.test("read receipts need the author's signature and a time not in the future", async () => {
  const ada = testAuthor();
  const author = ada.key;
  const sig = (upTo: number, key = ada.secretKey) =>
    encodeBase64Url(sign(key, readReceiptBytes(author, upTo)));
  const receipt = parseReadRequest(
    JSON.stringify({ author, upTo: 5, sig: sig(5) }),
  );
  assert.deepEqual(receipt, { author, upTo: 5, sig: sig(5) });
  await assertReadReceipt(receipt, NOW);
  for (
    const [body, reason] of [
      ["{", "malformed_json"],
      ["null", "bad_author"],
      [JSON.stringify({ upTo: 5 }), "bad_author"],
      [JSON.stringify({ author: "x", upTo: 5 }), "bad_author"],
      [JSON.stringify({ author }), "bad_up_to"],
      [JSON.stringify({ author, upTo: -1 }), "bad_up_to"],
      [JSON.stringify({ author, upTo: 1.5 }), "bad_up_to"],
      [JSON.stringify({ author, upTo: "5" }), "bad_up_to"],
      [JSON.stringify({ author, upTo: 5 }), "bad_sig"],
      [JSON.stringify({ author, upTo: 5, sig: "AAAA" }), "bad_sig"],
    ]
  ) {
    assert.throws(
      () => parseReadRequest(body),
      (error) => error instanceof HttpError && error.reason === reason,
      body,
    );
  }
  const refused = async (
    value: { upTo: number; sig: string },
    reason: string,
  ) =>
    await assert.rejects(
      assertReadReceipt({ author, ...value }, NOW),
      (error) => error instanceof HttpError && error.reason === reason,
    );
  await refused({ upTo: 6, sig: sig(5) }, "bad_signature");
  await refused(
    { upTo: 5, sig: sig(5, testAuthor().secretKey) },
    "bad_signature",
  );
  await refused({ upTo: NOW + 120_000, sig: sig(NOW + 120_000) }, "bad_up_to");
});
