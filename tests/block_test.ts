/**
 * Local blocks end to end on a real instance: the owner blocks an author
 * over the signed API; the author's POSTs and peer records are refused
 * with `blocked_author` and nothing of them is stored; their stored posts
 * leave the timelines, tags, search, threads and notifications; the author
 * page says so; unblocking brings everything back. Then `kith admin
 * block|unblock|blocks` against the same instance.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../lib/cli/mod.ts";
import { writeKeyFile } from "../lib/cli/key_file.ts";
import { generateKeyPair } from "../lib/crypto/mod.ts";
import type { Instance } from "../lib/instance/mod.ts";
import {
  captureIo,
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";
import { claimInstance, type KeyHolder, signedFetch } from "./owner_helpers.ts";

async function setBlock(
  instance: Instance,
  owner: KeyHolder,
  body: Record<string, string>,
): Promise<Record<string, unknown>> {
  const response = await signedFetch(instance, "/api/admin/blocks", {
    who: owner,
    body,
  });
  const answer = await response.json();
  assert.equal(response.status, 200, JSON.stringify(answer));
  return answer;
}

Deno.test({
  name:
    "a blocked author's records are refused and their posts hidden everywhere until the owner unblocks them",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const instance = await startTestInstance();
    try {
      const owner = testAuthor();
      await claimInstance(instance, owner);
      const reader = testAuthor();
      const troll = testAuthor();
      const post = troll.next("post", {
        text: "Marmalade storm #weather mention",
        tags: ["weather"],
        mentions: [reader.key],
      });
      const readerPost = reader.next("post", { text: "Quiet morning" });
      await postLines(instance.url, [readerPost.line, post.line]);
      const reply = troll.next("post", {
        text: "Marmalade reply",
        parent: readerPost.id,
        root: readerPost.id,
      });
      await postLines(instance.url, [reply.line]);
      const pages = {
        federated: `${instance.url}/federated`,
        tag: `${instance.url}/tags/weather`,
        search: `${instance.url}/search?q=marmalade`,
        thread: `${instance.url}/posts/${readerPost.id}`,
        tagFeed: `${instance.url}/tags/weather/feed.atom`,
        authorFeed: `${instance.url}/authors/${troll.key}/feed.json`,
      };
      for (const url of Object.values(pages)) {
        assert.match(await fetchPage(url), /Marmalade/, url);
      }
      const notifications = () =>
        fetchPage(`${instance.url}/notifications`, { reader: reader.key });
      assert.match(await notifications(), /mentioned you/);
      const unread = async () =>
        (await (await fetch(
          `${instance.url}/api/notifications/unread?author=${reader.key}`,
        )).json()).unread;
      const unreadBefore = await unread();
      assert.ok(unreadBefore > 0);

      const blocked = await setBlock(instance, owner, {
        action: "block",
        kind: "author",
        subject: troll.key,
        note: "spam",
      });
      const block = blocked.block as Record<string, unknown>;
      assert.deepEqual([block.kind, block.subject, block.note], [
        "author",
        troll.key,
        "spam",
      ]);

      // Refused on ingest, from a client and from a peer, before storing.
      const next = troll.next("post", { text: "Marmalade again" });
      const refused = await fetch(`${instance.url}/api/records`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: next.line,
      });
      assert.equal(refused.status, 403);
      assert.deepEqual(await refused.json(), {
        error: "Cannot accept entry: its author is blocked on this instance",
        reason: "blocked_author",
      });
      const [fromPeer] = await instance.info.ingest.submit([next.line], {
        source: "peer",
      });
      assert.equal(fromPeer.status, "rejected");
      assert.equal(
        fromPeer.status === "rejected" && fromPeer.error.code,
        "blocked_author",
      );
      assert.equal(await instance.info.store.get(next.id), null);
      // A peer's large segment goes through the check workers: refused too.
      const segment = Array.from(
        { length: 64 },
        () => troll.next("post", { text: "Marmalade flood" }).line,
      );
      const flood = await instance.info.ingest.submit(segment, {
        source: "peer",
      });
      assert.deepEqual(
        new Set(flood.map((o) => o.status === "rejected" && o.error.code)),
        new Set(["blocked_author"]),
      );

      // Hidden in views, nothing deleted.
      for (const url of Object.values(pages)) {
        assert.doesNotMatch(await fetchPage(url), /Marmalade/, url);
      }
      const focused = await fetch(`${instance.url}/posts/${post.id}`);
      assert.equal(focused.status, 403);
      assert.match(await focused.text(), /blocked on this instance/);
      assert.doesNotMatch(await notifications(), /mentioned you/);
      assert.equal(await unread(), 0, "nor counted in the badge");
      const page = await fetchPage(`${instance.url}/authors/${troll.key}`);
      assert.match(page, /This author is blocked on this instance/);
      assert.doesNotMatch(page, /Marmalade/);
      // The owner gets the unblock button (the form posts to /admin).
      const ownerView = await fetchPage(
        `${instance.url}/authors/${troll.key}`,
        { reader: owner.key },
      );
      assert.match(ownerView, /Unblock on this instance/);
      assert.notEqual(await instance.info.store.get(post.id), null);

      const lifted = await setBlock(instance, owner, {
        action: "unblock",
        kind: "author",
        subject: troll.key,
      });
      assert.equal(lifted.removed, true);
      for (const url of Object.values(pages)) {
        assert.match(await fetchPage(url), /Marmalade/, url);
      }
      assert.match(await notifications(), /mentioned you/);
      assert.equal(await unread(), unreadBefore, "counted again");
      await postLines(instance.url, [next.line]);
      assert.notEqual(await instance.info.store.get(next.id), null);
      assert.match(
        await fetchPage(`${instance.url}/authors/${troll.key}`, {
          reader: owner.key,
        }),
        /Block on this instance/,
      );

      // Only the owner's key may list or change blocks.
      const stranger = await signedFetch(instance, "/api/admin/blocks", {
        who: reader,
        body: { action: "block", kind: "author", subject: owner.key },
      });
      assert.equal(stranger.status, 403);
      assert.equal((await stranger.json()).reason, "not_owner");
      // A blocked peer's GUN socket is refused by its address.
      const gun = () =>
        fetch(`${instance.url}/gun`, {
          headers: {
            Upgrade: "websocket",
            Connection: "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
          },
        });
      await setBlock(instance, owner, {
        action: "block",
        kind: "peer",
        subject: "http://127.0.0.1:1",
      });
      const shut = await gun();
      assert.equal(shut.status, 403);
      assert.equal((await shut.json()).reason, "blocked_peer");
      await setBlock(instance, owner, {
        action: "unblock",
        kind: "peer",
        subject: "http://127.0.0.1:1",
      });
      const open = await gun();
      await open.body?.cancel();
      assert.notEqual(open.status, 403);
      const bad = await signedFetch(instance, "/api/admin/blocks", {
        who: owner,
        body: { action: "block", kind: "peer", subject: "kith.example" },
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(await bad.json(), {
        error:
          'Cannot block peer: "kith.example" is not an origin such as https://kith.example',
        reason: "bad_block",
      });
    } finally {
      await instance.close();
    }
  },
});

Deno.test({
  name:
    "kith admin block, blocks and unblock change the list, signed by the owner's key",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kith_block_cli_" });
    const ownerPath = join(dir, "owner.json");
    const owner = await writeKeyFile(ownerPath, generateKeyPair().secretKey);
    const instance = await startTestInstance([`--owner=${owner.author}`]);
    try {
      const run = async (args: string[]) => {
        const { io, out, err } = captureIo();
        const code = await runCli(
          ["admin", ...args, "--key", ownerPath, "--server", instance.url],
          io,
        );
        return { code, out: out.join("\n"), err: err.join("\n") };
      };
      const troll = testAuthor();
      assert.deepEqual(await run(["blocks"]), {
        code: 0,
        out: "Nothing is blocked",
        err: "",
      });
      const made = await run(["block", "author", troll.key, "--note", "spam"]);
      assert.equal(made.code, 0, made.err);
      assert.equal(made.out, `Blocked author ${troll.key} on this instance.`);
      const peer = await run(["block", "peer", "http://127.0.0.9:8001/"]);
      assert.equal(
        peer.out,
        "Blocked peer http://127.0.0.9:8001 on this instance.",
      );
      assert.equal(instance.info.blocks.hasAuthor(troll.key), true);
      assert.equal(
        instance.info.blocks.hasPeer("inbound:127.0.0.9:4000"),
        true,
      );
      const listed = await run(["blocks"]);
      assert.equal(listed.code, 0, listed.err);
      const rows = listed.out.split("\n").map((line) => line.split("\t"));
      // Newest first: made in the same millisecond, either may come first.
      assert.deepEqual(
        rows.map((row) => [row[0], row[1], row[3]]).sort(),
        [["author", troll.key, "spam"], [
          "peer",
          "http://127.0.0.9:8001",
          undefined,
        ]],
      );
      assert.ok(rows.every((row) => !Number.isNaN(Date.parse(row[2]))));
      const wrong = await run(["block", "author", "nobody"]);
      assert.equal(wrong.code, 1);
      assert.equal(
        wrong.err,
        'Cannot block author nobody: Cannot block author: "nobody" is not an author key (43 characters of base64url)',
      );
      const usage = await run(["block", "someone", troll.key]);
      assert.equal(usage.code, 2);
      assert.match(
        usage.err,
        /^admin block needs author or peer and one subject/,
      );
      const lifted = await run(["unblock", "author", troll.key]);
      assert.equal(lifted.out, `Unblocked author ${troll.key}.`);
      assert.equal(instance.info.blocks.hasAuthor(troll.key), false);
      const again = await run(["unblock", "author", troll.key]);
      assert.equal(again.out, `Author ${troll.key} was not blocked.`);
    } finally {
      await instance.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
