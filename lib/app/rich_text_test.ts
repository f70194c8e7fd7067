import assert from "node:assert/strict";
import fc from "fast-check";
import { safeUrl, tagsOf, tokenize } from "./rich_text.ts";

Deno.test("tokenize finds links, hashtags and mentions and keeps everything else as text", () => {
  const key = "K".repeat(43);
  assert.deepEqual(
    tokenize(
      "Hi @Ada, see https://x.example/a?b=1. #Deno!",
      new Map([["ada", key]]),
    ),
    [
      { kind: "text", text: "Hi " },
      { kind: "mention", text: "@Ada", handle: "ada", author: key },
      { kind: "text", text: ", see " },
      {
        kind: "url",
        text: "https://x.example/a?b=1",
        href: "https://x.example/a?b=1",
      },
      { kind: "text", text: ". " },
      { kind: "tag", text: "#Deno", tag: "deno" },
      { kind: "text", text: "!" },
    ],
  );
});

Deno.test("only http(s) URLs without credentials become links", () => {
  assert.equal(safeUrl("javascript:alert(1)"), null);
  assert.equal(safeUrl("https://user:pw@x.example/"), null);
  assert.equal(safeUrl("http://x.example"), "http://x.example/");
  assert.deepEqual(tokenize("javascript:alert(1) data:text/html,<b>"), [
    { kind: "text", text: "javascript:alert(1) data:text/html,<b>" },
  ]);
  // Not a tag or mention inside words or e-mail addresses.
  assert.deepEqual(tokenize("a#b ada@x.example"), [
    { kind: "text", text: "a#b ada@x.example" },
  ]);
});

Deno.test("tagsOf gives unique lowercase tags in order", () => {
  assert.deepEqual(tagsOf("#Deno and #deno, #KV #Ünïcode"), [
    "deno",
    "kv",
    "ünïcode",
  ]);
  assert.equal(
    tagsOf(Array.from({ length: 30 }, (_, i) => `#t${i}`).join(" ")).length,
    20,
  );
});

Deno.test("property: the tokens put back together are the text", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), (text) => {
      assert.equal(tokenize(text).map((token) => token.text).join(""), text);
    }),
    { numRuns: 500 },
  );
});
