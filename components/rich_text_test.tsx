import assert from "node:assert/strict";
import fc from "fast-check";
import { renderToString } from "preact-render-to-string";
import { tokenize } from "../lib/app/rich_text.ts";
import { RichText } from "./rich_text.tsx";

// The precompile transform may leave two spaces after a tag name.
const html = (text: string) =>
  renderToString(<RichText tokens={tokenize(text)} />).replace(/<a\s+/g, "<a ");

Deno.test("links are http(s) only and isolated; everything else is escaped text", () => {
  assert.equal(
    html('see https://x.example/a?q="b" #Tag <i>&amp;'),
    'see <a href="https://x.example/a?q=" rel="nofollow noopener noreferrer ugc" dir="ltr">https://x.example/a?q=</a>&quot;b&quot; <a href="/tags/tag" class="hashtag">#Tag</a> &lt;i>&amp;amp;',
  );
  assert.equal(
    html("javascript:alert(1) [x](javascript:alert(1))"),
    "javascript:alert(1) [x](javascript:alert(1))",
  );
});

Deno.test("a token that is not an http(s) link is shown as its text", () => {
  const out = renderToString(
    <RichText
      tokens={[{
        kind: "url",
        text: "javascript:alert(1)",
        href: "javascript:alert(1)",
        label: "javascript:alert(1)",
      }]}
    />,
  );
  assert.equal(out, "javascript:alert(1)");
});

Deno.test("property: rendered text never carries a tag, a handler or a non-http(s) href", () => {
  const piece = fc.oneof(
    fc.constantFrom(
      "<script>",
      "<img src=x onerror=alert(1)>",
      '"onmouseover="alert(1)',
      "https://x.example/",
      "javascript:",
      "&lt;",
      "#tag",
      "@ada",
      "\u202e",
    ),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
      const out = html(pieces.join(""));
      // The only tags are the links RichText makes.
      for (const tag of out.match(/<[^>]*>/g) ?? []) {
        assert.match(
          tag,
          /^<\/a>$|^<a href="https?:\/\/[^"]*" rel="nofollow noopener noreferrer ugc" dir="ltr">$|^<a href="\/tags\/[^"]*" class="hashtag">$/,
        );
      }
    }),
    { numRuns: 500 },
  );
});
