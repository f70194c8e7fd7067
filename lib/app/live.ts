/**
 * Live updates: every entry the ingest pipeline appends is offered to the
 * open Server-Sent-Events streams whose filter it matches.
 *
 * @module
 */
import type { CommittedRecord } from "../ingest/mod.ts";
import { conversationKeyOf } from "../messages/mod.ts";
import type { PostContent } from "../protocol/mod.ts";

/** What a stream follows. */
export type LiveFilter =
  | { kind: "federated" }
  | { kind: "local" }
  | { kind: "home"; authors: ReadonlySet<string> }
  | { kind: "author"; author: string }
  | { kind: "tag"; tag: string }
  | { kind: "thread"; root: string }
  /** Entries that notify `author`: mentions, replies, reactions, reposts, follows. */
  | { kind: "notifications"; author: string }
  /** `dm` entries `author` sends or receives (ciphertext metadata only). */
  | { kind: "messages"; author: string };

/** What a stream is told about one new entry. */
export interface LiveEvent {
  id: string;
  author: string;
  seq: number;
  type: string;
  /** For a `dm`: its conversation key. */
  conversation?: string;
}

type Listener = (event: LiveEvent) => void;

/** Most streams open at once; more are refused with 503. */
export const MAX_STREAMS = 1_000;

/** The instance's set of open live streams. */
export class LiveHub {
  readonly #streams = new Set<
    { filter: LiveFilter; listener: Listener; end: () => void }
  >();
  #closed = false;
  readonly #isLocal: (author: string) => boolean;

  /** A hub that asks `isLocal` for the local timeline. */
  constructor(isLocal: (author: string) => boolean) {
    this.#isLocal = isLocal;
  }

  /** Open streams. */
  get size(): number {
    return this.#streams.size;
  }

  /**
   * Listens for entries matching `filter`; `end` is called when the hub
   * closes. Returns the function that stops listening, or null when too
   * many streams are open or the hub is closed.
   */
  subscribe(
    filter: LiveFilter,
    listener: Listener,
    end: () => void,
  ): (() => void) | null {
    if (this.#closed || this.#streams.size >= MAX_STREAMS) return null;
    const stream = { filter, listener, end };
    this.#streams.add(stream);
    return () => this.#streams.delete(stream);
  }

  /** Ends every stream (the instance is shutting down). */
  close(): void {
    this.#closed = true;
    for (const stream of [...this.#streams]) stream.end();
    this.#streams.clear();
  }

  /** Offers newly committed records to every matching stream. */
  publish(records: CommittedRecord[]): void {
    if (this.#streams.size === 0) return;
    for (const { record, notify } of records) {
      const event: LiveEvent = {
        id: record.id,
        author: record.entry.author,
        seq: record.entry.seq,
        type: record.entry.type,
      };
      if (record.entry.type === "dm" && record.content) {
        event.conversation = conversationKeyOf(
          record.entry.author,
          record.content as { to: string[]; conv?: string },
        );
      }
      for (const { filter, listener } of this.#streams) {
        if (matches(filter, record, this.#isLocal, notify)) listener(event);
      }
    }
  }
}

function matches(
  filter: LiveFilter,
  record: CommittedRecord["record"],
  isLocal: (author: string) => boolean,
  notify: string[] | undefined,
): boolean {
  const { entry, content } = record;
  const shown = entry.type === "post" || entry.type === "repost";
  switch (filter.kind) {
    case "federated":
      return shown;
    case "local":
      return shown && isLocal(entry.author);
    case "home":
      return shown && filter.authors.has(entry.author);
    case "author":
      return entry.author === filter.author;
    case "tag":
      return entry.type === "post" &&
        ((content as PostContent | null)?.tags ?? []).includes(filter.tag);
    case "thread":
      return entry.type === "post" &&
        (content as PostContent | null)?.root === filter.root;
    case "notifications":
      return entry.author !== filter.author &&
        notifies(filter.author, entry.type, content, notify);
    case "messages":
      return entry.type === "dm" &&
        (entry.author === filter.author ||
          ((content as { to?: string[] } | null)?.to ?? []).includes(
            filter.author,
          ));
  }
}

/** Whether an entry notifies `author`, as the notification index says. */
function notifies(
  author: string,
  type: string,
  content: unknown,
  notify: string[] | undefined,
): boolean {
  if (notify?.includes(author)) return true;
  const value = content as Record<string, unknown> | null;
  switch (type) {
    case "post":
      return ((value?.mentions as string[] | undefined) ?? []).includes(author);
    case "react":
    case "repost":
      return value?.targetAuthor === author;
    case "follow":
      return value?.target === author;
  }
  return false;
}
