import { Fragment } from "preact";
import type { Token } from "../lib/app/rich_text.ts";

/**
 * Post text (as lib/app/rich_text.ts tokenized it) with links, hashtags
 * and known mentions as links. Everything else is text, escaped by the
 * renderer like any other string. Each link is its own bidirectional
 * isolate (`dir`, or static/styles.css for tags and mentions), so
 * direction marks in the text around it cannot reorder it.
 */
export function RichText(props: { tokens: Token[] }) {
  return (
    <>
      {props.tokens.map((token, i) => {
        switch (token.kind) {
          case "url":
            // tokenize only makes http(s) links; a link is never made
            // from anything else, however the token came to be.
            if (!/^https?:\/\//.test(token.href)) {
              return <Fragment key={i}>{token.text}</Fragment>;
            }
            return (
              <a
                key={i}
                href={token.href}
                rel="nofollow noopener noreferrer ugc"
                dir="ltr"
              >
                {token.label}
              </a>
            );
          case "tag":
            return (
              <a
                key={i}
                href={`/tags/${encodeURIComponent(token.tag)}`}
                class="hashtag"
              >
                {token.text}
              </a>
            );
          case "mention":
            return token.author
              ? (
                <a
                  key={i}
                  href={`/authors/${token.author}`}
                  class="mention"
                >
                  {token.text}
                </a>
              )
              : <Fragment key={i}>{token.text}</Fragment>;
          default:
            // A bare string in an array would be escaped twice under the
            // precompile transform; a fragment is escaped once.
            return <Fragment key={i}>{token.text}</Fragment>;
        }
      })}
    </>
  );
}
