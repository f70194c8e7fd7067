import assert from "node:assert/strict";
import { testAuthor } from "../../tests/helpers.ts";
import { fingerprint } from "../identity/mod.ts";
import type { Content, Entry } from "../protocol/mod.ts";
import {
  cardViewOf,
  shownCardView,
  UnshowableEntryError,
} from "./card_view.ts";

const ada = testAuthor();
const bob = testAuthor();

function parts(record: { line: string; id: string }) {
  const { entry, content } = JSON.parse(record.line) as {
    entry: Entry;
    content: Content;
  };
  return { entry, content, id: record.id };
}

Deno.test("a post's view: name, handle, fingerprint and its text as tokens", () => {
  const post = parts(
    ada.next("post", {
      text: "hi @bob see https://x.example",
      mentions: [bob.key],
      cw: "spoilers",
    }),
  );
  const view = cardViewOf({
    ...post,
    profile: { name: "Ada" },
    handles: new Map([[bob.key, "bob"]]),
  });
  assert.equal(view.name, "Ada");
  assert.equal(view.handle, "@ada");
  assert.equal(view.fingerprint, fingerprint(ada.key));
  assert.deepEqual(view.body, {
    kind: "post",
    tokens: [
      { kind: "text", text: "hi " },
      { kind: "mention", text: "@bob", handle: "bob", author: bob.key },
      { kind: "text", text: " see " },
      {
        kind: "url",
        text: "https://x.example",
        href: "https://x.example/",
        label: "https://x.example",
      },
    ],
    cw: "spoilers",
    parent: null,
    reply: false,
  });
  assert.deepEqual(cardViewOf({ ...post, content: null }).body, {
    kind: "missing",
  });
});

Deno.test("content that fails the protocol's checks cannot be shown, and says why", () => {
  const post = parts(ada.next("post", { text: "fine" }));
  const broken = [
    [{ text: { evil: 1 } }, "text must be a string"],
    [{ text: "x", mentions: 42 }, "mentions must be an array of author keys"],
    [{ text: "x", cw: ["a"] }, "cw must be a string"],
    [{ text: "x", parent: "javascript:alert(1)", root: "x" }, "root must be"],
  ] as const;
  for (const [content, reason] of broken) {
    assert.throws(
      () => cardViewOf({ ...post, content: content as unknown as Content }),
      (error: Error) => {
        assert.ok(error instanceof UnshowableEntryError);
        assert.ok(
          error.message.startsWith(
            `Cannot show entry ${post.id}: Cannot accept content: ${reason}`,
          ),
          error.message,
        );
        return true;
      },
    );
  }
  assert.throws(
    () => cardViewOf({ ...post, entry: { ...post.entry, author: "nope" } }),
    {
      name: "UnshowableEntryError",
      message: `Cannot show entry ${post.id}: Cannot accept entry: ` +
        "author must be a 32-byte key in base64url (43 characters)",
    },
  );
});

Deno.test("a profile that fails the protocol's checks is ignored, not fatal", () => {
  const post = parts(ada.next("post", { text: "fine" }));
  const view = cardViewOf({
    ...post,
    profile: { name: 7, avatar: "javascript:alert(1)" } as never,
  });
  assert.equal(view.name, `${ada.key.slice(0, 8)}…`);
  assert.equal(view.handle, `@${fingerprint(ada.key).toLowerCase()}`);
});

Deno.test("an unshowable entry is logged once, however often it is shown", () => {
  const post = parts(ada.next("post", { text: "fine" }));
  const bad = { ...post, content: { text: 1 } as unknown as Content };
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    assert.equal(shownCardView(bad), null);
    assert.equal(shownCardView(bad), null);
    assert.notEqual(shownCardView(post), null);
  } finally {
    console.error = original;
  }
  assert.deepEqual(logged, [[
    `Cannot show entry ${post.id}: Cannot accept content: text must be a string`,
  ]]);
});
