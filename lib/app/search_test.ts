import assert from "node:assert/strict";
import fc from "fast-check";
import { fingerprint } from "../identity/mod.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import { HttpError } from "../web/mod.ts";
import {
  fingerprintOf,
  normalizeForSearch,
  parseQuery,
  postMatches,
  queryWords,
  searchAuthors,
  searchTags,
  tagOf,
} from "./search.ts";

Deno.test("normalizeForSearch folds case, accents and compatibility forms", () => {
  assert.equal(normalizeForSearch("Café ZÜRICH"), "cafe zurich");
  assert.equal(normalizeForSearch("Ångström"), "angstrom");
  assert.equal(normalizeForSearch("ｚｏë"), "zoe");
  assert.equal(normalizeForSearch("İstanbul"), "istanbul");
  assert.equal(normalizeForSearch("ﬁne"), "fine");
});

Deno.test("normalizeForSearch is idempotent and leaves no combining marks", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
      const once = normalizeForSearch(text);
      assert.equal(normalizeForSearch(once), once);
      assert.ok(!/\p{M}/u.test(once));
    }),
  );
});

Deno.test("queryWords keeps normalized words of two or more characters, once each", () => {
  assert.deepEqual(queryWords("Café, zürich! a @Ada #deno cafe"), [
    "cafe",
    "zurich",
    "ada",
  ]);
  assert.deepEqual(queryWords("  "), []);
  assert.deepEqual(queryWords("#no-dash"), ["no", "dash"]);
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
      const words = queryWords(text);
      assert.equal(new Set(words).size, words.length);
      for (const word of words) {
        assert.ok([...word].length >= 2);
        assert.equal(normalizeForSearch(word), word);
        assert.match(word, /^[\p{L}\p{N}_]+$/u);
      }
    }),
  );
});

Deno.test("a post whose text is the query matches it (queries without #tags)", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 60 }).filter((text) =>
        !text.includes("#")
      ),
      (text) => {
        const query = parseQuery(text.slice(0, 200));
        if (query.words.length === 0) return;
        assert.ok(postMatches({ text }, query));
        assert.ok(postMatches({ text: `x ${text} x` }, query));
      },
    ),
  );
});

Deno.test("postMatches needs every word, and every #tag among the post's tags", () => {
  const post = {
    text: "Morning café in Zürich",
    tags: ["coffee"],
    cw: "Food",
  };
  assert.ok(postMatches(post, parseQuery("cafe zurich")));
  assert.ok(postMatches(post, parseQuery("ZÜRICH food")));
  assert.ok(postMatches(post, parseQuery("#coffee")));
  assert.ok(postMatches(post, parseQuery("#Coffee morning")));
  assert.ok(postMatches(post, parseQuery("coffee")), "words match tags too");
  assert.ok(!postMatches(post, parseQuery("cafe paris")));
  assert.ok(!postMatches(post, parseQuery("#cafe")));
  assert.ok(!postMatches(post, parseQuery("a")), "no words, no match");
  assert.ok(!postMatches({ text: "#coffee" }, parseQuery("#coffee")));
});

Deno.test("parseQuery takes a query apart for each group", () => {
  const tagged = parseQuery("  #Deno   café ");
  assert.equal(tagged.text, "#Deno   café");
  assert.deepEqual(tagged.tags, ["deno"]);
  assert.deepEqual(tagged.words, ["cafe"]);
  assert.equal(tagged.hashtag, "deno");
  assert.deepEqual(tagged.nameTerms, ["cafe"]);
  assert.equal(tagged.fingerprint, null);
  assert.equal(tagged.keyPrefix, null);

  assert.equal(parseQuery("Deno").hashtag, "deno", "one word is a tag");
  assert.equal(parseQuery("deno kv").hashtag, null);
  assert.deepEqual(parseQuery("@Ada_Lovelace").nameTerms, ["ada_lovelace"]);
  assert.equal(parseQuery("@Ada_Lovelace").hashtag, null);

  assert.equal(parseQuery("7k2m-qx9d").fingerprint, "7K2M-QX9D");
  assert.equal(parseQuery("7K2MQX9D").fingerprint, "7K2M-QX9D");
  assert.equal(parseQuery("@7k2m-qx9d").fingerprint, "7K2M-QX9D");
  assert.equal(parseQuery("7k2m qx9d").fingerprint, null);

  assert.equal(parseQuery("AbC_-9").keyPrefix, "AbC_-9");
  assert.equal(parseQuery("AbC_-").keyPrefix, null, "under six characters");
  assert.equal(parseQuery("A".repeat(44)).keyPrefix, null);
  assert.equal(parseQuery("").text, "");
});

Deno.test("parseQuery refuses a query over 200 characters with bad_query", () => {
  parseQuery("é".repeat(200));
  assert.throws(
    () => parseQuery("x".repeat(201)),
    (error) =>
      error instanceof HttpError && error.status === 400 &&
      error.reason === "bad_query",
  );
});

Deno.test("fingerprintOf reads Crockford look-alikes and refuses U", () => {
  assert.equal(fingerprintOf("ilo0-abcd"), "1100-ABCD");
  assert.equal(fingerprintOf("uuuu-uuuu"), null);
  assert.equal(fingerprintOf("abc-defgh"), null);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
      const print = fingerprint(encodeBase64Url(bytes));
      assert.equal(fingerprintOf(print), print);
      assert.equal(fingerprintOf(print.toLowerCase().replace("-", "")), print);
    }),
  );
});

Deno.test("tagOf accepts what the tag index stores", () => {
  assert.equal(tagOf("Déjà"), "déjà");
  assert.equal(tagOf("a".repeat(64)), "a".repeat(64));
  assert.equal(tagOf("a".repeat(65)), null);
  assert.equal(tagOf(""), null);
  assert.equal(tagOf("no space"), null);
});

function key(byte: number): string {
  return encodeBase64Url(new Uint8Array(32).fill(byte));
}

Deno.test("searchAuthors matches names, handles, fingerprints and key prefixes", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const zoe = key(1);
    const ada = key(2);
    const bare = key(3);
    for (const [author, name] of [[zoe, "Zoë Ångström"], [ada, "Ada"]]) {
      await kv.set(["profile", author], { seq: 1, id: "x", profile: { name } });
    }
    for (const author of [zoe, ada, bare]) {
      await kv.set(["head", author], { seq: 1, id: "x", count: 1 });
    }
    const names = async (q: string) =>
      (await searchAuthors(kv, parseQuery(q))).authors.map((hit) => hit.author);
    assert.deepEqual(await names("zoe angstrom"), [zoe]);
    assert.deepEqual(await names("ÅNG"), [zoe]);
    assert.deepEqual(await names("@zoë_ångström"), [zoe]);
    assert.deepEqual(await names("nobody"), []);
    assert.deepEqual(await names(fingerprint(bare)), [bare]);
    assert.deepEqual(
      await names(fingerprint(bare).replace("-", "").toLowerCase()),
      [bare],
    );
    assert.deepEqual(await names(ada.slice(0, 8)), [ada]);
    const [hit] = (await searchAuthors(kv, parseQuery(ada.slice(0, 8))))
      .authors;
    assert.equal(hit.profile?.name, "Ada", "key hits carry their profile");
    assert.equal(hit.handle, "@ada");

    const bounded = await searchAuthors(kv, parseQuery("ada"), {
      profileScan: 1,
    });
    assert.ok(bounded.truncated);
    assert.equal(bounded.scanned, 1);
  } finally {
    kv.close();
  }
});

Deno.test("searchAuthors treats a stored profile that fails the protocol's checks as none", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const invalid: [string, unknown][] = [
      [key(11), { name: 42 }],
      [key(12), { name: "Mallory\u0007 bell" }],
      [key(13), { name: "Mallory " + "x".repeat(200) }],
      [key(14), { name: "Mallory", color: "red" }],
      [key(15), { name: ["Mallory"] }],
    ];
    const valid = key(16);
    for (const [author, profile] of invalid) {
      await kv.set(["profile", author], { seq: 1, id: "x", profile });
      await kv.set(["head", author], { seq: 1, id: "x", count: 1 });
    }
    await kv.set(["profile", valid], {
      seq: 1,
      id: "x",
      profile: { name: "Mallory" },
    });
    await kv.set(["head", valid], { seq: 1, id: "x", count: 1 });

    // A name search reads past them, without throwing, to the valid one.
    const byName = await searchAuthors(kv, parseQuery("mallory"));
    assert.deepEqual(byName.authors.map((hit) => hit.author), [valid]);
    assert.equal(byName.scanned, 6);

    // Found by key or fingerprint, such an author shows no profile.
    for (const [author] of invalid) {
      for (const q of [author.slice(0, 12), fingerprint(author)]) {
        const { authors } = await searchAuthors(kv, parseQuery(q));
        assert.deepEqual(
          authors.map((hit) => [hit.author, hit.profile, hit.handle]),
          [[author, undefined, `@${fingerprint(author).toLowerCase()}`]],
          q,
        );
      }
    }
    const [hit] = (await searchAuthors(kv, parseQuery(valid.slice(0, 12))))
      .authors;
    assert.deepEqual(hit.profile, { name: "Mallory" });
    assert.equal(hit.handle, "@mallory");
  } finally {
    kv.close();
  }
});

Deno.test("searchTags counts the tag and lists tags starting with it", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const tags = ["deno", "denoland", "deno_kv", "den", "dep", "deno𝔸"];
    for (const tag of tags) {
      for (let i = 0; i < 3; i++) {
        await kv.set(["tag", tag, i, `id${i}`], ["a", i]);
      }
    }
    const { tag, related } = await searchTags(kv, "deno");
    assert.deepEqual(tag, { tag: "deno", count: 3, more: false });
    assert.deepEqual(related.map((other) => other.tag), [
      "deno_kv",
      "denoland",
      "deno𝔸",
    ]);
    assert.ok(related.every((other) => other.count === 3));
    for (let i = 0; i < 1_001; i += 500) {
      const atomic = kv.atomic();
      for (let j = i; j < Math.min(i + 500, 1_001); j++) {
        atomic.set(["tag", "big", j, `id${j}`], ["a", j]);
      }
      await atomic.commit();
    }
    assert.deepEqual((await searchTags(kv, "big")).tag, {
      tag: "big",
      count: 1_000,
      more: true,
    });
    const none = await searchTags(kv, "zzz");
    assert.equal(none.tag.count, 0);
    assert.deepEqual(none.related, []);
  } finally {
    kv.close();
  }
});
