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
        label: "https://x.example/a?b=1",
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

Deno.test("no scheme but http(s) becomes a link, however it is written", () => {
  const hostile = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&#58;alert(1)",
    "&#106;avascript:alert(1)",
    "javascript%3Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "[click](javascript:alert(1))",
    "<a href=javascript:alert(1)>x</a>",
    "//evil.example/x",
  ];
  for (const text of hostile) {
    assert.equal(safeUrl(text), null, text);
    assert.deepEqual(
      tokenize(text).filter((token) => token.kind === "url"),
      [],
      text,
    );
  }
  // A link's text may mention another scheme; its target stays http(s).
  const [link] = tokenize("https://x.example/?u=javascript:alert(1)")
    .filter((token) => token.kind === "url");
  assert.equal(link.kind === "url" && link.href.startsWith("https:"), true);
});

Deno.test("a URL ends at an invisible or direction-changing character", () => {
  // "https://evil.example/" then RLO: the rest would read "google.com".
  const text = "https://evil.example/\u202emoc.elgoog";
  assert.deepEqual(tokenize(text), [
    {
      kind: "url",
      text: "https://evil.example/",
      href: "https://evil.example/",
      label: "https://evil.example/",
    },
    { kind: "text", text: "\u202emoc.elgoog" },
  ]);
  for (const cut of ["\u200b", "\u200e", "\u2066", "\ufeff", "\u00ad"]) {
    const [first] = tokenize(`https://a.example/x${cut}y`);
    assert.equal(first.text, "https://a.example/x", JSON.stringify(cut));
  }
});

Deno.test("a link whose host could pass for another shows its punycode form", () => {
  // Cyrillic а in "аpple".
  const [link] = tokenize("https://\u0430pple.example/login");
  assert.deepEqual(link, {
    kind: "url",
    text: "https://\u0430pple.example/login",
    href: "https://xn--pple-43d.example/login",
    label: "https://xn--pple-43d.example/login",
  });
  // A host in one script keeps its letters.
  const [plain] = tokenize(
    "https://\u043f\u0440\u0438\u043c\u0435\u0440.example/",
  );
  assert.equal(plain.kind === "url" && plain.label, plain.text);
});

Deno.test("property: every link target is an http(s) URL without credentials", () => {
  const piece = fc.oneof(
    fc.constantFrom(
      "https://",
      "http://",
      "HTTPS://",
      "javascript:",
      "data:",
      "x.example",
      "@",
      ":",
      "/",
      "%0a",
      "&#58;",
      "\u202e",
      " ",
    ),
    fc.string({ unit: "grapheme", maxLength: 8 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      for (const token of tokenize(pieces.join(""))) {
        if (token.kind !== "url") continue;
        const url = new URL(token.href);
        assert.match(url.protocol, /^https?:$/);
        assert.equal(url.username + url.password, "");
        assert.ok(token.label === token.text || token.label === token.href);
      }
    }),
    { numRuns: 500 },
  );
});
