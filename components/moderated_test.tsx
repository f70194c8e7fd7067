import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { CardModeration } from "../lib/app/moderation.ts";
import { DownrankLabel, Moderated } from "./moderated.tsx";

const L = "L".repeat(43);
const P = "P".repeat(43);

function moderation(
  name: string,
  over: Partial<CardModeration> = {},
): CardModeration {
  const around = { before: "Hidden by ", after: `: ${name} flags, block 12` };
  return {
    kind: "hidden",
    ledger: L,
    name,
    text: `${around.before}${name}${around.after}`,
    around,
    href: `/ledgers/${L}/subjects/post:${P}`,
    subject: { post: P, author: "A".repeat(43) },
    openAppeal: null,
    appealable: false,
    ...over,
  };
}

const summaryOf = (html: string) => /<summary>(.*?)<\/summary>/.exec(html)?.[1];
const verdictLinkOf = (html: string) =>
  /<p class="verdict-line"><a [^>]*>(.*?)<\/a>/.exec(html)?.[1];

Deno.test("a ledger name that could reorder its neighbours is isolated once, where it stands", () => {
  // The name recurs in the words after it: only the name itself is wrapped.
  const name = "\u202eabuse";
  const html = renderToString(
    <Moderated moderation={moderation(name)}>
      <p>the post</p>
    </Moderated>,
  );
  assert.equal(
    summaryOf(html),
    `Hidden by <bdi>${name}</bdi>: ${name} flags, block 12`,
  );
  assert.equal(verdictLinkOf(html), `Why: the flags in <bdi>${name}</bdi>`);

  const appeal = renderToString(
    <Moderated moderation={moderation(name, { openAppeal: P })}>
      <p>the post</p>
    </Moderated>,
  );
  assert.equal(
    verdictLinkOf(appeal),
    `Appeal open: vote in <bdi>${name}</bdi>`,
  );

  const label = renderToString(
    <DownrankLabel
      moderation={moderation("\u05e9\u05dc\u05d5\u05dd", {
        kind: "downranked",
        around: { before: "spam (down-ranked by ", after: ")" },
      })}
    />,
  );
  assert.equal(
    /<a [^>]*>(.*?)<\/a>/.exec(label)?.[1],
    "spam (down-ranked by <bdi>\u05e9\u05dc\u05d5\u05dd</bdi>)",
  );
});

Deno.test("right-to-left scripts beyond the common ones are isolated too; a left-to-right name stays plain", () => {
  // Phoenician, Adlam, an Arabic presentation form and a lone mark.
  for (
    const name of ["\u{10900}\u{10901}", "\u{1E900}", "\uFDF2", "a\u200fb"]
  ) {
    const html = renderToString(
      <Moderated moderation={moderation(name)}>
        <p>x</p>
      </Moderated>,
    );
    assert.ok(summaryOf(html)?.startsWith(`Hidden by <bdi>${name}</bdi>: `));
  }
  const plain = renderToString(
    <Moderated moderation={moderation("Test commons")}>
      <p>x</p>
    </Moderated>,
  );
  assert.equal(
    summaryOf(plain),
    "Hidden by Test commons: Test commons flags, block 12",
  );
  assert.equal(verdictLinkOf(plain), "Why: the flags in Test commons");
});
