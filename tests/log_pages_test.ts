import assert from "node:assert/strict";
import { generateKeyPair, sign } from "../lib/crypto/mod.ts";
import { createRecord, encodeBase64Url } from "../lib/protocol/mod.ts";
import { startTestInstance } from "./helpers.ts";

Deno.test("a fork seen from a peer marks the author forked in the API and on their page", async () => {
  const instance = await startTestInstance();
  try {
    const keys = generateKeyPair();
    const author = encodeBase64Url(keys.publicKey);
    const signer = { sign: (bytes: Uint8Array) => sign(keys.secretKey, bytes) };
    const make = (text: string) =>
      createRecord({
        author,
        seq: 1,
        prev: null,
        ts: Date.now(),
        type: "post",
        content: { text },
      }, signer);
    const [first, twin] = [make("<b>first</b>"), make("second")];
    const { ingest } = instance.info;
    assert.equal(
      (await ingest.submit([first.line], { source: "peer" }))[0].status,
      "created",
    );
    assert.equal(
      (await ingest.submit([twin.line], { source: "peer" }))[0].status,
      "rejected",
    );

    const summary = await (await fetch(`${instance.url}/api/authors/${author}`))
      .json();
    assert.equal(summary.forked, true);
    assert.equal(summary.head.id, first.id, "first-seen stays canonical");
    const forks =
      await (await fetch(`${instance.url}/api/authors/${author}/forks`)).json();
    assert.equal(forks.proofs.length, 1);
    assert.deepEqual(
      forks.proofs[0].entries.map((entry: { seq: number }) => entry.seq),
      [1, 1],
    );

    const page = await fetch(`${instance.url}/authors/${author}`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(
      html,
      /role="alert">Forked: this author signed two different entries/,
    );
    assert.ok(html.includes("&lt;b>first&lt;/b>"), "post text is escaped");

    const home = await (await fetch(`${instance.url}/`)).text();
    assert.ok(
      home.includes(`href="/authors/${author}"`),
      "the timeline lists the post",
    );
    assert.ok(!home.includes("No posts yet"));
  } finally {
    await instance.close();
  }
});

Deno.test("an unknown or malformed author gets a 404 or 400 page", async () => {
  const instance = await startTestInstance();
  try {
    assert.equal(
      await fetch(`${instance.url}/authors/${"A".repeat(43)}`).then(async (
        r,
      ) => (await r.body?.cancel(), r.status)),
      404,
    );
    assert.equal(
      await fetch(`${instance.url}/authors/bad`).then(async (
        r,
      ) => (await r.body?.cancel(), r.status)),
      400,
    );
  } finally {
    await instance.close();
  }
});
