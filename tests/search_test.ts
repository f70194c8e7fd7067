/** The search page: authors, hashtags and posts, bounded and escaped. */
import assert from "node:assert/strict";
import { parseQuery, searchPosts } from "../lib/app/search.ts";
import { fingerprint } from "../lib/identity/mod.ts";
import {
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";

const post = postLines;

const page = (url: string, status = 200) => fetchPage(url, { status });

const search = (url: string, q: string, status = 200) =>
  page(`${url}/search?${new URLSearchParams({ q })}`, status);

/** The section of `html` from the heading with `id` to the next group. */
function group(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return "";
  const end = html.indexOf('<section aria-labelledby="search-', start);
  return html.slice(start, end < 0 ? undefined : end);
}

Deno.test("search finds authors, hashtags and posts, escapes, bounds and paginates", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    let clock = Date.now() - 3_600_000;
    const tick = () => clock += 1_000;
    const zoe = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const nameless = testAuthor({ ts: tick });
    await post(url, [zoe.next("profile", { name: "Zoë Ångström" }).line]);
    await post(url, [
      zoe.next("post", {
        text: "Morning café in Zürich #Coffee",
        tags: ["coffee"],
      }).line,
    ]);
    await post(url, [
      bob.next("post", {
        text: "<script>alert(1)</script> needle in a haystack",
      }).line,
    ]);
    await post(url, [
      bob.next("post", { text: "Learning #Deno today", tags: ["deno"] }).line,
      bob.next("post", { text: "More #deno", tags: ["deno"] }).line,
      bob.next("post", { text: "About #DenoLand", tags: ["denoland"] }).line,
    ]);
    await post(url, [
      nameless.next("post", { text: "hello from nowhere" }).line,
    ]);
    await post(
      url,
      Array.from(
        { length: 25 },
        (_, i) => bob.next("post", { text: `bulk item ${i + 1}` }).line,
      ),
    );

    // No query: the form and the tips, no results.
    const empty = await page(`${url}/search`);
    assert.match(empty, /<form role="search" method="get"[^>]*>/);
    assert.match(empty, /<label for="search-q">/);
    assert.match(empty, /<input id="search-q" type="search" name="q"/);
    assert.match(empty, /What you can search/);
    assert.ok(!empty.includes('id="search-posts"'));

    // Words, whatever the case and accents.
    const cafe = await search(url, "CAFE zurich");
    assert.match(group(cafe, "search-posts"), /Morning café in Zürich/);
    assert.match(cafe, /Searched all 31 posts held here\./);
    assert.ok(!group(cafe, "search-posts").includes("bulk"));

    // Authors by name, accent-insensitive, with handle and fingerprint.
    const byName = group(await search(url, "zoe angstrom"), "search-authors");
    assert.match(
      byName,
      new RegExp(
        `<a href="/authors/${zoe.key}"><strong><bdi>Zoë Ångström</bdi>`,
      ),
    );
    assert.ok(byName.includes(fingerprint(zoe.key)));
    assert.match(byName, /@zoë_ångström/);
    assert.match(
      group(await search(url, "@zoe_angstrom"), "search-authors"),
      new RegExp(zoe.key),
    );

    // Authors by fingerprint (with or without dash, any case) and key prefix.
    const print = fingerprint(nameless.key);
    for (const q of [print, print.replace("-", "").toLowerCase()]) {
      const found = group(await search(url, q), "search-authors");
      assert.match(found, new RegExp(`href="/authors/${nameless.key}"`), q);
    }
    const prefix = group(
      await search(url, bob.key.slice(0, 8)),
      "search-authors",
    );
    assert.match(prefix, new RegExp(`href="/authors/${bob.key}"`));
    assert.match(
      group(await search(url, "nobody-here-at-all"), "search-authors"),
      /No authors match/,
    );

    // Hashtags: the tag, its count, tags starting with it; posts tagged.
    const deno = await search(url, "#Deno");
    const tags = group(deno, "search-tags");
    assert.match(
      tags,
      /href="\/tags\/deno" class="hashtag">#deno<\/a> <span class="muted">2 posts/,
    );
    assert.match(
      tags,
      /href="\/tags\/denoland" class="hashtag">#denoland<\/a> <span class="muted">1 post</,
    );
    const tagged = group(deno, "search-posts");
    assert.match(tagged, /Learning/);
    assert.ok(!tagged.includes("About"), "#deno is not #denoland");
    assert.match(
      group(await search(url, "coffee"), "search-tags"),
      /#coffee<\/a> <span class="muted">1 post/,
    );

    // Hostile text is escaped, in the posts and in the query itself.
    const hostile = await search(url, '"><script>alert(1)</script>');
    assert.ok(!hostile.includes("<script>alert(1)</script>"));
    assert.match(
      hostile,
      /value="&quot;>&lt;script>alert\(1\)&lt;\/script>"|value="&quot;&gt;&lt;script&gt;/,
    );
    assert.match(group(hostile, "search-posts"), /needle in a haystack/);

    // Twenty matches per page, an honest bound, and "More results".
    const bulk = await search(url, "bulk");
    const first = group(bulk, "search-posts");
    assert.equal((first.match(/class="entry-card/g) ?? []).length, 20);
    assert.match(first, /bulk item 25/);
    assert.ok(!first.includes(">bulk item 5<"));
    assert.match(first, /Searched the newest 20 posts\./);
    const more = first.match(
      /href="(\/search\?q=bulk&amp;cursor=[^"]+)" rel="next"[^>]*>More results/,
    );
    assert.ok(more, "a More results link");
    const second = group(
      await page(url + more[1].replaceAll("&amp;", "&")),
      "search-posts",
    );
    assert.equal((second.match(/class="entry-card/g) ?? []).length, 5);
    assert.match(second, /bulk item 1</);
    assert.match(second, /Searched the remaining 11 older posts/);
    assert.ok(!second.includes('rel="next"'));

    // Nothing found: empty states that say what to try.
    const none = await search(url, "xylophone");
    assert.match(group(none, "search-posts"), /No recent posts match/);
    assert.match(none, /Try fewer or shorter words/);
    assert.ok(!none.includes('id="search-tags"'), "an unused word is no tag");
    assert.match(
      group(await search(url, "a"), "search-posts"),
      /a word of two letters or more/,
    );

    // Bad input.
    await search(url, "x".repeat(201), 400);
    const api = await fetch(
      `${url}/search?q=${"x".repeat(201)}`,
      { headers: { Accept: "application/json" } },
    );
    assert.equal(api.status, 400);
    assert.equal((await api.json()).reason, "bad_query");
    await page(`${url}/search?q=bulk&cursor=garbage`, 400);

    // The scan bounds, directly: entries read, and time between batches.
    const { kv } = instance.info;
    const query = parseQuery("bulk");
    const bounded = await searchPosts(kv, query, { scan: 10 });
    assert.equal(bounded.stoppedBy, "scan");
    assert.equal(bounded.scanned, 10);
    assert.equal(bounded.items.length, 10);
    assert.ok(bounded.cursor);
    const rest = await searchPosts(kv, query, { cursor: bounded.cursor });
    assert.equal(rest.items.length, 15);
    assert.equal(rest.stoppedBy, "end");
    const rushed = await searchPosts(kv, parseQuery("haystack"), {
      budgetMs: 0,
      batch: 5,
    });
    assert.equal(rushed.stoppedBy, "time");
    assert.equal(rushed.scanned, 5, "one batch always runs");
    assert.equal(rushed.items.length, 0);
  } finally {
    await instance.close();
  }
});

Deno.test("a bounded scan says so on the page", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const author = testAuthor();
    // More posts than one page scans (5,000), none matching.
    const lines = Array.from(
      { length: 5_050 },
      (_, i) => author.next("post", { text: `filler ${i}` }).line,
    );
    for (let i = 0; i < lines.length; i += 1_000) {
      await post(url, lines.slice(i, i + 1_000));
    }
    const html = await search(url, "needle");
    const posts = group(html, "search-posts");
    assert.match(
      posts,
      /Searched the newest [\d,]+ posts\. Older posts were not searched yet\./,
    );
    assert.match(posts, /No recent posts match/);
    assert.match(posts, /rel="next"[^>]*>More results/);
  } finally {
    await instance.close();
  }
});

Deno.test("a stored profile that fails the protocol's checks never reaches the search page", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const { kv } = instance.info;
    const mallory = testAuthor();
    const bell = testAuthor();
    const honest = testAuthor();
    await post(url, [
      mallory.next("profile", { name: "Mallory one" }).line,
      bell.next("profile", { name: "Mallory two" }).line,
      honest.next("profile", { name: "Mallory three" }).line,
    ]);
    // Rewritten behind ingest's back, as an older or tampered store holds them.
    const rewrite = async (author: string, profile: unknown) => {
      const stored = await kv.get<Record<string, unknown>>(["profile", author]);
      assert.ok(stored.value, "the profile is stored");
      await kv.set(["profile", author], { ...stored.value, profile });
    };
    await rewrite(mallory.key, { name: 42 });
    await rewrite(bell.key, { name: "Mallory\u0007 two" });

    const byName = group(await search(url, "mallory"), "search-authors");
    assert.match(byName, new RegExp(`href="/authors/${honest.key}"`));
    assert.ok(!byName.includes(mallory.key));
    assert.ok(!byName.includes(bell.key));
    assert.ok(!byName.includes("\u0007"));

    for (const author of [mallory, bell]) {
      const byKey = group(
        await search(url, author.key.slice(0, 12)),
        "search-authors",
      );
      const handle = `@${fingerprint(author.key).toLowerCase()}`;
      assert.ok(
        byKey.includes(
          `<a href="/authors/${author.key}"><strong><bdi>${handle}</bdi></strong></a>`,
        ),
        byKey,
      );
      assert.ok(!byKey.includes("\u0007"));
      assert.ok(!byKey.includes("Mallory"));
    }
  } finally {
    await instance.close();
  }
});
