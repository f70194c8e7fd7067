/** Encrypted messages over the API: listings, paging, errors, retraction, live. */
import assert from "node:assert/strict";
import {
  directConversationKey,
  type Envelope,
  foldConversation,
  groupIdOf,
  MessageKeys,
  type MessagePayload,
  openMessage,
  sealMessage,
} from "../lib/messages/mod.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import {
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";

type Author = ReturnType<typeof testAuthor>;
interface Listed {
  id: string;
  conversation: string;
  line: string;
}
interface Listing {
  messages: Listed[];
  cursor: string | null;
  names: Record<string, string>;
}

/**
 * Authors sharing one clock, an hour back and a second apart per entry, so
 * every entry is strictly newer than the one signed before it.
 */
function authors(count: number): Author[] {
  let time = Date.now() - 60 * 60 * 1000;
  const ts = () => time += 1_000;
  return Array.from({ length: count }, () => testAuthor({ ts }));
}

async function withInstance(run: (url: string) => Promise<void>) {
  const instance = await startTestInstance();
  try {
    await run(instance.url);
  } finally {
    await instance.close();
  }
}

/** Seals `payload` from `sender` to `to` (in `conv`) and signs its dm entry. */
function message(
  sender: Author,
  to: string[],
  payload: MessagePayload,
  conv?: string,
) {
  const box = sealMessage(new MessageKeys(sender.secretKey), {
    to,
    conv,
    payload,
  });
  return sender.next("dm", conv ? { to, box, conv } : { to, box });
}

const text = (value: string): MessagePayload => ({
  kind: "message",
  text: value,
});

async function getJson(url: string) {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: await response.json(),
  };
}

async function list(url: string): Promise<Listing> {
  const { status, body } = await getJson(url);
  assert.equal(status, 200, `${url}: ${JSON.stringify(body)}`);
  return body;
}

const inbox = (url: string, participant: string, query = "") =>
  list(`${url}/api/messages?participant=${participant}${query}`);
const conversation = (url: string, key: string, query = "") =>
  list(`${url}/api/messages/${key}${query ? `?${query.slice(1)}` : ""}`);

/** The envelope of a listed line, as the browser rebuilds it. */
function envelopeOf(line: string): Envelope {
  const { entry, content } = JSON.parse(line);
  return {
    author: entry.author,
    to: content.to,
    conv: content.conv,
    box: content.box,
  };
}

Deno.test("inboxes and conversations list direct and group messages, newest first, only to participants", async () => {
  await withInstance(async (url) => {
    const [alice, bob, carol, dave] = authors(4);
    const direct = directConversationKey(alice.key, [bob.key]);
    const salt = encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    const group = groupIdOf(alice.key, salt);
    const hello = message(alice, [bob.key], text("hello bob"));
    const reply = message(bob, [alice.key], text("hi alice"));
    const start: MessagePayload = {
      kind: "message",
      text: "welcome, both",
      group: { salt, name: "Garden" },
    };
    const welcome = message(alice, [bob.key, carol.key], start, group);
    // Someone else's conversation, which none of the above takes part in.
    const aside = message(carol, [dave.key], text("psst"));
    await postLines(url, [hello.line, reply.line, welcome.line, aside.line]);

    const expected = (...records: [typeof hello, string][]) => ({
      messages: records.map(([record, key]) => ({
        id: record.id,
        conversation: key,
        line: record.line,
      })),
      cursor: null,
      // Nobody here has published a profile name.
      names: {},
    });
    const threeOf = expected(
      [welcome, group],
      [reply, direct],
      [hello, direct],
    );
    assert.deepEqual(await inbox(url, alice.key), threeOf);
    assert.deepEqual(await inbox(url, bob.key), threeOf);
    assert.deepEqual(
      await inbox(url, carol.key),
      expected(
        [aside, directConversationKey(carol.key, [dave.key])],
        [welcome, group],
      ),
    );
    const nobody = testAuthor();
    assert.deepEqual(await inbox(url, nobody.key), {
      messages: [],
      cursor: null,
      names: {},
    });

    assert.deepEqual(
      await conversation(url, direct),
      expected([reply, direct], [hello, direct]),
    );
    assert.deepEqual(
      await conversation(url, directConversationKey(bob.key, [alice.key])),
      await conversation(url, direct),
      "the direct key is the same from either side",
    );
    assert.deepEqual(
      await conversation(url, group),
      expected([welcome, group]),
      "a group message is listed under its conv, not a direct key",
    );
    assert.deepEqual(
      await conversation(
        url,
        directConversationKey(alice.key, [bob.key, carol.key]),
      ),
      { messages: [], cursor: null, names: {} },
    );

    // The listed lines decrypt to what was sent, for exactly the participants.
    const [listedWelcome, listedReply, listedHello] =
      (await inbox(url, bob.key)).messages;
    const keys = (author: Author) => new MessageKeys(author.secretKey);
    assert.deepEqual(
      openMessage(keys(bob), envelopeOf(listedHello.line)),
      text("hello bob"),
    );
    assert.deepEqual(
      openMessage(keys(alice), envelopeOf(listedHello.line)),
      text("hello bob"),
      "the sender reads their own message",
    );
    assert.deepEqual(
      openMessage(keys(alice), envelopeOf(listedReply.line)),
      text("hi alice"),
    );
    for (const member of [alice, bob, carol]) {
      assert.deepEqual(
        openMessage(keys(member), envelopeOf(listedWelcome.line)),
        start,
      );
    }
    assert.throws(
      () => openMessage(keys(dave), envelopeOf(listedHello.line)),
      (error: Error & { reason?: string }) =>
        error.reason === "not_a_recipient",
    );
  });
});

Deno.test("paging with limit=2 over 5 messages returns each exactly once, newest first", async () => {
  await withInstance(async (url) => {
    const [alice, bob] = authors(2);
    const sent = [1, 2, 3, 4, 5].map((n) =>
      message(n % 2 ? alice : bob, [n % 2 ? bob.key : alice.key], text(`${n}`))
    );
    await postLines(url, sent.map((record) => record.line));
    const newestFirst = sent.map((record) => record.line).reverse();
    const key = directConversationKey(alice.key, [bob.key]);
    for (
      const [name, page] of [
        ["inbox of alice", (q: string) => inbox(url, alice.key, q)],
        ["inbox of bob", (q: string) => inbox(url, bob.key, q)],
        ["conversation", (q: string) => conversation(url, key, q)],
      ] as const
    ) {
      const lines: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const query: string = `&limit=2${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
        }`;
        const listing = await page(query);
        assert.ok(listing.messages.length <= 2, name);
        assert.ok(listing.messages.every((item) => item.conversation === key));
        lines.push(...listing.messages.map((item) => item.line));
        sizes.push(listing.messages.length);
        cursor = listing.cursor;
        if (!cursor) break;
      }
      assert.equal(cursor, null, `${name}: paging ends`);
      assert.deepEqual(lines, newestFirst, name);
      assert.deepEqual(sizes, [2, 2, 1], name);
    }
    // limit=1000 and the default both take everything at once.
    assert.equal(
      (await inbox(url, alice.key, "&limit=1000")).messages.length,
      5,
    );
    assert.equal((await conversation(url, key)).messages.length, 5);
  });
});

Deno.test("bad queries answer 400 with {error, reason}", async () => {
  await withInstance(async (url) => {
    const alice = testAuthor();
    const key = directConversationKey(alice.key, [testAuthor().key]);
    const cases: [string, string][] = [];
    for (const limit of ["0", "1001", "abc", "-1", "2.5", ""]) {
      cases.push(
        [`/api/messages?participant=${alice.key}&limit=${limit}`, "bad_query"],
        [`/api/messages/${key}?limit=${limit}`, "bad_query"],
      );
    }
    for (
      const participant of [
        "",
        "?participant=",
        "?participant=abc",
        `?participant=${alice.key}x`,
      ]
    ) {
      cases.push([`/api/messages${participant}`, "bad_author"]);
    }
    for (const bad of ["abc", `${key}A`, "!".repeat(43)]) {
      cases.push([`/api/messages/${bad}`, "bad_conversation"]);
    }
    for (const cursor of ["", "garbage", "%25%25%25", "x".repeat(3000)]) {
      cases.push(
        [
          `/api/messages?participant=${alice.key}&cursor=${cursor}`,
          "bad_cursor",
        ],
        [`/api/messages/${key}?cursor=${cursor}`, "bad_cursor"],
      );
    }
    for (const [path, reason] of cases) {
      const { status, type, body } = await getJson(`${url}${path}`);
      assert.equal(status, 400, path);
      assert.match(type ?? "", /^application\/json/, path);
      assert.equal(body.reason, reason, path);
      assert.equal(typeof body.error, "string", path);
      assert.ok(body.error.length > 0, path);
    }
    // The edges of the range are accepted.
    for (const limit of ["1", "1000"]) {
      assert.deepEqual(await inbox(url, alice.key, `&limit=${limit}`), {
        messages: [],
        cursor: null,
        names: {},
      });
      assert.deepEqual(await conversation(url, key, `&limit=${limit}`), {
        messages: [],
        cursor: null,
        names: {},
      });
    }
  });
});

Deno.test("a retracted dm disappears from every inbox and from its conversation", async () => {
  await withInstance(async (url) => {
    const [alice, bob, mallory, carol] = authors(4);
    const key = directConversationKey(alice.key, [bob.key]);
    const first = message(alice, [bob.key], text("oops"));
    const second = message(alice, [bob.key], text("meant this"));
    await postLines(url, [first.line, second.line]);
    assert.equal((await conversation(url, key)).messages.length, 2);

    // Only its author can retract it.
    const refused = await fetch(`${url}/api/records`, {
      method: "POST",
      body: mallory.next("retract", { target: first.id }).line,
    });
    assert.equal(refused.status, 422);
    assert.equal((await refused.json()).reason, "retract_not_own");
    assert.equal((await inbox(url, bob.key)).messages.length, 2);

    await postLines(url, [alice.next("retract", { target: first.id }).line]);
    const only = {
      messages: [{ id: second.id, conversation: key, line: second.line }],
      cursor: null,
      names: {},
    };
    assert.deepEqual(await inbox(url, alice.key), only);
    assert.deepEqual(await inbox(url, bob.key), only);
    assert.deepEqual(await conversation(url, key), only);
    // The other conversation of bob is untouched by the retraction.
    const other = message(carol, [bob.key], text("still here"));
    await postLines(url, [other.line]);
    assert.deepEqual((await inbox(url, bob.key)).messages.map((m) => m.line), [
      other.line,
      second.line,
    ]);
  });
});

/** Opens an SSE stream; `next` waits at most `ms` for an `entry` event. */
async function openStream(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  let buffer = "";
  const read = async (event: string) => {
    while (true) {
      const at = buffer.indexOf("\n\n");
      if (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (!block.startsWith(`event: ${event}`)) continue;
        const data = block.split("\n").find((line) =>
          line.startsWith("data: ")
        )!;
        return JSON.parse(data.slice(6));
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
    }
  };
  const within = async <T>(promise: Promise<T>, ms: number, what: string) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no ${what} within ${ms} ms`)),
            ms,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  await within(read("ready"), 5_000, "ready event");
  return {
    next: (ms = 5_000) => within(read("entry"), ms, "entry event"),
    close: () => reader.cancel(),
  };
}

Deno.test("the messages stream tells a participant of dms they send or receive, and of nothing else", async () => {
  await withInstance(async (url) => {
    const [alice, bob, carol, dave] = authors(4);
    const ofBob = await openStream(
      `${url}/api/live?stream=messages:${bob.key}`,
    );
    const cookie = await openStream(`${url}/api/live?stream=messages`, {
      headers: { Cookie: `kith_author=${bob.key}` },
    });
    try {
      // Posted first, so an event for it would arrive before the next one.
      const aside = message(carol, [dave.key], text("not for bob"));
      const post = alice.next("post", { text: "public, not a dm" });
      const toBob = message(alice, [bob.key], text("for bob"));
      await postLines(url, [aside.line]);
      await postLines(url, [post.line]);
      await postLines(url, [toBob.line]);
      const direct = directConversationKey(alice.key, [bob.key]);
      const received = {
        id: toBob.id,
        author: alice.key,
        seq: toBob.entry.seq,
        type: "dm",
        conversation: direct,
      };
      assert.deepEqual(await ofBob.next(), received);
      assert.deepEqual(await cookie.next(), received);

      const salt = encodeBase64Url(new Uint8Array(16).fill(1));
      const group = groupIdOf(bob.key, salt);
      const fromBob = message(bob, [alice.key, carol.key], {
        kind: "message",
        text: "a group",
        group: { salt },
      }, group);
      await postLines(url, [fromBob.line]);
      const sent = {
        id: fromBob.id,
        author: bob.key,
        seq: fromBob.entry.seq,
        type: "dm",
        conversation: group,
      };
      assert.deepEqual(await ofBob.next(), sent);
      assert.deepEqual(await cookie.next(), sent);

      // Nothing more is coming for bob.
      await postLines(url, [
        message(dave, [carol.key], text("still not")).line,
      ]);
      await assert.rejects(ofBob.next(300), /no entry event within 300 ms/);
    } finally {
      await ofBob.close();
      await cookie.close();
    }
    for (const bad of ["messages:nope", "messages"]) {
      const response = await fetch(
        `${url}/api/live?stream=${encodeURIComponent(bad)}`,
      );
      assert.equal(response.status, 400, bad);
      const { reason } = await response.json();
      // A malformed key is a bad stream, as for author:<key>; no key and
      // no cookie is a missing viewer.
      assert.equal(reason, bad === "messages" ? "no_viewer" : "bad_stream");
    }
  });
});

Deno.test("a stranger who names a direct key as conv cannot join or hide that conversation", async () => {
  await withInstance(async (url) => {
    const [alice, bob, mallory] = authors(3);
    const direct = directConversationKey(alice.key, [bob.key]);
    const hello = message(alice, [bob.key], text("hello bob"));
    const intruder = message(
      mallory,
      [alice.key],
      text("I am in your DMs"),
      direct,
    );
    await postLines(url, [hello.line, intruder.line]);
    const listed = await conversation(url, direct);
    // The server files by the public envelope; the browser's fold decides.
    assert.equal(listed.messages.length, 2);
    const keys = new MessageKeys(alice.secretKey);
    const opened = listed.messages.map(({ line }) => {
      const envelope = envelopeOf(line);
      const { entry } = JSON.parse(line);
      return {
        id: entry.sig,
        author: entry.author,
        seq: entry.seq,
        ts: entry.ts,
        to: envelope.to,
        conv: envelope.conv,
        payload: openMessage(keys, envelope),
      };
    });
    const view = foldConversation(direct, opened, { reader: alice.key });
    assert.equal(view.kind, "direct");
    assert.deepEqual(view.members, [alice.key, bob.key].sort());
    assert.deepEqual(view.messages.map((m) => m.author), [alice.key]);
  });
});

Deno.test("listings name the people in them from their profiles", async () => {
  await withInstance(async (url) => {
    const [alice, bob, carol] = authors(3);
    await postLines(url, [
      alice.next("profile", { name: "Alice" }).line,
      carol.next("profile", { name: "Carol" }).line,
      message(alice, [bob.key, carol.key], text("hi both")).line,
    ]);
    const want = { [alice.key]: "Alice", [carol.key]: "Carol" };
    assert.deepEqual((await inbox(url, bob.key)).names, want);
    const key = directConversationKey(alice.key, [bob.key, carol.key]);
    assert.deepEqual((await conversation(url, key)).names, want);
  });
});

Deno.test("message pages are shells: sign-in prompt, island for readers, 400 for a bad key", async () => {
  await withInstance(async (url) => {
    const [alice] = authors(1);
    const key = directConversationKey(alice.key, [alice.key]);
    const signedOut = await fetchPage(`${url}/messages`);
    assert.match(signedOut, /Sign in to read your messages/);
    assert.doesNotMatch(signedOut, /<kith-island/);
    const inboxPage = await fetchPage(`${url}/messages`, { reader: alice.key });
    assert.match(inboxPage, /data-island/);
    assert.match(inboxPage, /needs\s+JavaScript/);
    const conversationPage = await fetchPage(`${url}/messages/${key}`, {
      reader: alice.key,
    });
    assert.match(conversationPage, /data-island/);
    assert.match(
      await fetchPage(`${url}/messages/${key}`),
      /Sign in to read this conversation/,
    );
    const bad = await fetchPage(`${url}/messages/not-a-key`, { status: 400 });
    assert.match(bad, /A conversation key is a SHA-256/);
  });
});
