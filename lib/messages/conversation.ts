/**
 * Conversations: which `dm` entries belong together, who is in a group, and
 * what a reader is shown. Pure: the same messages give every reader's
 * browser the same members and order.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";
import type { MessageErrorReason } from "./errors.ts";
import type { MessagePayload } from "./payload.ts";

const encoder = new TextEncoder();
const hash = (text: string) => encodeBase64Url(sha256(encoder.encode(text)));

/** The sender and recipients of a message, sorted, each once. */
export function participantsOf(
  author: string,
  to: readonly string[],
): string[] {
  return [...new Set([author, ...to])].sort();
}

/**
 * The key of the direct conversation between exactly these people:
 * SHA-256 of `kith-dm-direct/v1` and the sorted participant keys, one per
 * line. Anyone can compute it from a `dm` entry without a `conv`.
 *
 * @example
 * ```ts
 * directConversationKey(alice, [bob]) === directConversationKey(bob, [alice]); // true
 * ```
 */
export function directConversationKey(
  author: string,
  to: readonly string[],
): string {
  return hash(["kith-dm-direct/v1", ...participantsOf(author, to)].join("\n"));
}

/**
 * The id of a group started by `creator` with `salt`: SHA-256 of
 * `kith-dm-group/v1\n<creator>\n<salt>`. Only the creator can start the
 * group it names, because the start message must be theirs.
 *
 * @throws {TypeError} When `salt` is not base64url.
 *
 * @example
 * ```ts
 * const conv = groupIdOf(alice, salt);
 * ```
 */
export function groupIdOf(creator: string, salt: string): string {
  if (decodeBase64Url(salt) === undefined) {
    throw new TypeError("Cannot derive group id: salt is not base64url");
  }
  return hash(`kith-dm-group/v1\n${creator}\n${salt}`);
}

/**
 * The conversation a `dm` entry belongs to: its `conv` for a group, else
 * the direct conversation of its participants.
 *
 * @example
 * ```ts
 * conversationKeyOf(entry.author, content);
 * ```
 */
export function conversationKeyOf(
  author: string,
  content: { to: readonly string[]; conv?: string },
): string {
  return content.conv ?? directConversationKey(author, content.to);
}

/** One message as a reader's browser holds it after trying to open it. */
export interface OpenedMessage {
  id: string;
  author: string;
  seq: number;
  ts: number;
  to: readonly string[];
  conv?: string;
  /** The decrypted payload; absent when it could not be opened. */
  payload?: MessagePayload;
  /** Why it could not be opened (shown as "could not decrypt"). */
  failure?: MessageErrorReason | "retracted";
}

/** What a reader is shown of one conversation. */
export interface ConversationView {
  key: string;
  kind: "direct" | "group";
  /** The group's name, when its start message names one. */
  name?: string;
  /** The group's creator, when its start message is known. */
  creator?: string;
  /** Whether the group's start message is known (always true for direct). */
  started: boolean;
  /** Current members, sorted. */
  members: string[];
  /** Members who left, in the order they left. */
  left: string[];
  /** Messages shown, oldest first (leave notices included). */
  messages: OpenedMessage[];
  /** Messages not shown: from blocked authors, non-members or after leaving. */
  hidden: { blocked: number; notMember: number };
}

const byTime = (a: OpenedMessage, b: OpenedMessage) =>
  a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Folds the messages of one conversation into what `reader` sees.
 *
 * - Direct: every message of its two (or one) participants that names no
 *   `conv`; a message that claims the direct key as its `conv` is ignored.
 * - Group: members are the participants of the creator's start message
 *   (the earliest one whose salt yields the group id); a member's `leave`
 *   removes them; messages by non-members, and a leaver's later messages,
 *   are hidden. Without a known start, the participants of all messages
 *   count as members and `started` is false, so the page can warn.
 * - Messages by `blocked` authors are hidden; so is what arrived after the
 *   reader left.
 *
 * @example
 * ```ts
 * const view = foldConversation(key, opened, { reader, blocked: new Set() });
 * ```
 */
export function foldConversation(
  key: string,
  messages: readonly OpenedMessage[],
  options: { reader: string; blocked?: ReadonlySet<string> },
): ConversationView {
  const blocked = options.blocked ?? new Set<string>();
  // A `conv` is chosen by its sender, so anyone can claim a direct key as
  // one: messages count only where their own envelope puts them.
  const isDirectMessage = (message: OpenedMessage) =>
    message.conv === undefined &&
    directConversationKey(message.author, message.to) === key;
  const isDirect = messages.some(isDirectMessage);
  const sorted = messages.filter((message) =>
    isDirect ? isDirectMessage(message) : message.conv === key
  ).sort(byTime);
  const isGroup = !isDirect && sorted.length > 0;
  const view: ConversationView = {
    key,
    kind: isGroup ? "group" : "direct",
    started: true,
    members: [],
    left: [],
    messages: [],
    hidden: { blocked: 0, notMember: 0 },
  };
  const start = isGroup
    ? sorted.find((message) =>
      message.payload?.kind === "message" && message.payload.group &&
      groupIdOf(message.author, message.payload.group.salt) === key
    )
    : undefined;
  let members: Set<string>;
  if (start) {
    members = new Set(participantsOf(start.author, start.to));
    view.creator = start.author;
    if (start.payload?.kind === "message") {
      view.name = start.payload.group?.name;
    }
  } else {
    members = new Set(sorted.flatMap((m) => participantsOf(m.author, m.to)));
    view.started = !isGroup;
  }
  let readerLeft = false;
  for (const message of sorted) {
    if (readerLeft) break;
    if (!members.has(message.author)) {
      view.hidden.notMember++;
      continue;
    }
    if (message.payload?.kind === "leave") {
      members.delete(message.author);
      view.left.push(message.author);
      if (message.author === options.reader) readerLeft = true;
    }
    if (blocked.has(message.author)) {
      view.hidden.blocked++;
      continue;
    }
    view.messages.push(message);
  }
  view.members = [...members].sort();
  return view;
}
