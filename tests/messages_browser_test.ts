/**
 * Encrypted messages in real Chromium: two people on two instances (separate
 * processes) write to each other both ways and see replies arrive live; then
 * nothing either instance stored (KV, its data folder, what its GUN socket
 * serves) holds a plaintext. And the safety rules on one instance: tampered
 * ciphertext, non-members, leaving, blocking.
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { browserTest, signInAs } from "./browser/harness.ts";
import { startNode, waitUntil } from "./cluster.ts";
import { rawGunClient } from "./gun_client.ts";
import { postLines, startTestInstance, testAuthor } from "./helpers.ts";
import {
  directConversationKey,
  groupIdOf,
  type Letter,
  MessageKeys,
  sealMessage,
} from "../lib/messages/mod.ts";
import { decodeBase64Url, encodeBase64Url } from "../lib/protocol/mod.ts";

const SECRET_ONE = "plaintext-canary-7Q3 hello Bob, the key is under the mat";
const SECRET_TWO = "plaintext-canary-9Z4 thanks Alice, found it";
const SECRET_THREE = "plaintext-canary-2K8 live both ways";

/** Creates an identity in the browser, publishes a first post, returns the key. */
async function signUp(
  context: BrowserContext,
  url: string,
  text: string,
): Promise<{ page: Page; author: string }> {
  const page = await context.newPage();
  await page.goto(`${url}/identity`);
  await page.getByRole("button", { name: "Create identity" }).click();
  await page.locator(".fingerprint").waitFor();
  const cookie = (await context.cookies()).find((c) =>
    c.name === "kith_author"
  );
  const author = decodeURIComponent(cookie!.value).split(":").pop()!;
  // Publishing once makes the author local to this instance, so messages
  // from other instances addressed to them are taken in.
  await page.goto(`${url}/`);
  await page.getByLabel("What's happening?").fill(text);
  await page.getByRole("button", { name: "Post", exact: true }).click();
  await page.getByText("Posted.").waitFor();
  return { page, author };
}

browserTest(
  "two people on two instances exchange encrypted messages both ways, live, and no plaintext is stored",
  async (browser) => {
    const dirA = await Deno.makeTempDir({ prefix: "kith-dm-a-" });
    const dirB = await Deno.makeTempDir({ prefix: "kith-dm-b-" });
    const a = await startNode("A", { dataDir: dirA });
    const b = await startNode("B", { dataDir: dirB, peers: [a.url] });
    let stopped = false;
    try {
      await waitUntil(
        "B to connect to A",
        async () => (await b.peers()).some((peer) => peer.connected),
      );
      const aliceContext = await browser.newContext();
      const bobContext = await browser.newContext();
      const alice = await signUp(aliceContext, a.url, "Alice joins");
      const bob = await signUp(bobContext, b.url, "Bob joins");

      // Alice writes first, from instance A, to Bob's key.
      await alice.page.goto(`${a.url}/messages`);
      await alice.page.waitForSelector("html[data-hydrated=true]");
      await alice.page.getByLabel("To", { exact: true }).fill(bob.author);
      await alice.page.getByLabel("Message", { exact: true }).fill(SECRET_ONE);
      await alice.page.getByRole("button", { name: "Send encrypted" }).click();
      await alice.page.waitForURL(/\/messages\/[A-Za-z0-9_-]{43}$/);
      const conversation = alice.page.url().split("/").pop()!;
      await alice.page.locator(".message.mine", { hasText: SECRET_ONE })
        .waitFor();

      // Bob, on instance B, sees it arrive in his open inbox without reload.
      // Waits are generous: CI runs every suite in parallel on 2 cores, and
      // delivery time is the messages benchmark's to measure, not this test's.
      await bob.page.goto(`${b.url}/messages`);
      await bob.page.waitForSelector("html[data-hydrated=true]");
      const item = bob.page.locator(".conversation-link", {
        hasText: SECRET_ONE,
      });
      await item.waitFor({ timeout: 45_000 });
      assert.equal(
        await item.getByLabel("1 unread").textContent(),
        "1",
      );
      await item.click();
      await bob.page.waitForURL(`${b.url}/messages/${conversation}`);
      await bob.page.locator(".message:not(.mine)", { hasText: SECRET_ONE })
        .waitFor();

      // Bob replies; Alice's open conversation shows it live.
      await bob.page.getByLabel("Message", { exact: true }).fill(SECRET_TWO);
      await bob.page.getByRole("button", { name: "Send", exact: true }).click();
      await bob.page.locator(".message.mine", { hasText: SECRET_TWO })
        .waitFor();
      await alice.page.locator(".message:not(.mine)", { hasText: SECRET_TWO })
        .waitFor({ timeout: 45_000 });

      // And once more from Alice, into Bob's open conversation.
      await alice.page.getByLabel("Message", { exact: true }).fill(
        SECRET_THREE,
      );
      // Browsers and Deno share this machine's clock: the entry's ts is later.
      const thirdSentAt = Date.now();
      await alice.page.getByRole("button", { name: "Send", exact: true })
        .click();
      await bob.page.locator(".message:not(.mine)", { hasText: SECRET_THREE })
        .waitFor({ timeout: 45_000 });
      // Seen on the open page, so nothing is unread in Bob's inbox once the
      // page has stored its read marker.
      await bob.page.waitForFunction(
        async ([reader, key, newest]) => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const request = indexedDB.open("kith-messages", 1);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          const markers = await new Promise<Record<string, number>>(
            (resolve) => {
              const request = db.transaction("read").objectStore("read").get(
                reader,
              );
              request.onsuccess = () => resolve(request.result ?? {});
            },
          );
          db.close();
          return (markers[key] ?? 0) >= Number(newest);
        },
        [bob.author, conversation, String(thirdSentAt)],
      );
      await bob.page.goto(`${b.url}/messages`);
      const seen = bob.page.locator(".conversation-link", {
        hasText: SECRET_THREE,
      });
      await seen.waitFor();
      assert.equal(await seen.locator(".badge").count(), 0);

      // What GUN serves for Alice's log is ciphertext.
      const gun = await rawGunClient(b.url);
      gun.send({ get: { "#": `kith/log/${alice.author}/0` } });
      await waitUntil("B's GUN socket to answer", () =>
        Promise.resolve(
          gun.heard.some((message) =>
            JSON.stringify(message).includes('\\"type\\":\\"dm\\"')
          ),
        ));
      const served = JSON.stringify(gun.heard);
      await gun.close();
      await aliceContext.close();
      await bobContext.close();
      await a.stop();
      await b.stop();
      stopped = true;

      for (const secret of [SECRET_ONE, SECRET_TWO, SECRET_THREE]) {
        assert.ok(!served.includes(secret), "GUN served a plaintext");
      }
      for (const dir of [dirA, dirB]) {
        await assertNoPlaintext(dir, [SECRET_ONE, SECRET_TWO, SECRET_THREE]);
      }
    } finally {
      if (!stopped) await Promise.all([a.stop(), b.stop()]);
      await Deno.remove(dirA, { recursive: true });
      await Deno.remove(dirB, { recursive: true });
    }
  },
);

/**
 * Fails if any file of the data folder, or any key or value of its Deno KV,
 * contains one of the plaintexts, while proving the scan sees the messages.
 */
async function assertNoPlaintext(dir: string, secrets: string[]) {
  const encoder = new TextEncoder();
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile) continue;
    const bytes = await Deno.readFile(`${dir}/${entry.name}`);
    const text = new TextDecoder("latin1").decode(bytes);
    for (const secret of secrets) {
      assert.ok(
        !text.includes(
          new TextDecoder("latin1").decode(encoder.encode(secret)),
        ),
        `${entry.name} holds a plaintext`,
      );
    }
  }
  const kv = await Deno.openKv(`${dir}/kith.kv`);
  try {
    let messages = 0;
    for await (const { key, value } of kv.list({ prefix: [] })) {
      const text = JSON.stringify(key) + stringify(value);
      if (
        text.includes('\\"type\\":\\"dm\\"') || text.includes('"type":"dm"')
      ) {
        messages++;
      }
      for (const secret of secrets) {
        assert.ok(
          !text.includes(secret),
          `KV ${JSON.stringify(key)} holds a plaintext`,
        );
      }
    }
    assert.ok(messages >= 3, `the scan saw ${messages} dm records`);
  } finally {
    kv.close();
  }
}

function stringify(value: unknown): string {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return JSON.stringify(
    value,
    (_, item) => typeof item === "bigint" ? String(item) : item,
  ) ?? "";
}

/** A signed `dm` record whose box `tamper` may change after sealing. */
function dmLine(
  from: ReturnType<typeof testAuthor>,
  letter: Letter,
  tamper: (box: Uint8Array) => void = () => {},
): string {
  const box = decodeBase64Url(
    sealMessage(new MessageKeys(from.secretKey), letter),
  )!;
  tamper(box);
  const content: { to: string[]; box: string; conv?: string } = {
    to: [...letter.to],
    box: encodeBase64Url(box),
  };
  if (letter.conv) content.conv = letter.conv;
  return from.next("dm", content).line;
}

browserTest(
  "tampered messages show a marker; non-members, leavers and blocked people are not shown; a recipient leaves a group",
  async (browser) => {
    const instance = await startTestInstance();
    try {
      const { url } = instance;
      const [alice, bob, carol, mallory] = [0, 1, 2, 3].map(() => testAuthor());
      const names = ["Alice", "Bob", "Carol", "Mallory"];
      await postLines(
        url,
        [alice, bob, carol, mallory].map((person, i) =>
          person.next("profile", { name: names[i] }).line
        ),
      );
      // Direct: one good message, one whose body was flipped after sealing
      // (the entry is still validly signed: only the box is bad).
      await postLines(url, [
        dmLine(alice, {
          to: [bob.key],
          payload: { kind: "message", text: "a good message" },
        }),
      ]);
      await postLines(url, [
        dmLine(alice, {
          to: [bob.key],
          payload: { kind: "message", text: "tampered in transit" },
        }, (box) => box[box.length - 5] ^= 1),
      ]);
      // A group started by Alice with Bob and Carol.
      const salt = encodeBase64Url(new Uint8Array(16).fill(9));
      const conv = groupIdOf(alice.key, salt);
      const group = (
        from: typeof alice,
        to: string[],
        payload: Letter["payload"],
      ) => postLines(url, [dmLine(from, { to, conv, payload })]);
      await group(alice, [bob.key, carol.key], {
        kind: "message",
        text: "welcome to the trio",
        group: { salt, name: "Trio" },
      });
      await group(carol, [alice.key, bob.key], {
        kind: "message",
        text: "carol here",
      });
      await group(mallory, [alice.key, bob.key, carol.key], {
        kind: "message",
        text: "mallory was never invited",
      });
      await group(carol, [alice.key, bob.key], { kind: "leave" });
      await group(carol, [alice.key, bob.key], {
        kind: "message",
        text: "carol after leaving",
      });

      const context = await browser.newContext();
      const page = await signInAs(context, url, bob);
      await page.goto(
        `${url}/messages/${directConversationKey(alice.key, [bob.key])}`,
      );
      await page.waitForSelector("html[data-hydrated=true]");
      await page.locator(".message", { hasText: "a good message" }).waitFor();
      await page.getByText("Could not decrypt this message").waitFor();
      assert.equal(await page.getByText("tampered in transit").count(), 0);

      await page.goto(`${url}/messages/${conv}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByRole("heading", { name: "Trio" }).waitFor();
      await page.locator(".message", { hasText: "carol here" }).waitFor();
      await page.getByText("Carol left the group").waitFor();
      assert.equal(
        await page.getByText("mallory was never invited").count(),
        0,
      );
      assert.equal(await page.getByText("carol after leaving").count(), 0);

      // Bob blocks Alice: her messages go, here and in the inbox.
      page.once("dialog", (dialog) => dialog.accept());
      await page.getByRole("button", { name: "Block Alice" }).click();
      await page.getByText("1 message from people you blocked hidden")
        .waitFor();
      assert.equal(await page.getByText("welcome to the trio").count(), 0);
      await page.goto(`${url}/messages`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.locator(".conversation-link", { hasText: "Trio" }).waitFor();
      assert.equal(
        await page.locator(".conversation-link", { hasText: "a good message" })
          .count(),
        0,
      );

      // Bob leaves the group from the page.
      await page.goto(`${url}/messages/${conv}`);
      await page.waitForSelector("html[data-hydrated=true]");
      page.once("dialog", (dialog) => dialog.accept());
      await page.getByRole("button", { name: "Leave group" }).click();
      await page.getByText("You left this group.").waitFor();
      const listed = await (await fetch(`${url}/api/messages/${conv}`)).json();
      assert.equal(
        listed.messages.filter((m: { line: string }) =>
          m.line.includes(`"author":"${bob.key}"`)
        ).length,
        1,
      );
      await context.close();
    } finally {
      await instance.close();
    }
  },
);
