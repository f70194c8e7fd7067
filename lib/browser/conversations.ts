/**
 * Turning opened messages into what the message pages show: conversation
 * summaries for the inbox and titles. Browser-safe and pure.
 *
 * @module
 */
import { handleOf } from "../identity/handle.ts";
import {
  type ConversationView,
  foldConversation,
  type OpenedMessage,
} from "../messages/mod.ts";

/**
 * A piece of a line on the message pages. A string is this app's own
 * words; `{ isolate }` is text someone else chose (a name, a group's name,
 * what they wrote), to be shown in a `<bdi>` of its own: a direction
 * override inside it then ends with it instead of reordering what follows.
 * Joining such text into one string first would lose that boundary.
 */
export type TextPart = string | { isolate: string };

/** A conversation as the inbox lists it. */
export interface ConversationSummary {
  key: string;
  /** See {@linkcode titleOf}. */
  title: TextPart[];
  /** The newest message shown, if any. */
  last: OpenedMessage | null;
  unread: number;
  /** The reader left this group. */
  left: boolean;
}

let timeFormat: Intl.DateTimeFormat | null = null;

/**
 * A message time in the reader's locale. One shared formatter: calling
 * `toLocaleString` per message costs more than decrypting it.
 */
export function formatTime(ts: number): string {
  timeFormat ??= new Intl.DateTimeFormat(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
  return timeFormat.format(ts);
}

/** How a person is named on message pages: profile name, else handle. */
export function nameOf(
  author: string,
  names: Readonly<Record<string, string>>,
): string {
  return names[author] ?? handleOf(author);
}

/**
 * The title of a conversation: the group's name, else the other members'
 * names, each its own isolate and comma-separated; "Notes to yourself" when
 * the reader is alone in it.
 *
 * @example
 * ```ts
 * titleOf(view, reader, names); // [{ isolate: "Ada" }, ", ", { isolate: "Bob" }]
 * ```
 */
export function titleOf(
  view: ConversationView,
  reader: string,
  names: Readonly<Record<string, string>>,
): TextPart[] {
  if (view.name) return [{ isolate: view.name }];
  const others = [...view.members, ...view.left].filter((member) =>
    member !== reader
  );
  if (others.length === 0) return ["Notes to yourself"];
  return [...new Set(others)].flatMap((member, i) => {
    const name = { isolate: nameOf(member, names) };
    return i === 0 ? [name] : [", ", name];
  });
}

/**
 * What a message says in one line, for previews and notices: its text, or
 * who left, as isolates; this app's words for a deleted message or one
 * that did not decrypt.
 *
 * @example
 * ```ts
 * previewOf(leaving, names); // [{ isolate: "Ada" }, " left the group"]
 * ```
 */
export function previewOf(
  message: OpenedMessage,
  names: Readonly<Record<string, string>>,
): TextPart[] {
  if (message.failure === "retracted") return ["Message deleted"];
  if (!message.payload) return ["Could not decrypt this message"];
  if (message.payload.kind === "leave") {
    return [{ isolate: nameOf(message.author, names) }, " left the group"];
  }
  return [{ isolate: message.payload.text }];
}

/**
 * Parts as one line of plain text, for where no markup can go (a dialog):
 * each isolate between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE,
 * the plain-text form of `<bdi>`.
 *
 * @example
 * ```ts
 * plainTextOf([{ isolate: "Ada" }, " left"]); // "\u2068Ada\u2069 left"
 * ```
 */
export function plainTextOf(parts: readonly TextPart[]): string {
  return parts.map((part) =>
    typeof part === "string" ? part : `\u2068${part.isolate}\u2069`
  ).join("");
}

/**
 * Groups opened messages by conversation and summarizes each for the
 * inbox, newest activity first. Conversations with nothing to show (every
 * message from someone blocked) are left out.
 *
 * @example
 * ```ts
 * const list = summarize(opened, { reader, blocked, read, names });
 * ```
 */
export function summarize(
  messages: readonly (OpenedMessage & { conversation: string })[],
  options: {
    reader: string;
    blocked: ReadonlySet<string>;
    read: Readonly<Record<string, number>>;
    names: Readonly<Record<string, string>>;
  },
): ConversationSummary[] {
  const byConversation = new Map<string, OpenedMessage[]>();
  for (const message of messages) {
    const list = byConversation.get(message.conversation) ?? [];
    list.push(message);
    byConversation.set(message.conversation, list);
  }
  const summaries: ConversationSummary[] = [];
  for (const [key, list] of byConversation) {
    const view = foldConversation(key, list, {
      reader: options.reader,
      blocked: options.blocked,
    });
    if (view.messages.length === 0) continue;
    const readUpTo = options.read[key] ?? 0;
    summaries.push({
      key,
      title: titleOf(view, options.reader, options.names),
      last: view.messages[view.messages.length - 1],
      unread: view.messages.filter((message) =>
        message.author !== options.reader && message.ts > readUpTo
      ).length,
      left: view.left.includes(options.reader),
    });
  }
  return summaries.sort((a, b) => (b.last?.ts ?? 0) - (a.last?.ts ?? 0));
}
