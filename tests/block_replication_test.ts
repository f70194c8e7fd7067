/**
 * A block over real replication: two instance processes, B dialling A.
 * B's reader follows an author who publishes through A; once B's owner
 * blocks the author, what A pushes over GUN is dropped (counted against A
 * as `blocked_author`, not as invalid) and B's log of the author stays
 * where it was; unblocking catches the log up from A and shows it again.
 */
import assert from "node:assert/strict";
import { signRequestHeaders } from "../lib/app/admin_messages.ts";
import { sign } from "../lib/crypto/mod.ts";
import { fetchPage, testAuthor } from "./helpers.ts";
import { type Node, posts, startNode, waitUntil } from "./cluster.ts";

async function setBlock(
  node: Node,
  owner: ReturnType<typeof testAuthor>,
  action: "block" | "unblock",
  subject: string,
): Promise<void> {
  const path = "/api/admin/blocks";
  const body = new TextEncoder().encode(
    JSON.stringify({ action, kind: "author", subject }),
  );
  const headers = signRequestHeaders({ method: "POST", path, body }, {
    author: owner.key,
    sign: (bytes) => sign(owner.secretKey, bytes),
  });
  const response = await fetch(`${node.url}${path}`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body,
  });
  assert.equal(response.status, 200, await response.text());
}

Deno.test({
  name:
    "records of a blocked author pushed by a peer are dropped, and unblocking fetches them again",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const owner = testAuthor();
    const a = await startNode("A");
    const b = await startNode("B", {
      peers: [a.url],
      args: [`--owner=${owner.key}`],
    });
    try {
      const author = testAuthor();
      await a.post(posts(author, 2, "kumquat before"));
      await b.follow(author.key);
      await waitUntil(
        "B to replicate the author",
        async () => await b.head(author.key) === 2,
      );
      const rejectedFromA = async () =>
        (await b.peers()).find((row) => row.url === a.url)?.rejectedBy
          .blocked_author ?? 0;
      assert.equal(await rejectedFromA(), 0);

      await setBlock(b, owner, "block", author.key);
      await a.post(posts(author, 2, "kumquat during"));
      assert.equal(await a.head(author.key), 4);
      await waitUntil(
        "B to drop what A pushes",
        async () => await rejectedFromA() > 0,
      );
      assert.equal(await b.head(author.key), 2);
      assert.doesNotMatch(await fetchPage(`${b.url}/federated`), /kumquat/);

      await setBlock(b, owner, "unblock", author.key);
      await waitUntil(
        "B to catch the author up after the unblock",
        async () => await b.head(author.key) === 4,
      );
      const federated = await fetchPage(`${b.url}/federated`);
      assert.match(federated, /kumquat before/);
      assert.match(federated, /kumquat during/);
    } finally {
      await b.stop();
      await a.stop();
    }
  },
});
