import type { Subject } from "../lib/ledger/mod.ts";
import { shortKey } from "./short_key.tsx";

/** A key or id shortened, the full value in its title. */
export function Short(props: { value: string }) {
  return <code title={props.value}>{shortKey(props.value)}</code>;
}

/** An author's key, linking to their page here. */
export function AuthorLink(props: { author: string }) {
  return (
    <a href={`/authors/${props.author}`}>
      <Short value={props.author} />
    </a>
  );
}

/** What a flag or appeal is about, linking to the post or author. */
export function SubjectLink(props: { subject: Subject }) {
  const { subject } = props;
  if ("post" in subject) {
    return (
      <>
        <a href={`/posts/${subject.post}`}>
          post <Short value={subject.post} />
        </a>{" "}
        by <AuthorLink author={subject.author} />
      </>
    );
  }
  return (
    <>
      author <AuthorLink author={subject.author} />
    </>
  );
}

/** A block height, linking to the block's page. */
export function BlockLink(props: { ledger: string; height: number }) {
  return (
    <a href={`/ledgers/${props.ledger}/blocks/${props.height}`}>
      {props.height}
    </a>
  );
}
