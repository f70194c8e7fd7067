import { Fragment } from "preact";
import { tokenize } from "../lib/app/rich_text.ts";

/**
 * Post text with links, hashtags and known mentions as links. Everything
 * else is text, escaped by the renderer like any other string.
 */
export function RichText(
  props: { text: string; handles?: ReadonlyMap<string, string> },
) {
  return (
    <>
      {tokenize(props.text, props.handles).map((token, i) => {
        switch (token.kind) {
          case "url":
            return (
              <a
                key={i}
                href={token.href}
                rel="nofollow noopener noreferrer ugc"
              >
                {token.text}
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
                <a key={i} href={`/authors/${token.author}`} class="mention">
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
