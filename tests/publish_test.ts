/** Publishing from a browser's point of view: the head, and racing tabs. */
import assert from "node:assert/strict";
import { generateKeyPair } from "../lib/crypto/mod.ts";
import { encodeBase64Url, ProtocolError } from "../lib/protocol/mod.ts";
import { publishEntry, PublishError } from "../lib/browser/publish.ts";
import { startTestInstance } from "./helpers.ts";

Deno.test("two tabs publishing at once never fork the log: the loser retries on the fresh head", async () => {
  const instance = await startTestInstance();
  try {
    const { secretKey, publicKey } = generateKeyPair();
    const identity = { author: encodeBase64Url(publicKey), secretKey };
    const origin = instance.url;
    // Count the stale-seq answers: the race must really have happened.
    let stale = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 409) stale++;
      return response;
    };
    const results = await Promise.all(
      Array.from(
        { length: 3 },
        (_, i) =>
          publishEntry(identity, "post", { text: `tab ${i}` }, {
            origin,
            fetch: counting,
          }),
      ),
    );
    assert.ok(stale >= 1, "at least one tab lost the race and retried");
    assert.deepEqual(results.map((result) => result.seq).sort(), [1, 2, 3]);
    const summary =
      await (await fetch(`${origin}/api/authors/${identity.author}`)).json();
    assert.equal(summary.head.seq, 3);
    assert.equal(summary.forked, false);
  } finally {
    await instance.close();
  }
});

Deno.test("publishing refuses invalid content before signing, and reports the network", async () => {
  const instance = await startTestInstance();
  try {
    const { secretKey, publicKey } = generateKeyPair();
    const identity = { author: encodeBase64Url(publicKey), secretKey };
    await assert.rejects(
      publishEntry(identity, "post", { text: "x".repeat(5_001) }, {
        origin: instance.url,
      }),
      (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.equal(error.code, "text_too_long");
        return true;
      },
    );
  } finally {
    await instance.close();
  }
  await assert.rejects(
    publishEntry(
      {
        author: encodeBase64Url(generateKeyPair().publicKey),
        secretKey: generateKeyPair().secretKey,
      },
      "post",
      { text: "hi" },
      { origin: "http://127.0.0.1:9" },
    ),
    (error: unknown) =>
      error instanceof PublishError && error.reason === "network",
  );
});
