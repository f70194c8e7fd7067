/** Live updates over Server-Sent Events. */
import assert from "node:assert/strict";
import { startTestInstance, testAuthor } from "./helpers.ts";
import { browserTest } from "./browser/harness.ts";

async function open(url: string) {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  let buffer = "";
  const next = async (event: string) => {
    while (true) {
      const at = buffer.indexOf("\n\n");
      if (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (block.startsWith(`event: ${event}`)) {
          return JSON.parse(
            block.split("\n").find((line) => line.startsWith("data: "))!.slice(
              6,
            ),
          );
        }
        continue;
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
    }
  };
  await next("ready");
  return { next, close: () => reader.cancel() };
}

Deno.test("live streams deliver only the entries their filter matches, and end when the instance closes", async () => {
  const instance = await startTestInstance();
  let closed = false;
  try {
    const { url } = instance;
    const alice = testAuthor();
    const post = (line: string) =>
      fetch(`${url}/api/records`, { method: "POST", body: line }).then((r) =>
        r.text()
      );
    const tagged = await open(`${url}/api/live?stream=tag:deno`);
    const everything = await open(`${url}/api/live?stream=federated`);
    const root = alice.next("post", { text: "plain" });
    await post(root.line);
    const reply = alice.next("post", {
      text: "#deno reply",
      tags: ["deno"],
      root: root.id,
      parent: root.id,
    });
    const thread = await open(`${url}/api/live?stream=thread:${root.id}`);
    await post(reply.line);
    assert.equal((await everything.next("entry")).id, root.id);
    assert.equal((await everything.next("entry")).id, reply.id);
    assert.deepEqual(await tagged.next("entry"), {
      id: reply.id,
      author: alice.key,
      seq: 2,
      type: "post",
    });
    assert.equal((await thread.next("entry")).id, reply.id);
    // Notifications of alice: a mention, a reaction and a reply by bob.
    const bob = testAuthor();
    const mine = await fetch(`${url}/api/live?stream=notifications`, {
      headers: { Cookie: `kith_author=${alice.key}` },
    });
    const reader = mine.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const mention = bob.next("post", {
      text: "hi @alice",
      mentions: [alice.key],
    });
    const nothing = bob.next("post", { text: "not for alice" });
    const answer = bob.next("post", {
      text: "re",
      root: root.id,
      parent: root.id,
    });
    for (const line of [nothing.line, mention.line, answer.line]) {
      await post(line);
    }
    while (!seen.includes(answer.id)) {
      const { value } = await reader.read();
      seen += value;
    }
    assert.ok(seen.includes(mention.id) && !seen.includes(nothing.id));
    await reader.cancel();
    for (
      const bad of [
        "nope",
        "tag:no spaces",
        "thread:short",
        "home",
        "notifications",
      ]
    ) {
      const response = await fetch(
        `${url}/api/live?stream=${encodeURIComponent(bad)}`,
      );
      assert.equal(response.status, 400, bad);
      const body = await response.json();
      assert.ok(
        ["bad_stream", "bad_tag", "no_viewer"].includes(body.reason),
        body.reason,
      );
    }
    // Closing the instance ends open streams instead of waiting for them.
    const started = performance.now();
    await instance.close();
    closed = true;
    assert.equal(await tagged.next("entry"), null);
    assert.ok(performance.now() - started < 5_000);
    await thread.close();
    await everything.close();
  } finally {
    if (!closed) await instance.close();
  }
});

browserTest(
  "a timeline shows a banner for new posts and loads them when asked",
  async (browser) => {
    const instance = await startTestInstance();
    try {
      const page = await browser.newPage();
      await page.goto(`${instance.url}/federated`);
      await page.waitForSelector("html[data-hydrated=true]");
      const alice = testAuthor();
      for (const text of ["one", "two"]) {
        await fetch(`${instance.url}/api/records`, {
          method: "POST",
          body: alice.next("post", { text }).line,
        }).then((r) => r.text());
      }
      await page.getByRole("button", { name: "2 new posts: show" }).click();
      await page.getByText("two", { exact: true }).waitFor();
      await page.close();
    } finally {
      await instance.close();
    }
  },
);
