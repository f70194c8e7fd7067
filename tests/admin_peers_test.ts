/**
 * Peers added and removed by the owner at run time (signed API and the
 * /admin/peers page): dialled at once and at every start, validated like
 * `--peers`, removed for good (or, when configured, until the next start).
 */
import assert from "node:assert/strict";
import { addedPeerKey } from "../lib/app/admin_peers.ts";
import type { Instance } from "../lib/instance/mod.ts";
import type { PeerStatus } from "../lib/replication/mod.ts";
import { postAdminForm, signedCall } from "./admin_api_helpers.ts";
import { waitUntil } from "./cluster.ts";
import { startTestInstance, testAuthor } from "./helpers.ts";
import { logIn } from "./owner_helpers.ts";

async function row(
  instance: Instance,
  url: string,
): Promise<PeerStatus | undefined> {
  return (await instance.info.replication.status()).find((peer) =>
    peer.url === url
  );
}

async function inboundConnected(instance: Instance): Promise<boolean> {
  return (await instance.info.replication.status()).some((peer) =>
    peer.direction === "inbound" && peer.connected
  );
}

Deno.test({
  name:
    "the owner adds a peer (dialled now and after a restart), bad origins are refused, and removing it hangs up for good",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kith_admin_peers_" });
    const owner = testAuthor();
    const stranger = testAuthor();
    const args = [`--owner=${owner.key}`];
    const other = await startTestInstance();
    let instance = await startTestInstance(args, { dataDir: dir });
    try {
      const path = "/api/admin/peers";
      const empty = await signedCall(instance, path, { who: owner });
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body, { peers: [], outgoing: [] });
      const refused = await signedCall(instance, path, {
        who: stranger,
        body: { action: "add", origin: other.url },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.reason, "not_owner");

      for (
        const [origin, reason, message] of [
          ["ftp://127.0.0.1:1", "bad_origin", /must use http or https/],
          [`${other.url}/gun`, "bad_origin", /must be an origin only/],
          ["nope", "bad_origin", /is not a URL/],
          [instance.url, "self_peer", /cannot peer with itself/],
          [
            instance.url.replace("127.0.0.1", "localhost"),
            "self_peer",
            /cannot peer with itself/,
          ],
        ] as const
      ) {
        const bad = await signedCall(instance, path, {
          who: owner,
          body: { action: "add", origin },
        });
        assert.equal(bad.status, 400, origin);
        assert.equal(bad.body.reason, reason, origin);
        assert.match(String(bad.body.error), message);
      }
      const malformed = await signedCall(instance, path, {
        who: owner,
        body: { action: "join", origin: other.url },
      });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.reason, "bad_request");

      // A trailing slash is the same origin.
      const added = await signedCall(instance, path, {
        who: owner,
        body: { action: "add", origin: `${other.url}/` },
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(added.body.origin, other.url);
      assert.equal(added.body.source, "admin");
      assert.deepEqual(added.body.outgoing, [
        { origin: other.url, source: "admin" },
      ]);
      await waitUntil(
        "the added peer to connect",
        async () => (await row(instance, other.url))?.connected === true,
      );
      await waitUntil(
        "the other side to see it",
        () => inboundConnected(other),
      );
      assert.equal((await row(instance, other.url))?.direction, "outbound");
      assert.ok((await instance.info.kv.get(addedPeerKey(other.url))).value);

      // Kept: the next start dials it with no flag.
      await instance.close();
      await waitUntil(
        "the other side to see the hang-up",
        async () => !await inboundConnected(other),
      );
      instance = await startTestInstance(args, { dataDir: dir });
      assert.deepEqual(instance.info.replication.peerOrigins, [other.url]);
      await waitUntil(
        "the kept peer to connect after a restart",
        async () => (await row(instance, other.url))?.connected === true,
      );

      // Removed: hung up, not redialled, gone from KV and from the table.
      const removed = await signedCall(instance, path, {
        who: owner,
        body: { action: "remove", origin: other.url },
      });
      assert.equal(removed.status, 200);
      assert.equal(removed.body.added, false);
      assert.deepEqual(removed.body.outgoing, []);
      assert.equal(await row(instance, other.url), undefined);
      await waitUntil(
        "the removed peer to be hung up on",
        async () => !await inboundConnected(other),
      );
      assert.equal(
        (await instance.info.kv.get(addedPeerKey(other.url))).value,
        null,
      );
      // (Another spelling: the same signed body twice is refused as replayed.)
      const again = await signedCall(instance, path, {
        who: owner,
        body: { action: "remove", origin: `${other.url}/` },
      });
      assert.equal(again.status, 404);
      assert.equal(again.body.reason, "unknown_peer");
      // Still hung up well after GUN's own retry (1 s) and Kith's first
      // redial (0.5 s) would have dialled.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      assert.equal(await inboundConnected(other), false);
      assert.equal(
        (await instance.info.replication.status()).length,
        0,
        "no row of the removed peer is shown",
      );
      await instance.close();
      instance = await startTestInstance(args, { dataDir: dir });
      assert.deepEqual(instance.info.replication.peerOrigins, []);
    } finally {
      await instance.close();
      await other.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "on /admin/peers the owner sees the table and adds and removes peers; a configured peer comes back at the next start; others get 303 or 403",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kith_admin_peers_page_" });
    const owner = testAuthor();
    const other = await startTestInstance();
    const args = [`--owner=${owner.key}`, "--peers", other.url];
    let instance = await startTestInstance(args, { dataDir: dir });
    try {
      const away = await fetch(`${instance.url}/admin/peers`, {
        redirect: "manual",
      });
      await away.body?.cancel();
      assert.equal(away.status, 303);
      assert.equal(away.headers.get("Location"), "/admin/login");
      const anonymous = await postAdminForm(instance, "/admin/peers", {
        action: "remove",
        origin: other.url,
      }, { Accept: "application/json" });
      assert.equal(anonymous.status, 403);
      assert.equal((await anonymous.json()).reason, "not_admin");

      const login = await logIn(instance, owner);
      await login.body?.cancel();
      const cookie = (login.headers.get("Set-Cookie") ?? "").split(";")[0];
      assert.match(cookie, /^kith_admin=/);
      await waitUntil(
        "the configured peer to connect",
        async () => (await row(instance, other.url))?.connected === true,
      );
      const page = await fetch(`${instance.url}/admin/peers`, {
        headers: { Cookie: cookie },
      });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.ok(html.includes(`(outbound, configured)`), html);
      assert.match(html, /status-ok">connected</);
      assert.ok(html.includes(`aria-label="Remove ${other.url}"`));
      assert.match(html, /lasts until the\s+next start/);

      const bad = await postAdminForm(instance, "/admin/peers", {
        action: "add",
        origin: "gopher://x.example",
      }, { Cookie: cookie });
      assert.equal(bad.status, 400);
      const badHtml = await bad.text();
      assert.match(badHtml, /data-reason="bad_origin"/);
      assert.match(badHtml, /value="gopher:\/\/x.example"/);

      const removed = await postAdminForm(instance, "/admin/peers", {
        action: "remove",
        origin: other.url,
      }, { Cookie: cookie });
      await removed.body?.cancel();
      assert.equal(removed.status, 303);
      assert.match(
        new URL(removed.headers.get("Location")!, instance.url).searchParams
          .get("notice")!,
        /^Removed http:\/\/127\.0\.0\.1:\d+ until the next start/,
      );
      assert.deepEqual(instance.info.replication.peerOrigins, []);
      await waitUntil(
        "the removed peer to be hung up on",
        async () => !await inboundConnected(other),
      );

      // Configuration wins at the next start.
      await instance.close();
      instance = await startTestInstance(args, { dataDir: dir });
      assert.deepEqual(instance.info.replication.peerOrigins, [other.url]);

      // Adding through the form: a second peer, kept as the owner's.
      const third = await startTestInstance();
      try {
        const add = await postAdminForm(instance, "/admin/peers", {
          action: "add",
          origin: third.url,
        }, { Cookie: cookie });
        await add.body?.cancel();
        assert.equal(add.status, 303);
        await waitUntil(
          "the peer added on the page to connect",
          async () => (await row(instance, third.url))?.connected === true,
        );
        const listed = await (await fetch(`${instance.url}/admin/peers`, {
          headers: { Cookie: cookie },
        })).text();
        assert.ok(listed.includes("(outbound, added here)"));
      } finally {
        await instance.close();
        await third.close();
      }
    } finally {
      await instance.close();
      await other.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
