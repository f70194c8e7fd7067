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
import { indexPage, KEYS, type Page, unpack } from "../store/mod.ts";
import { HttpError } from "../web/mod.ts";
import { paged } from "./paging.ts";
import { type Profile, profilesOf } from "./profiles.ts";

/** Default and largest page of messages. */
export const MESSAGE_PAGE = { default: 200, max: 1_000 } as const;

/** One `dm` record as the browser receives it. */
export interface MessageRecord {
  /** The conversation key (group id or direct key). */
  conversation: string;
  /** The canonical record line, to decode and decrypt in the browser. */
  line: string;
}

/**
 * Checks a 32-byte base64url key from a URL (author or conversation).
 *
 * @throws {HttpError} 400 with `reason` (`bad_author`, `bad_conversation`).
 *
 * @example
 * ```ts
 * const author = parseKeyParam(ctx.params.author, "author");
 * ```
 */
export function parseKeyParam(
  value: string | null | undefined,
  what: "author" | "conversation",
): string {
  if (!value || !decodeBase64Url(value, { expectedBytes: 32 })) {
    throw new HttpError(
      400,
      what === "author"
        ? "An author is a public key: 43 base64url characters"
        : "A conversation key is a SHA-256 in base64url (43 characters)",
      { reason: what === "author" ? "bad_author" : "bad_conversation" },
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

/**
 * Messages of one conversation, newest first.
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
): Promise<Page<MessageRecord>> {
  const page = await paged(() =>
    indexPage(kv, KEYS.conversationPrefix(conversation), options)
  );
  return {
    items: page.items.map(({ line }) => ({ conversation, line })),
    cursor: page.cursor,
  };
}

/**
 * Every message `participant` sent or received, newest first, each with
 * its conversation key.
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
): Promise<Page<MessageRecord>> {
  const page = await paged(() =>
    indexPage(kv, KEYS.inboxPrefix(participant), options)
  );
  const items: MessageRecord[] = [];
  for (const { entry, content, line } of page.items) {
    // A retracted message has no content left to place it; it is gone.
    if (content === null) continue;
    const conversation = conversationKeyOf(
      entry.author,
      content as { to: string[]; conv?: string },
    );
    items.push({ conversation, line });
  }
  return { items, cursor: page.cursor };
}

/**
 * Everyone who sends or receives the listed messages (from the public
 * envelope: author and `to`).
 *
 * @example
 * ```ts
 * const people = participantsIn(page.items);
 * ```
 */
export function participantsIn(items: readonly MessageRecord[]): Set<string> {
  const people = new Set<string>();
  for (const { line } of items) {
    const { entry, content } = unpack(line);
    people.add(entry.author);
    for (const to of (content as { to?: string[] } | null)?.to ?? []) {
      people.add(to);
    }
  }
  return people;
}

/**
 * Display names of the people in conversations, for the islands (the
 * server knows who takes part; only names are looked up).
 *
 * @example
 * ```ts
 * const names = await namesOf(kv, authors);
 * ```
 */
export async function namesOf(
  kv: Deno.Kv,
  authors: Iterable<string>,
): Promise<Record<string, string>> {
  const profiles: Map<string, Profile> = await profilesOf(kv, authors);
  const names: Record<string, string> = {};
  for (const [author, profile] of profiles) {
    if (profile.name) names[author] = profile.name;
  }
  return names;
}
