import type { Content, Entry, PostContent } from "../lib/protocol/mod.ts";
import { shortKey } from "./short_key.tsx";

/** One entry of a log or timeline, server-rendered. */
export function EntryCard(
  props: { entry: Entry; content: Content | null; id: string },
) {
  const { entry, content } = props;
  const when = new Date(entry.ts).toISOString().replace("T", " ").slice(0, 16) +
    " UTC";
  return (
    <article class="entry-card" id={props.id}>
      <header>
        <a href={`/authors/${entry.author}`}>{shortKey(entry.author)}</a>
        <span class="muted">
          #{entry.seq} ·{" "}
          <time dateTime={new Date(entry.ts).toISOString()}>{when}</time>
        </span>
      </header>
      {content === null
        ? <p class="muted">Content retracted or not held here.</p>
        : <EntryBody type={entry.type} content={content} />}
    </article>
  );
}

function EntryBody(props: { type: Entry["type"]; content: Content }) {
  const { type, content } = props;
  if (type === "post") {
    const post = content as PostContent;
    return post.cw
      ? (
        <details>
          <summary>{post.cw}</summary>
          <p class="entry-text">{post.text}</p>
        </details>
      )
      : <p class="entry-text">{post.text}</p>;
  }
  const target = (content as { target?: string }).target;
  return <p class="muted">{type}{target ? ` ${shortKey(target)}` : ""}</p>;
}
