import assert from "node:assert/strict";
import fc from "fast-check";
import { renderToString } from "preact-render-to-string";
import { testAuthor } from "../tests/helpers.ts";
import type { Content, Entry } from "../lib/protocol/mod.ts";
import { EntryCard } from "./entry_card.tsx";

const ada = testAuthor();

function parts(record: { line: string; id: string }) {
  const { entry, content } = JSON.parse(record.line) as {
    entry: Entry;
    content: Content;
  };
  return { entry, content, id: record.id };
}

/** Renders with console.error silenced; returns the HTML and what was logged. */
function render(props: Parameters<typeof EntryCard>[0]) {
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    return { html: renderToString(<EntryCard {...props} />), logged };
  } finally {
    console.error = original;
  }
}

Deno.test("a card the view cannot make is a placeholder, not a thrown error", () => {
  const post = parts(ada.next("post", { text: "fine" }));
  const { html, logged } = render({
    ...post,
    content: { text: { toString: null } } as unknown as Content,
  });
  assert.equal(
    html,
    `<article class="entry-card entry-unshowable" id="${post.id}"><p class="muted">This post could not be shown.</p></article>`,
  );
  assert.equal(logged.length, 1);
  const good = render(post);
  assert.match(good.html, /<p class="entry-text" dir="auto">fine<\/p>/);
  assert.equal(good.logged.length, 0);
});

Deno.test("a repost's shared post that cannot be shown leaves the repost", () => {
  const post = parts(ada.next("post", { text: "shared" }));
  const repost = parts(
    ada.next("repost", { target: post.id, targetAuthor: ada.key }),
  );
  const { html } = render({
    ...repost,
    shared: { ...post, content: { text: 5 } as unknown as Content },
  });
  assert.match(html, /↻ reposted/);
  assert.match(html, /This post could not be shown\./);
});

Deno.test("property: any content renders a card or the placeholder, never throws", () => {
  const post = parts(ada.next("post", { text: "seed" }));
  const types = ["post", "repost", "react", "profile", "dm", "nonsense"];
  fc.assert(
    fc.property(
      fc.constantFrom(...types),
      fc.oneof(
        fc.jsonValue(),
        fc.record({ text: fc.jsonValue(), mentions: fc.jsonValue() }),
        fc.record({ text: fc.string(), cw: fc.jsonValue() }),
        fc.record({ target: fc.jsonValue() }),
      ),
      fc.option(fc.jsonValue(), { nil: undefined }),
      (type, content, profile) => {
        const { html } = render({
          ...post,
          entry: { ...post.entry, type } as Entry,
          content: content as Content,
          profile: profile as never,
        });
        assert.match(html, /^<article class="entry-card/);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("author text in a card is escaped and direction-isolated", () => {
  const post = parts(
    ada.next("post", {
      text: "<img src=x onerror=alert(1)> \u202egnp.exe",
      cw: "<script>alert(1)</script>",
    }),
  );
  const { html } = render({
    ...post,
    profile: { name: "<b>Ada</b>\u202e" },
  });
  assert.doesNotMatch(html, /<img src=x|<script>|<b>Ada/);
  assert.match(html, /<strong><bdi>&lt;b>Ada&lt;\/b>\u202e<\/bdi><\/strong>/);
  assert.match(html, /<summary>&lt;script>alert\(1\)&lt;\/script><\/summary>/);
  assert.match(html, /<p class="entry-text" dir="auto">&lt;img src=x/);
});
