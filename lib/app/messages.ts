/**
 * Messages as the server knows them: ciphertext in `dm` entries, listed by
 * conversation and by participant. Decryption happens only in the reader's
 * browser (islands/inbox.tsx, islands/conversation.tsx); this module never
 * sees a plaintext.
 *
 * @module
 */
import { conversationKeyOf } from "../messages/mod.ts";
import { decodeBase64Url } from "../protocol/mod.ts";
import {
  type EntryWithContent,
  indexPage,
  KEYS,
  type Page,
} from "../store/mod.ts";
import { HttpError } from "../web/mod.ts";
import { paged } from "./paging.ts";
import { profilesOf } from "./profiles.ts";

/** Default and largest page of messages. */
export const MESSAGE_PAGE = { default: 200, max: 1_000 } as const;

/** One `dm` record as the browser receives it. */
export interface MessageRecord {
  /** The entry id (so the browser need not hash the line again). */
  id: string;
  /** The conversation key (group id or direct key). */
  conversation: string;
  /** The canonical record line, to decode and decrypt in the browser. */
  line: string;
}

/**
 * Checks a conversation key from a URL (a SHA-256 in base64url).
 *
 * @throws {HttpError} 400 `bad_conversation`.
 *
 * @example
 * ```ts
 * const key = parseConversationParam(ctx.params.conversation);
 * ```
 */
export function parseConversationParam(value: string): string {
  if (!decodeBase64Url(value, { expectedBytes: 32 })) {
    throw new HttpError(
      400,
      "A conversation key is a SHA-256 in base64url (43 characters)",
      { reason: "bad_conversation" },
    );
  }
  return value;
}

/**
 * The `limit` query parameter of a message listing.
 *
 * @throws {HttpError} 400 `bad_query` outside 1..{@linkcode MESSAGE_PAGE}.max.
 */
export function parseMessageLimit(url: URL): number {
  const raw = url.searchParams.get("limit");
  if (raw === null) return MESSAGE_PAGE.default;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MESSAGE_PAGE.max) {
    throw new HttpError(
      400,
      `limit must be a whole number from 1 to ${MESSAGE_PAGE.max}`,
      { reason: "bad_query" },
    );
  }
  return limit;
}

/** A page of messages with the display names of everyone in them. */
export interface MessagePage extends Page<MessageRecord> {
  /** Profile names by author key (authors without a name are left out). */
  names: Record<string, string>;
}

/**
 * Messages of one conversation, newest first, with the names of the
 * people in them.
 *
 * @throws {HttpError} 400 `bad_cursor`.
 *
 * @example
 * ```ts
 * const page = await conversationMessages(kv, key, { limit: 200 });
 * ```
 */
export async function conversationMessages(
  kv: Deno.Kv,
  conversation: string,
  options: { cursor?: string; limit: number },
): Promise<MessagePage> {
  const page = await paged(() =>
    indexPage(kv, KEYS.conversationPrefix(conversation), options)
  );
  return withNames(kv, page, () => conversation);
}

/**
 * Every message `participant` sent or received, newest first, each with
 * its conversation key, and the names of the people in them. Retracted
 * messages have no envelope left to place them and are left out.
 *
 * @throws {HttpError} 400 `bad_cursor`.
 *
 * @example
 * ```ts
 * const page = await inboxMessages(kv, reader, { limit: 200 });
 * ```
 */
export async function inboxMessages(
  kv: Deno.Kv,
  participant: string,
  options: { cursor?: string; limit: number },
): Promise<MessagePage> {
  const page = await paged(() =>
    indexPage(kv, KEYS.inboxPrefix(participant), options)
  );
  return withNames(
    kv,
    page,
    (entry, content) => content && conversationKeyOf(entry.author, content),
  );
}

type Envelope = { to: string[]; conv?: string };

/**
 * Turns stored entries into listed messages (those `conversationOf`
 * places) and looks up the profile names of their authors and recipients.
 */
async function withNames(
  kv: Deno.Kv,
  page: Page<EntryWithContent>,
  conversationOf: (
    entry: EntryWithContent["entry"],
    content: Envelope | null,
  ) => string | null,
): Promise<MessagePage> {
  const items: MessageRecord[] = [];
  const people = new Set<string>();
  for (const { entry, content, line, id } of page.items) {
    const envelope = content as Envelope | null;
    const conversation = conversationOf(entry, envelope);
    if (conversation === null) continue;
    items.push({ id, conversation, line });
    people.add(entry.author);
    for (const to of envelope?.to ?? []) people.add(to);
  }
  const names: Record<string, string> = {};
  for (const [author, profile] of await profilesOf(kv, people)) {
    if (profile.name) names[author] = profile.name;
  }
  return { items, cursor: page.cursor, names };
}
