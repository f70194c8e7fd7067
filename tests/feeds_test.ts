/** Atom and JSON Feed 1.1 of authors and hashtags, over real HTTP. */
import assert from "node:assert/strict";
import { parseFeed } from "@rowanmanning/feed-parser";
import { verifyEd25519 } from "../lib/crypto/mod.ts";
import { decodeBase64Url, verifyRecord } from "../lib/protocol/mod.ts";
import {
  corruptStoredContent,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";

const HOSTILE =
  `</content><script>alert("pwn")</script> ]]> <![CDATA[x]]> a & b 'q' "qq" 😀🧑‍🚀`;
const ATOM = "application/atom+xml; charset=utf-8";
const JSON_FEED = "application/feed+json; charset=utf-8";

async function post(url: string, line: string) {
  const response = await fetch(`${url}/api/records`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: line,
  });
  const body = await response.text();
  assert.ok(response.ok, body);
}

async function get(
  url: string,
  contentType: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, { headers });
  const body = await response.text();
  assert.equal(response.status, 200, `${url}: ${body.slice(0, 300)}`);
  assert.equal(response.headers.get("content-type"), contentType, url);
  assert.equal(response.headers.get("cache-control"), "no-cache", url);
  assert.ok(response.headers.get("etag"), url);
  return { body, etag: response.headers.get("etag")! };
}

async function refusal(url: string, status: number, reason: string) {
  const json = await fetch(url, { headers: { Accept: "application/json" } });
  assert.equal(json.status, status, url);
  assert.equal((await json.json()).reason, reason, url);
  const html = await fetch(url);
  assert.equal(html.status, status, url);
  assert.match(html.headers.get("content-type") ?? "", /^text\/html/);
  await html.body?.cancel();
}

/** Checks a JSON Feed 1.1 document's required structure, as the spec states it. */
// deno-lint-ignore no-explicit-any
function assertJsonFeed11(feed: any) {
  assert.equal(feed.version, "https://jsonfeed.org/version/1.1");
  assert.equal(typeof feed.title, "string");
  for (const key of ["home_page_url", "feed_url"]) {
    assert.ok(URL.canParse(feed[key]), key);
  }
  assert.ok(Array.isArray(feed.items));
  const ids = new Set<string>();
  for (const item of feed.items) {
    assert.equal(typeof item.id, "string");
    assert.ok(!ids.has(item.id), "ids are unique");
    ids.add(item.id);
    assert.ok(
      typeof item.content_text === "string" ||
        typeof item.content_html === "string",
      "an item has content_text or content_html",
    );
    assert.equal(item.content_html, undefined, "Kith sends text only");
    assert.ok(URL.canParse(item.url));
    // RFC 3339 dates.
    for (const key of ["date_published", "date_modified"]) {
      assert.match(item[key], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    assert.ok(Array.isArray(item.authors) && item.authors.length > 0);
    for (const author of item.authors) {
      assert.equal(typeof author.name, "string");
    }
    if (item.tags !== undefined) {
      assert.ok(item.tags.every((tag: unknown) => typeof tag === "string"));
    }
    // Extensions start with an underscore.
    for (const key of Object.keys(item)) {
      assert.ok(
        [
          "id",
          "url",
          "title",
          "summary",
          "content_text",
          "date_published",
          "date_modified",
          "authors",
          "tags",
        ].includes(key) || key.startsWith("_"),
        `unexpected item key ${key}`,
      );
    }
  }
}

/** The decoded `<kith:record>` line of each Atom entry, in order. */
function atomRecords(xml: string): string[] {
  return [
    ...xml.matchAll(
      /<kith:record( encoding="base64url")?>([^<]*)<\/kith:record>/g,
    ),
  ].map(([, base64, text]) =>
    base64 ? new TextDecoder().decode(decodeBase64Url(text)!) : text.replace(
      /&(lt|gt|quot|apos|amp|#\d+);/g,
      (_, name: string) =>
        name.startsWith("#")
          ? String.fromCodePoint(Number(name.slice(1)))
          : { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" }[name]!,
    )
  );
}

async function verifiedId(line: string): Promise<string> {
  return (await verifyRecord(line, { now: Date.now(), verify: verifyEd25519 }))
    .id;
}

Deno.test("author and hashtag feeds in Atom and JSON Feed 1.1 carry verifiable records", async () => {
  const instance = await startTestInstance(["--name", "Feedtown"]);
  try {
    const { url } = instance;
    const alice = testAuthor();
    const bob = testAuthor();
    await post(url, alice.next("profile", { name: `Alice <&> "A"` }).line);
    const hostile = alice.next("post", {
      text: HOSTILE,
      tags: ["kith", "café"],
    });
    await post(url, hostile.line);
    const warned = alice.next("post", {
      text: "The ending of the film\nis surprising",
      tags: ["kith"],
      cw: "film spoilers",
    });
    await post(url, warned.line);
    await post(url, alice.next("follow", { target: bob.key }).line);
    const retracted = alice.next("post", { text: "oops", tags: ["kith"] });
    await post(url, retracted.line);
    await post(url, alice.next("retract", { target: retracted.id }).line);
    const reply = bob.next("post", {
      text: "Replying to Alice",
      tags: ["kith"],
      root: hostile.id,
      parent: hostile.id,
    });
    await post(url, reply.line);

    // --- Author feed, Atom
    const authorUrl = `${url}/authors/${alice.key}`;
    const atom = await get(`${authorUrl}/feed.atom`, ATOM);
    assert.ok(!atom.body.includes("<script"));
    assert.ok(!atom.body.includes("]]>"));
    assert.ok(atom.body.includes('xmlns:kith="urn:kith:ns:1"'));
    assert.ok(atom.body.includes(
      `<link rel="related" type="application/x-ndjson" title="Signed log" href="${url}/api/authors/${alice.key}/log"/>`,
    ));
    const parsedAtom = parseFeed(atom.body);
    assert.equal(parsedAtom.meta.type, "atom");
    assert.equal(parsedAtom.title, `Alice <&> "A" · Feedtown`);
    assert.equal(parsedAtom.url, authorUrl);
    assert.equal(parsedAtom.self, `${authorUrl}/feed.atom`);
    assert.deepEqual(
      parsedAtom.items.map((item) => [item.id, item.url, item.title]),
      [
        [
          `urn:kith:entry:${warned.id}`,
          `${url}/posts/${warned.id}`,
          "CW: film spoilers",
        ],
        [`urn:kith:entry:${hostile.id}`, `${url}/posts/${hostile.id}`, HOSTILE],
      ],
      "newest first; the retracted post, the follow and the profile are left out",
    );
    assert.equal(parsedAtom.items[1].content, HOSTILE);
    assert.equal(
      parsedAtom.items[0].content,
      "The ending of the film\nis surprising",
    );
    assert.deepEqual(parsedAtom.items[1].authors.map((a) => a.name), [
      `Alice <&> "A"`,
    ]);
    assert.deepEqual(parsedAtom.items[1].categories.map((c) => c.term), [
      "kith",
      "café",
    ]);
    assert.equal(
      parsedAtom.items[1].published?.toISOString(),
      new Date(hostile.entry.ts).toISOString(),
    );
    const atomLines = atomRecords(atom.body);
    assert.deepEqual(atomLines, [warned.line, hostile.line]);
    for (const [i, line] of atomLines.entries()) {
      assert.equal(await verifiedId(line), [warned.id, hostile.id][i]);
    }
    assert.ok(atom.body.includes(
      `<kith:entry id="${hostile.id}" seq="2" author="${alice.key}" sig="${hostile.entry.sig}"/>`,
    ));

    // --- Author feed, JSON Feed
    const json = await get(`${authorUrl}/feed.json`, JSON_FEED);
    const authorFeed = JSON.parse(json.body);
    assertJsonFeed11(authorFeed);
    assert.equal(authorFeed.home_page_url, authorUrl);
    assert.equal(authorFeed.feed_url, `${authorUrl}/feed.json`);
    assert.deepEqual(authorFeed._kith, {
      author: alice.key,
      log: `${url}/api/authors/${alice.key}/log`,
    });
    assert.deepEqual(authorFeed.authors, [{
      name: `Alice <&> "A"`,
      url: authorUrl,
    }]);
    assert.deepEqual(
      // deno-lint-ignore no-explicit-any
      authorFeed.items.map((item: any) => [item.id, item.title, item.summary]),
      [
        [
          `urn:kith:entry:${warned.id}`,
          "CW: film spoilers",
          "CW: film spoilers",
        ],
        [`urn:kith:entry:${hostile.id}`, HOSTILE, undefined],
      ],
    );
    assert.equal(authorFeed.items[1].content_text, HOSTILE);
    assert.deepEqual(authorFeed.items[1].tags, ["kith", "café"]);
    assert.deepEqual(authorFeed.items[1]._kith, {
      entry_id: hostile.id,
      seq: 2,
      author: alice.key,
      sig: hostile.entry.sig,
      record: hostile.line,
      log: `${url}/api/authors/${alice.key}/log`,
    });
    for (const item of authorFeed.items) {
      assert.equal(await verifiedId(item._kith.record), item._kith.entry_id);
    }

    // --- Tag feed, both formats
    const tagUrl = `${url}/tags/kith`;
    const tagAtom = await get(`${tagUrl}/feed.atom`, ATOM);
    const parsedTag = parseFeed(tagAtom.body);
    assert.equal(parsedTag.title, "#kith · Feedtown");
    assert.equal(parsedTag.url, tagUrl);
    assert.equal(parsedTag.self, `${tagUrl}/feed.atom`);
    assert.deepEqual(parsedTag.items.map((item) => item.id), [
      `urn:kith:entry:${reply.id}`,
      `urn:kith:entry:${warned.id}`,
      `urn:kith:entry:${hostile.id}`,
    ]);
    assert.deepEqual(parsedTag.items[0].authors.map((a) => a.name), [
      bob.key.slice(0, 8),
    ]);
    assert.ok(tagAtom.body.includes(
      `<thr:in-reply-to ref="urn:kith:entry:${hostile.id}" href="${url}/posts/${hostile.id}" type="text/html"/>`,
    ));
    const tagLines = atomRecords(tagAtom.body);
    assert.deepEqual(tagLines, [reply.line, warned.line, hostile.line]);
    for (const line of tagLines) await verifiedId(line);

    const tagFeed = JSON.parse(
      (await get(`${tagUrl}/feed.json`, JSON_FEED)).body,
    );
    assertJsonFeed11(tagFeed);
    assert.deepEqual(tagFeed._kith, { tag: "kith" });
    assert.equal(tagFeed.home_page_url, tagUrl);
    const [first] = tagFeed.items;
    assert.equal(first.title, "Replying to Alice");
    assert.equal(first._kith.in_reply_to, hostile.id);
    assert.equal(first._kith.author, bob.key);
    assert.equal(await verifiedId(first._kith.record), reply.id);
    // Each item links its author's raw log, which holds the same line.
    assert.equal(first._kith.log, `${url}/api/authors/${bob.key}/log`);
    const log = await (await fetch(first._kith.log)).text();
    assert.ok(log.split("\n").includes(first._kith.record));

    // A non-ASCII tag, percent-encoded; an uppercase tag is normalized.
    const cafe = JSON.parse(
      (await get(`${url}/tags/caf%C3%A9/feed.json`, JSON_FEED)).body,
    );
    assert.deepEqual(
      // deno-lint-ignore no-explicit-any
      cafe.items.map((item: any) => item._kith.entry_id),
      [hostile.id],
    );
    assert.equal(cafe.home_page_url, `${url}/tags/caf%C3%A9`);
    const upper = JSON.parse(
      (await get(`${url}/tags/KITH/feed.json`, JSON_FEED)).body,
    );
    assert.equal(upper.items.length, 3);

    // An unknown but valid tag: an empty, valid feed.
    const none = await get(`${url}/tags/nothing_here/feed.atom`, ATOM);
    assert.equal(parseFeed(none.body).items.length, 0);
    const noneJson = JSON.parse(
      (await get(`${url}/tags/nothing_here/feed.json`, JSON_FEED)).body,
    );
    assertJsonFeed11(noneJson);
    assert.deepEqual(noneJson.items, []);

    // Conditional requests.
    const again = await fetch(`${authorUrl}/feed.atom`, {
      headers: { "If-None-Match": atom.etag },
    });
    assert.equal(again.status, 304);
    await again.body?.cancel();
    await post(url, alice.next("post", { text: "news" }).line);
    const changed = await fetch(`${authorUrl}/feed.atom`, {
      headers: { "If-None-Match": atom.etag },
    });
    assert.equal(changed.status, 200);
    assert.equal(parseFeed(await changed.text()).items[0].title, "news");

    // Errors.
    const unknown = testAuthor().key;
    for (const format of ["atom", "json"]) {
      await refusal(
        `${url}/authors/${unknown}/feed.${format}`,
        404,
        "unknown_author",
      );
      await refusal(`${url}/authors/nope/feed.${format}`, 400, "bad_author");
      await refusal(`${url}/tags/no-dash/feed.${format}`, 400, "bad_tag");
      await refusal(
        `${url}/tags/${"x".repeat(65)}/feed.${format}`,
        400,
        "bad_tag",
      );
    }

    // The author page advertises both feeds.
    const page = await (await fetch(authorUrl)).text();
    assert.match(
      page,
      new RegExp(
        `<link rel="alternate" type="application/atom\\+xml" title="Alice &lt;&amp;[^"]* \\(Atom\\)" href="/authors/${alice.key}/feed\\.atom">`,
      ),
    );
    assert.match(
      page,
      new RegExp(
        `<link rel="alternate" type="application/feed\\+json" title="Alice &lt;&amp;[^"]* \\(JSON Feed\\)" href="/authors/${alice.key}/feed\\.json">`,
      ),
    );
  } finally {
    await instance.close();
  }
});

Deno.test("a stored post that fails the protocol's checks is left out; the feeds answer 200 with the other posts", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const { kv } = instance.info;
    const alice = testAuthor();
    const before = alice.next("post", { text: "before it", tags: ["kith"] });
    const broken = alice.next("post", { text: "broken", tags: ["kith"] });
    const controls = alice.next("post", { text: "controls", tags: ["kith"] });
    const after = alice.next("post", { text: "after it", tags: ["kith"] });
    for (const record of [before, broken, controls, after]) {
      await post(url, record.line);
    }
    await corruptStoredContent(kv, broken, {
      tags: ["kith"],
      text: { html: "<b>x</b>" },
    });
    await corruptStoredContent(kv, controls, {
      tags: ["kith"],
      text: "bell\u0007",
    });

    for (const feedUrl of [`${url}/authors/${alice.key}`, `${url}/tags/kith`]) {
      const atom = await get(`${feedUrl}/feed.atom`, ATOM);
      assert.deepEqual(
        parseFeed(atom.body).items.map((item) => item.id),
        [`urn:kith:entry:${after.id}`, `urn:kith:entry:${before.id}`],
        feedUrl,
      );
      assert.ok(!atom.body.includes("&lt;b&gt;x"), feedUrl);
      assert.deepEqual(atomRecords(atom.body), [after.line, before.line]);
      const json = JSON.parse(
        (await get(`${feedUrl}/feed.json`, JSON_FEED)).body,
      );
      assertJsonFeed11(json);
      assert.deepEqual(
        // deno-lint-ignore no-explicit-any
        json.items.map((item: any) => [item._kith.entry_id, item.content_text]),
        [[after.id, "after it"], [before.id, "before it"]],
        feedUrl,
      );
    }
  } finally {
    await instance.close();
  }
});
