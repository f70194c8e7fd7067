/** Notifications: the page, the unread count and both ways to mark them read. */
import assert from "node:assert/strict";
import { sign } from "../lib/crypto/mod.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import { readReceiptBytes } from "../lib/app/notifications.ts";
import {
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";

const post = postLines;

const page = (url: string, reader?: string, status = 200) =>
  fetchPage(url, { reader, status });

async function unread(url: string, author: string) {
  const response = await fetch(
    `${url}/api/notifications/unread?author=${author}`,
  );
  assert.equal(response.status, 200);
  return (await response.json()).unread as number;
}

/** The notification list items of a page, in order. */
function items(html: string): string[] {
  return html.match(/<li class="notification[^]*?<\/li>/g) ?? [];
}

/** Each item's kind and whether it is marked unread. */
function kinds(html: string): string[] {
  return items(html).map((item) =>
    `${item.match(/data-kind="(\w+)"/)![1]}${
      item.startsWith('<li class="notification unread"') ? "*" : ""
    }`
  );
}

Deno.test("notifications list mentions, replies, reactions, reposts and follows, and count unread ones", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    let clock = Date.now() - 3_600_000;
    const tick = () => clock += 1_000;
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const cy = testAuthor({ ts: tick });
    await post(url, [
      bob.next("profile", { name: "<b>Bob</b>" }).line,
    ]);
    const root = ada.next("post", { text: "hello" });
    await post(url, [root.line]);
    const mention = bob.next("post", {
      text: "<script>alert(1)</script> @ada",
      mentions: [ada.key],
    });
    const reply = cy.next("post", {
      text: "a reply",
      root: root.id,
      parent: root.id,
    });
    const react = bob.next("react", {
      target: root.id,
      targetAuthor: ada.key,
      reaction: "🎉",
    });
    const repost = cy.next("repost", {
      target: root.id,
      targetAuthor: ada.key,
    });
    const follow = bob.next("follow", { target: ada.key });
    for (const record of [mention, reply, react, repost, follow]) {
      await post(url, [record.line]);
    }
    // Ada's own actions notify nobody; her reply to Cy notifies Cy.
    const toCy = ada.next("post", {
      text: "thanks @ada",
      root: root.id,
      parent: reply.id,
      mentions: [ada.key],
    });
    await post(url, [
      ada.next("post", { text: "me", root: root.id, parent: root.id }).line,
      ada.next("react", {
        target: root.id,
        targetAuthor: ada.key,
        reaction: "like",
      }).line,
      ada.next("repost", { target: root.id, targetAuthor: ada.key }).line,
      ada.next("follow", { target: ada.key }).line,
      toCy.line,
    ]);
    // A reply whose parent comes earlier in the same batch.
    const second = bob.next("post", { text: "second" });
    const onSecond = ada.next("post", {
      text: "on second",
      root: second.id,
      parent: second.id,
    });
    await post(url, [second.line, onSecond.line]);

    assert.equal(await unread(url, ada.key), 5);
    assert.equal(await unread(url, cy.key), 1);
    assert.equal(await unread(url, bob.key), 1);

    const html = await page(`${url}/notifications`, ada.key);
    assert.deepEqual(kinds(html), [
      "follow*",
      "repost*",
      "reaction*",
      "reply*",
      "mention*",
    ]);
    const [followItem, repostItem, reactItem, replyItem, mentionItem] = items(
      html,
    );
    assert.match(followItem, /followed you/);
    assert.match(followItem, new RegExp(`href="/authors/${bob.key}"`));
    assert.match(repostItem, /reposted your post/);
    assert.match(repostItem, new RegExp(`href="/posts/${root.id}"`));
    assert.match(reactItem, /reacted 🎉 to your post/);
    assert.match(replyItem, /replied to your post/);
    assert.match(replyItem, new RegExp(`id="${reply.id}"`), "the reply shown");
    assert.match(mentionItem, /mentioned you/);
    assert.match(mentionItem, new RegExp(`href="/posts/${mention.id}"`));
    assert.ok(!html.includes("<script>alert(1)</script>"));
    assert.ok(!html.includes("<b>Bob</b>"));
    assert.match(html, /&lt;b>Bob&lt;\/b>/);
    assert.match(html, /Mark all as read/);
    assert.match(html, /<title>Notifications \(5\)<\/title>/);

    assert.deepEqual(kinds(await page(`${url}/notifications`, cy.key)), [
      "reply*",
    ]);
    assert.deepEqual(kinds(await page(`${url}/notifications`, bob.key)), [
      "reply*",
    ]);

    // Retracting the mention and the reply drops their notifications.
    await post(url, [bob.next("retract", { target: mention.id }).line]);
    await post(url, [cy.next("retract", { target: reply.id }).line]);
    assert.deepEqual(kinds(await page(`${url}/notifications`, ada.key)), [
      "follow*",
      "repost*",
      "reaction*",
    ]);
    assert.equal(await unread(url, ada.key), 3);
  } finally {
    await instance.close();
  }
});

Deno.test("notifications are marked read by the form and by the API", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    let clock = Date.now() - 3_600_000;
    const tick = () => clock += 1_000;
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const mentions = Array.from(
      { length: 3 },
      (_, i) => bob.next("post", { text: `@ada ${i}`, mentions: [ada.key] }),
    );
    await post(url, mentions.map((record) => record.line));
    assert.equal(await unread(url, ada.key), 3);

    // The API sets the marker as given, on the author's signed receipt.
    const setMarker = (body: unknown) =>
      fetch(`${url}/api/notifications/read`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const receipt = (upTo: number, key = ada.secretKey) => ({
      author: ada.key,
      upTo,
      sig: encodeBase64Url(sign(key, readReceiptBytes(ada.key, upTo))),
    });
    const forged = await setMarker(
      receipt(mentions[2].entry.ts, bob.secretKey),
    );
    assert.equal(forged.status, 403);
    assert.equal((await forged.json()).reason, "bad_signature");
    assert.equal(await unread(url, ada.key), 3, "nobody else moves the marker");
    const response = await setMarker(receipt(mentions[1].entry.ts));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      author: ada.key,
      readUpTo: mentions[1].entry.ts,
      unread: 1,
    });
    assert.deepEqual(
      kinds(await page(`${url}/notifications`, ada.key)),
      ["mention*", "mention", "mention"],
    );
    for (
      const [body, reason] of [
        [{ author: "nope", upTo: 1 }, "bad_author"],
        [{ author: ada.key, upTo: "soon" }, "bad_up_to"],
      ] as const
    ) {
      const refused = await setMarker(body);
      assert.equal(refused.status, 400);
      assert.equal((await refused.json()).reason, reason);
    }
    const unreadRefused = await fetch(
      `${url}/api/notifications/unread?author=nope`,
    );
    assert.equal(unreadRefused.status, 400);
    assert.equal((await unreadRefused.json()).reason, "bad_author");

    // The page offers the signed "Mark all as read" up to its newest.
    const html = await page(`${url}/notifications`, ada.key);
    assert.match(html, /Mark all as read/);
    const marked = await setMarker(receipt(mentions[2].entry.ts));
    assert.equal(marked.status, 200);
    await marked.body?.cancel();
    assert.equal(await unread(url, ada.key), 0);
    const read = await page(`${url}/notifications`, ada.key);
    assert.deepEqual(kinds(read), ["mention", "mention", "mention"]);
    assert.ok(!read.includes("Mark all as read"), "nothing left to mark");
  } finally {
    await instance.close();
  }
});

Deno.test("the notifications page explains identities to readers without one", async () => {
  const instance = await startTestInstance();
  try {
    const html = await page(`${instance.url}/notifications`);
    assert.match(html, /href="\/identity"/);
    assert.match(html, /create your identity/i);
    assert.deepEqual(items(html), []);
    // A reader with no notifications sees an empty state.
    const empty = await page(
      `${instance.url}/notifications`,
      testAuthor().key,
    );
    assert.match(empty, /No notifications yet/);
    await page(
      `${instance.url}/notifications?cursor=garbage`,
      "A".repeat(43),
      400,
    );
  } finally {
    await instance.close();
  }
});
