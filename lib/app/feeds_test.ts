import assert from "node:assert/strict";
import { parseFeed } from "@rowanmanning/feed-parser";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import {
  type Content,
  decodeBase64Url,
  verifyRecord,
} from "../protocol/mod.ts";
import { type EntryWithContent, RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import {
  buildAuthorFeed,
  buildTagFeed,
  escapeXmlAttribute,
  escapeXmlText,
  FEED_LIMIT,
  feedResponse,
  type FeedSource,
  isFeedPost,
  itemTitle,
  JSON_FEED_VERSION,
  KITH_NAMESPACE,
  loadAuthorFeed,
  loadTagFeed,
  stripXmlForbidden,
  toAtom,
  toJsonFeed,
  truncate,
  xmlCanCarry,
} from "./feeds.ts";

const ORIGIN = "https://kith.test";
const HOSTILE =
  `</content><script>alert("x")</script> ]]> <![CDATA[ & 'q' "qq" <b>b</b> 🧑‍🚀 x`;

let clock = 1_700_000_000_000;
const tick = () => clock += 1_000;

/** A stored-looking item signed by `author`. */
function stored(
  author: ReturnType<typeof testAuthor>,
  type: Parameters<ReturnType<typeof testAuthor>["next"]>[0],
  content: Content,
): EntryWithContent {
  const { entry, id, line } = author.next(type, content);
  return { entry, id, line, content };
}

function source(
  items: EntryWithContent[],
  profiles: FeedSource["profiles"] = new Map(),
): FeedSource {
  return { items, profiles, origin: ORIGIN, instanceName: "Test & Co" };
}

/** Decodes XML character data exactly as an XML parser does (one pass). */
function xmlDecode(text: string): string {
  const named: Record<string, string> = {
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    amp: "&",
  };
  return text.replace(
    /&(?:(lt|gt|quot|apos|amp)|#(\d+)|#x([0-9a-fA-F]+));/g,
    (_, name, decimal, hex) =>
      name
        ? named[name]
        : String.fromCodePoint(decimal ? Number(decimal) : parseInt(hex, 16)),
  );
}

/** The Atom entries of `xml`, each as its raw markup. */
function atomEntries(xml: string): string[] {
  return [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]);
}

/** The decoded text of the only `<name ...>` element in `xml` (no markup inside). */
function element(xml: string, name: string): string | undefined {
  const found = new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`).exec(xml);
  return found ? xmlDecode(found[1]) : undefined;
}

/** The record line inside an entry's `<kith:record>`, base64url or text. */
function recordOf(entryXml: string): string {
  const found = /<kith:record( encoding="base64url")?>([^<]*)<\/kith:record>/
    .exec(entryXml);
  assert.ok(found, "entry has a kith:record");
  return found[1]
    ? new TextDecoder().decode(decodeBase64Url(found[2])!)
    : xmlDecode(found[2]);
}

Deno.test("XML escaping turns markup, quotes and CR into references and drops what XML 1.0 forbids", () => {
  assert.equal(
    escapeXmlText(HOSTILE),
    '&lt;/content&gt;&lt;script&gt;alert("x")&lt;/script&gt; ]]&gt; ' +
      "&lt;![CDATA[ &amp; 'q' \"qq\" &lt;b&gt;b&lt;/b&gt; 🧑‍🚀 x",
  );
  assert.equal(
    escapeXmlAttribute(`a"b'c&d<e>f\tg\nh\ri`),
    "a&quot;b&apos;c&amp;d&lt;e&gt;f&#9;g&#10;h&#13;i",
  );
  // Already-escaped text is escaped again, never passed through.
  assert.equal(escapeXmlText("&amp; &lt;"), "&amp;amp; &amp;lt;");
  // C0 controls (not tab/LF/CR), U+FFFE/U+FFFF and lone surrogates go.
  assert.equal(
    stripXmlForbidden("a\u0000b\u0001c\u0008d\u000be\u001ff\uFFFEg\uFFFFh"),
    "abcdefgh",
  );
  assert.equal(stripXmlForbidden("x\uD800y\uDFFFz"), "xyz");
  assert.equal(stripXmlForbidden("tab\tlf\ncr\r"), "tab\tlf\ncr\r");
  // Astral characters (a surrogate pair) and DEL/C1 stay: XML 1.0 allows them.
  assert.equal(stripXmlForbidden("😀\u007f\u0085"), "😀\u007f\u0085");
  assert.equal(escapeXmlText("a\r\nb\u0000"), "a&#13;\nb");
  assert.equal(xmlCanCarry("ok 😀 \t\n"), true);
  assert.equal(xmlCanCarry("\uFFFF"), false);
  assert.equal(xmlCanCarry("\u0007"), false);
});

Deno.test("titles: the first non-blank line up to 80 characters, CW first, emoji never split", () => {
  const key = "usAbIUbLe7SMf7qSnll9Huaqh7PTIhXA-yRHNR9Txuk";
  assert.equal(
    itemTitle({ text: "\n  Hello   there \nsecond" }, key),
    "Hello there",
  );
  assert.equal(
    itemTitle({ text: "body", cw: "spoilers\nahead" }, key),
    "CW: spoilers ahead",
  );
  assert.equal(itemTitle({ text: " \n\t" }, key), "Post by usAbIUbL");
  const long = itemTitle({ text: "a".repeat(200) }, key);
  assert.equal([...long].length, 80);
  assert.ok(long.endsWith("…"));
  // 78 letters then a 7-code-point astronaut: cutting inside it is refused.
  const emoji = truncate("a".repeat(78) + "🧑‍🚀🧑‍🚀", 80);
  assert.equal(emoji, "a".repeat(78) + "…");
  assert.equal(truncate("short 😀", 80), "short 😀");
});

Deno.test("the Atom feed escapes hostile text, keeps it intact for parsers and carries verifiable records", async () => {
  const alice = testAuthor({ ts: tick });
  const first = stored(alice, "post", {
    text: HOSTILE,
    tags: ["deno", "café"],
  });
  const reply = stored(alice, "post", {
    text: "A reply\nwith two lines",
    root: first.id,
    parent: first.id,
    cw: `spoiler <b>&</b> "x"`,
  });
  const xml = toAtom(buildAuthorFeed(
    alice.key,
    source([reply, first], new Map([[alice.key, { name: `Ada <"&">` }]])),
  ));

  assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed'));
  assert.ok(xml.includes(`xmlns:kith="${KITH_NAMESPACE}"`));
  assert.ok(!xml.includes("<script"), "no markup from user text");
  assert.ok(!xml.includes("]]>"), "no raw ]]>");
  assert.ok(!xml.includes("<![CDATA["));
  assert.ok(!xml.includes("<b>"));

  const entries = atomEntries(xml);
  assert.equal(entries.length, 2);
  const [replyXml, firstXml] = entries;
  assert.equal(element(firstXml, "content"), HOSTILE);
  assert.equal(element(firstXml, "id"), `urn:kith:entry:${first.id}`);
  assert.equal(
    element(firstXml, "published"),
    new Date(first.entry.ts).toISOString(),
  );
  assert.equal(element(firstXml, "name"), `Ada <"&">`);
  assert.match(firstXml, /<category term="deno"\/>/);
  assert.match(firstXml, /<category term="café"\/>/);
  assert.ok(firstXml.includes(
    `<kith:entry id="${first.id}" seq="1" author="${alice.key}" sig="${first.entry.sig}"/>`,
  ));
  assert.equal(element(replyXml, "title"), `CW: spoiler <b>&</b> "x"`);
  assert.equal(element(replyXml, "summary"), `CW: spoiler <b>&</b> "x"`);
  assert.equal(element(replyXml, "content"), "A reply\nwith two lines");
  assert.ok(replyXml.includes(
    `<thr:in-reply-to ref="urn:kith:entry:${first.id}" href="${ORIGIN}/posts/${first.id}" type="text/html"/>`,
  ));
  for (
    const [entryXml, item] of [[replyXml, reply], [firstXml, first]] as const
  ) {
    const line = recordOf(entryXml);
    assert.equal(line, item.line);
    const verified = await verifyRecord(line, {
      now: Date.now(),
      verify: verifyEd25519,
    });
    assert.equal(verified.id, item.id);
  }

  // An independent parser reads the same values back.
  const parsed = parseFeed(xml);
  assert.equal(parsed.meta.type, "atom");
  assert.equal(parsed.title, 'Ada <"&"> · Test & Co');
  assert.equal(parsed.url, `${ORIGIN}/authors/${alice.key}`);
  assert.equal(parsed.self, `${ORIGIN}/authors/${alice.key}/feed.atom`);
  assert.deepEqual(parsed.items.map((item) => item.id), [
    `urn:kith:entry:${reply.id}`,
    `urn:kith:entry:${first.id}`,
  ]);
  assert.deepEqual(parsed.items.map((item) => item.url), [
    `${ORIGIN}/posts/${reply.id}`,
    `${ORIGIN}/posts/${first.id}`,
  ]);
  assert.equal(parsed.items[1].content, HOSTILE);
  assert.equal(parsed.items[1].title, HOSTILE);
  assert.deepEqual(parsed.items[1].categories.map((c) => c.term), [
    "deno",
    "café",
  ]);
});

Deno.test("records XML cannot carry travel as base64url; the text loses only the forbidden characters", async () => {
  const alice = testAuthor({ ts: tick });
  const item = stored(alice, "post", { text: "odd \uFFFF char \uFFFE" });
  const xml = toAtom(buildAuthorFeed(alice.key, source([item])));
  const [entryXml] = atomEntries(xml);
  assert.match(entryXml, /<kith:record encoding="base64url">/);
  assert.equal(element(entryXml, "content"), "odd  char ");
  assert.ok(xmlCanCarry(xml));
  const line = recordOf(entryXml);
  assert.equal(line, item.line);
  assert.equal(
    (await verifyRecord(line, { now: Date.now(), verify: verifyEd25519 })).id,
    item.id,
  );
});

Deno.test("posts that fail the protocol's checks are left out; the others still make the feed", () => {
  const alice = testAuthor({ ts: tick });
  const before = stored(alice, "post", { text: "before it" });
  const controls = stored(alice, "post", { text: "placeholder" });
  const notText = stored(alice, "post", { text: "placeholder" });
  const badTime = stored(alice, "post", { text: "bad time" });
  const after = stored(alice, "post", { text: "after it" });
  const tampered: EntryWithContent[] = [
    after,
    // A text the protocol refuses; a text that is no string at all.
    { ...controls, content: { text: "bell\u0007 nul\u0000", cw: "c\u0001w" } },
    { ...notText, content: { text: { html: "<b>x</b>" } } as never },
    // A timestamp Date cannot show.
    { ...badTime, entry: { ...badTime.entry, ts: "soon" as never } },
    before,
  ];
  assert.deepEqual(tampered.map(isFeedPost), [true, false, false, false, true]);
  const feed = buildAuthorFeed(alice.key, source(tampered));
  assert.deepEqual(feed.items.map((item) => item.id), [after.id, before.id]);
  const xml = toAtom(feed);
  assert.ok(xmlCanCarry(xml));
  assert.deepEqual(
    atomEntries(xml).map((entryXml) => element(entryXml, "content")),
    ["after it", "before it"],
  );
  assert.deepEqual(
    toJsonFeed(feed).items.map((item) => item.content_text),
    ["after it", "before it"],
  );
});

Deno.test("feeds skip retracted posts and other entry types, and keep the newest 50", () => {
  const alice = testAuthor({ ts: tick });
  const items: EntryWithContent[] = [];
  for (let i = 0; i < FEED_LIMIT + 10; i++) {
    items.push(stored(alice, "post", { text: `post ${i}` }));
  }
  const follow = stored(alice, "follow", { target: alice.key });
  const gone = stored(alice, "post", { text: "retracted" });
  const newestFirst = [
    { ...gone, content: null },
    follow,
    ...items.reverse(),
  ];
  const feed = buildAuthorFeed(alice.key, source(newestFirst));
  assert.equal(feed.items.length, FEED_LIMIT);
  assert.equal(feed.items[0].text, `post ${FEED_LIMIT + 9}`);
  assert.ok(feed.items.every((item) => item.id !== gone.id));
  assert.equal(feed.updated, feed.items[0].published);
  assert.equal(atomEntries(toAtom(feed)).length, FEED_LIMIT);
  assert.equal(toJsonFeed(feed).items.length, FEED_LIMIT);
});

Deno.test("an empty tag feed is valid: epoch updated, no items", () => {
  const feed = buildTagFeed("nothing", source([]));
  assert.equal(feed.updated, "1970-01-01T00:00:00.000Z");
  const parsed = parseFeed(toAtom(feed));
  assert.equal(parsed.items.length, 0);
  assert.equal(parsed.title, "#nothing · Test & Co");
  assert.deepEqual(toJsonFeed(feed).items, []);
});

Deno.test("JSON Feed 1.1: fields, _kith extension, names from profiles or short keys", async () => {
  const alice = testAuthor({ ts: tick });
  const bob = testAuthor({ ts: tick });
  const a = stored(alice, "post", {
    text: HOSTILE,
    tags: ["deno"],
    cw: "hot take",
  });
  const b = stored(bob, "post", {
    text: "answer",
    tags: ["deno"],
    root: a.id,
    parent: a.id,
  });
  const profiles = new Map([[alice.key, {
    name: "Alice",
    avatar: "https://img.test/a.png",
  }], [bob.key, { avatar: "data:image/png;base64,AAAA" }]]);
  const json = JSON.parse(
    JSON.stringify(toJsonFeed(buildTagFeed("deno", source([b, a], profiles)))),
  );
  assert.equal(json.version, JSON_FEED_VERSION);
  assert.equal(json.title, "#deno · Test & Co");
  assert.equal(json.home_page_url, `${ORIGIN}/tags/deno`);
  assert.equal(json.feed_url, `${ORIGIN}/tags/deno/feed.json`);
  assert.deepEqual(json._kith, { tag: "deno" });
  assert.equal(json.authors, undefined);
  const [first, second] = json.items;
  assert.deepEqual(first, {
    id: `urn:kith:entry:${b.id}`,
    url: `${ORIGIN}/posts/${b.id}`,
    title: "answer",
    content_text: "answer",
    date_published: new Date(b.entry.ts).toISOString(),
    date_modified: new Date(b.entry.ts).toISOString(),
    authors: [{
      name: bob.key.slice(0, 8),
      url: `${ORIGIN}/authors/${bob.key}`,
    }],
    tags: ["deno"],
    _kith: {
      entry_id: b.id,
      seq: 1,
      author: bob.key,
      sig: b.entry.sig,
      record: b.line,
      log: `${ORIGIN}/api/authors/${bob.key}/log`,
      in_reply_to: a.id,
    },
  });
  assert.equal(second.content_text, HOSTILE);
  assert.equal(second.title, "CW: hot take");
  assert.equal(second.summary, "CW: hot take");
  assert.deepEqual(second.authors, [{
    name: "Alice",
    url: `${ORIGIN}/authors/${alice.key}`,
    avatar: "https://img.test/a.png",
  }]);
  for (const item of json.items) {
    const verified = await verifyRecord(item._kith.record, {
      now: Date.now(),
      verify: verifyEd25519,
    });
    assert.equal(verified.id, item._kith.entry_id);
  }

  const authorJson = toJsonFeed(
    buildAuthorFeed(alice.key, source([a], profiles)),
  );
  assert.deepEqual(authorJson._kith, {
    author: alice.key,
    log: `${ORIGIN}/api/authors/${alice.key}/log`,
  });
  assert.deepEqual(authorJson.authors, [{
    name: "Alice",
    url: `${ORIGIN}/authors/${alice.key}`,
    avatar: "https://img.test/a.png",
  }]);
  assert.equal(authorJson.feed_url, `${ORIGIN}/authors/${alice.key}/feed.json`);
});

Deno.test("feedResponse sets content types, no-cache and an ETag that answers 304", async () => {
  const alice = testAuthor({ ts: tick });
  const feed = buildAuthorFeed(
    alice.key,
    source([stored(alice, "post", { text: "hi" })]),
  );
  const atom = await feedResponse(new Request("http://x/"), feed, "atom");
  assert.equal(
    atom.headers.get("content-type"),
    "application/atom+xml; charset=utf-8",
  );
  assert.equal(atom.headers.get("cache-control"), "no-cache");
  const etag = atom.headers.get("etag")!;
  assert.match(etag, /^W\/"[A-Za-z0-9_-]{27}"$/);
  assert.equal(await atom.text(), toAtom(feed));

  const json = await feedResponse(new Request("http://x/"), feed, "json");
  assert.equal(
    json.headers.get("content-type"),
    "application/feed+json; charset=utf-8",
  );
  assert.notEqual(json.headers.get("etag"), etag);
  assert.deepEqual(await json.json(), toJsonFeed(feed));

  for (const header of [etag, etag.slice(2), `"other", ${etag}`, "*"]) {
    const again = await feedResponse(
      new Request("http://x/", { headers: { "If-None-Match": header } }),
      feed,
      "atom",
    );
    assert.equal(again.status, 304, header);
    assert.equal(again.headers.get("etag"), etag);
    assert.equal(await again.text(), "");
  }
  const changed = await feedResponse(
    new Request("http://x/", { headers: { "If-None-Match": 'W/"other"' } }),
    feed,
    "atom",
  );
  assert.equal(changed.status, 200);
  await changed.body?.cancel();
});

Deno.test("loading reads past other entry types and leaves out retracted posts", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const ingest = new Ingest(new RecordStore(kv), {
      verify: verifyEd25519,
      now: Date.now,
    });
    const alice = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const lines = [alice.next("profile", { name: "Alice" }).line];
    const posts = [1, 2, 3].map((i) =>
      alice.next("post", { text: `post ${i}`, tags: ["deno"] })
    );
    lines.push(...posts.map((p) => p.line));
    lines.push(alice.next("retract", { target: posts[1].id }).line);
    // More non-posts than one page of the log scan.
    for (let i = 0; i < 450; i++) {
      lines.push(
        alice.next("react", {
          target: posts[0].id,
          targetAuthor: alice.key,
          reaction: "like",
        }).line,
      );
    }
    const fromBob = bob.next("post", { text: "bob", tags: ["deno"] });
    lines.push(fromBob.line);
    const outcomes = await ingest.submit(lines, { source: "client" });
    assert.ok(outcomes.every((outcome) => outcome.status === "created"));

    const author = await loadAuthorFeed(kv, alice.key);
    assert.deepEqual(author.items.map((item) => item.id), [
      posts[2].id,
      posts[0].id,
    ]);
    assert.deepEqual([...author.profiles], [[alice.key, { name: "Alice" }]]);

    const tag = await loadTagFeed(kv, "deno");
    assert.deepEqual(tag.items.map((item) => item.id), [
      fromBob.id,
      posts[2].id,
      posts[0].id,
    ]);
    assert.deepEqual([...tag.profiles.keys()], [alice.key]);
    assert.deepEqual((await loadTagFeed(kv, "none")).items, []);
  } finally {
    kv.close();
  }
});
