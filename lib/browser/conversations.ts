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

/** A conversation as the inbox lists it. */
export interface ConversationSummary {
  key: string;
  title: string;
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
 * names; "Notes to yourself" when the reader is alone in it.
 */
export function titleOf(
  view: ConversationView,
  reader: string,
  names: Readonly<Record<string, string>>,
): string {
  if (view.name) return view.name;
  const others = [...view.members, ...view.left].filter((member) =>
    member !== reader
  );
  if (others.length === 0) return "Notes to yourself";
  return [...new Set(others)].map((member) => nameOf(member, names)).join(
    ", ",
  );
}

/** What a message says in one line, for previews and notices. */
export function previewOf(
  message: OpenedMessage,
  names: Readonly<Record<string, string>>,
): string {
  if (message.failure === "retracted") return "Message deleted";
  if (!message.payload) return "Could not decrypt this message";
  if (message.payload.kind === "leave") {
    return `${nameOf(message.author, names)} left the group`;
  }
  return message.payload.text;
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
