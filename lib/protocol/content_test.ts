import assert from "node:assert/strict";
import { assertValidContent, isValidContent } from "./content.ts";
import { ProtocolError } from "./errors.ts";

const KEY = "A".repeat(43);

function refuses(
  type: Parameters<typeof assertValidContent>[0],
  content: unknown,
  code: string,
  message: string,
) {
  assert.throws(() => assertValidContent(type, content), (error: unknown) => {
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.code, code);
    assert.equal(error.message, `Cannot accept content: ${message}`);
    return true;
  });
  assert.equal(isValidContent(type, content), false);
}

Deno.test("valid content of every type passes", () => {
  const cases: [Parameters<typeof assertValidContent>[0], unknown][] = [
    ["post", { text: "Hello" }],
    ["post", {
      text: "Re",
      root: KEY,
      parent: KEY,
      mentions: [KEY],
      tags: ["été", "a_1"],
      cw: "spoilers",
    }],
    ["repost", { target: KEY, targetAuthor: KEY }],
    ["react", { target: KEY, targetAuthor: KEY, reaction: "like" }],
    ["react", { target: KEY, targetAuthor: KEY, reaction: "🎉" }],
    ["retract", { target: KEY }],
    ["profile", {}],
    ["profile", {
      name: "Ann",
      bio: "",
      avatar: "data:image/png;base64,iVBORw0KGgo=",
    }],
    ["follow", { target: KEY }],
    ["unfollow", { target: KEY }],
    ["dm", { to: [KEY], box: "AAAA" }],
    ["ledger", { ledger: KEY, tx: { any: "thing" } }],
  ];
  for (const [type, content] of cases) {
    assert.doesNotThrow(
      () => assertValidContent(type, content),
      `${type} ${JSON.stringify(content)}`,
    );
  }
});

Deno.test("content that breaks its schema is refused with a precise code and message", () => {
  refuses("post", null, "bad_content", "post content must be an object");
  refuses("post", {}, "bad_content", 'post content needs "text"');
  refuses(
    "post",
    { text: "x", extra: 1 },
    "bad_content",
    'post content has unknown field "extra"',
  );
  refuses(
    "post",
    { text: "x".repeat(5001) },
    "text_too_long",
    "text has 5001 characters, at most 5000 allowed",
  );
  refuses("post", { text: " \n " }, "bad_content", "text is empty");
  refuses(
    "post",
    { text: "bell\u0007" },
    "bad_content",
    "text has control characters",
  );
  refuses(
    "post",
    { text: "x", parent: KEY },
    "bad_content",
    "a reply needs both root and parent",
  );
  refuses(
    "post",
    { text: "x", root: "nope", parent: KEY },
    "bad_content",
    "root must be an entry id (43 base64url characters)",
  );
  refuses(
    "post",
    { text: "x", tags: ["Upper"] },
    "bad_content",
    "tags[0] must be lowercase NFC",
  );
  refuses(
    "post",
    { text: "x", tags: ["a b"] },
    "bad_content",
    "tags[0] must be 1 to 64 letters, digits or _",
  );
  refuses(
    "post",
    { text: "x", tags: ["a", "a"] },
    "bad_content",
    "tags lists a tag twice",
  );
  refuses(
    "post",
    { text: "x", tags: Array(21).fill(0).map((_, i) => `t${i}`) },
    "too_many_tags",
    "tags has 21 tags, at most 20 allowed",
  );
  refuses(
    "post",
    { text: "x", mentions: [KEY, KEY] },
    "bad_content",
    "mentions lists an author twice",
  );
  refuses(
    "react",
    { target: KEY, targetAuthor: KEY, reaction: "lol" },
    "bad_content",
    'reaction must be "like" or an emoji',
  );
  refuses(
    "profile",
    { avatar: "http://plain.example/a.png" },
    "bad_content",
    "avatar must be an https URL or a base64 data URL of a PNG, JPEG or WebP image",
  );
  refuses(
    "profile",
    { avatar: "data:image/svg+xml;base64,PHN2Zz4=" },
    "bad_content",
    "avatar must be an https URL or a base64 data URL of a PNG, JPEG or WebP image",
  );
  refuses(
    "dm",
    { to: [], box: "AAAA" },
    "bad_content",
    "to needs at least 1 author",
  );
  refuses(
    "dm",
    { to: [KEY], box: "Zh" },
    "bad_content",
    "box must be non-empty base64url",
  );
  refuses(
    "ledger",
    { ledger: KEY, tx: [] },
    "bad_content",
    "tx must be an object",
  );
});

Deno.test("field names inherited from Object.prototype are unknown fields too", () => {
  refuses(
    "post",
    { constructor: 1, text: "hi" },
    "bad_content",
    'post content has unknown field "constructor"',
  );
  refuses(
    "profile",
    { toString: "x" },
    "bad_content",
    'profile content has unknown field "toString"',
  );
  refuses(
    "profile",
    { avatar: "https://a.example/\u0000.png" },
    "bad_content",
    "avatar has control characters",
  );
});
