import assert from "node:assert/strict";
import { freePort } from "../bench/_process.ts";
import { startTestInstance, testAuthor } from "./helpers.ts";
import { waitUntil } from "./cluster.ts";

Deno.test("the peers API and page list a configured peer that is down", async () => {
  const down = `http://127.0.0.1:${freePort()}`;
  const instance = await startTestInstance(["--peers", down]);
  try {
    const response = await fetch(`${instance.url}/api/peers`);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.replicatedAuthors, 0);
    assert.equal(body.peers.length, 1);
    const [peer] = body.peers;
    assert.deepEqual(
      { ...peer, lastSeen: null },
      {
        url: down,
        direction: "outbound",
        connected: false,
        lastSeen: null,
        recordsIn: 0,
        recordsOut: 0,
        rejected: 0,
        rejectedBy: {},
        cutOffs: 0,
        lag: 0,
      },
    );
    const page = await fetch(`${instance.url}/peers`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<h1 id="peers-title">Peers<\/h1>/);
    assert.ok(html.includes(down), "the page names the peer");
    assert.match(html, /disconnected/);
    assert.match(html, /Replicating 0 authors/);
  } finally {
    await instance.close();
  }
});

Deno.test("the peers page explains how to add peers when there are none", async () => {
  const instance = await startTestInstance();
  try {
    const html = await (await fetch(`${instance.url}/peers`)).text();
    assert.match(html, /No peers yet/);
    assert.match(html, /KITH_PEERS=/);
  } finally {
    await instance.close();
  }
});

Deno.test("/gun without a WebSocket upgrade is an ordinary 404", async () => {
  const instance = await startTestInstance();
  try {
    const response = await fetch(`${instance.url}/gun`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  } finally {
    await instance.close();
  }
});

Deno.test("two in-process instances replicate and close without leaking timers or sockets", async () => {
  const a = await startTestInstance();
  const c = await startTestInstance(["--peers", a.url]);
  try {
    const alice = testAuthor();
    const reader = testAuthor();
    const post = (url: string, line: string) =>
      fetch(`${url}/api/records`, { method: "POST", body: line }).then((
        response,
      ) => response.text());
    await post(a.url, alice.next("post", { text: "hello" }).line);
    await post(c.url, reader.next("follow", { target: alice.key }).line);
    await waitUntil("C to replicate alice", async () => {
      const response = await fetch(`${c.url}/api/authors/${alice.key}`);
      await response.body?.cancel();
      return response.status === 200;
    });
  } finally {
    // Deno's op and resource sanitizers (on by default) check what is left.
    await c.close();
    await a.close();
  }
});

Deno.test("closing in the middle of a backfill and of publishing leaks nothing", async () => {
  const a = await startTestInstance();
  const c = await startTestInstance(["--peers", a.url]);
  try {
    const alice = testAuthor();
    const lines = Array.from(
      { length: 1_500 },
      (_, i) => alice.next("post", { text: `${i}` }).line,
    );
    const response = await fetch(`${a.url}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/x-ndjson" },
      body: lines.join("\n"),
    });
    await response.body?.cancel();
    const reader = testAuthor();
    const follow = await fetch(`${c.url}/api/records`, {
      method: "POST",
      body: reader.next("follow", { target: alice.key }).line,
    });
    await follow.body?.cancel();
    // A post of C's own user leaves a segment waiting to be flushed.
    const own = await fetch(`${c.url}/api/records`, {
      method: "POST",
      body: reader.next("post", { text: "pending" }).line,
    });
    await own.body?.cancel();
    await waitUntil("C to start the backfill", async () => {
      const head = await fetch(`${c.url}/api/authors/${alice.key}`);
      await head.body?.cancel();
      return head.status === 200;
    });
  } finally {
    await c.close();
    await a.close();
  }
});
