/**
 * The reader's side of messaging: fetching ciphertext from this instance,
 * opening it with the key in this browser, and sealing and publishing new
 * messages. Plaintext exists only here. Browser-safe.
 *
 * @module
 */
import {
  conversationKeyOf,
  type Envelope,
  type Letter,
  MessageError,
  type MessageKeys,
  type OpenedMessage,
  openMessage,
  sealMessage,
} from "../messages/mod.ts";
import { type Entry, entryIdOfLine, parseCanonical } from "../protocol/mod.ts";
import { publishEntry } from "./publish.ts";

/** A `dm` record as the API lists it. */
export interface ListedMessage {
  id: string;
  conversation: string;
  line: string;
}

/**
 * Reads one record line and tries to open it. Never throws: a message that
 * cannot be opened comes back with `failure` set, so the page can show a
 * "could not decrypt" marker in its place.
 *
 * @example
 * ```ts
 * const opened = openLine(keys, line, { id });
 * ```
 */
export function openLine(
  keys: MessageKeys,
  line: string,
  options: { id?: string } = {},
): OpenedMessage {
  // Canonical lines with escapes go through the careful parser (see
  // lib/protocol/_internal.ts on V8's JSON.parse defect).
  const { entry, content } =
    (line.includes("\\") ? parseCanonical(line) : JSON.parse(line)) as {
      entry: Entry;
      content: { to: string[]; box: string; conv?: string } | null;
    };
  // The instance sends each listed entry's id; hashing is for lines alone.
  const id = options.id ?? entryIdOfLine(line);
  const base = {
    id,
    author: entry.author,
    seq: entry.seq,
    ts: entry.ts,
    to: content?.to ?? [],
    ...(content?.conv ? { conv: content.conv } : {}),
  };
  if (!content) return { ...base, failure: "retracted" };
  try {
    const envelope: Envelope = {
      author: entry.author,
      to: content.to,
      box: content.box,
    };
    if (content.conv) envelope.conv = content.conv;
    return { ...base, payload: openMessage(keys, envelope) };
  } catch (error) {
    return {
      ...base,
      failure: error instanceof MessageError ? error.reason : "cannot_decrypt",
    };
  }
}

/**
 * Every message of a listing, newest first as the API sends them, opened,
 * with the names the listing gives.
 *
 * @example
 * ```ts
 * const { messages } = await fetchMessages(`/api/messages/${key}?limit=1000`, keys);
 * ```
 */
export async function fetchMessages(
  url: string,
  keys: MessageKeys,
): Promise<
  {
    messages: (OpenedMessage & { conversation: string })[];
    cursor: string | null;
    /** Profile names of the people in them, by author key. */
    names: Record<string, string>;
  }
> {
  const response = await fetch(url, {
    headers: { Accept: "application/json" },
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.error ?? `The instance answered ${response.status}`);
  }
  const listed = body.messages as ListedMessage[];
  return {
    messages: listed.map(({ id, conversation, line }) => ({
      ...openLine(keys, line, { id }),
      conversation,
    })),
    cursor: body.cursor,
    names: body.names ?? {},
  };
}

/**
 * Seals `letter` in this browser and publishes it as the next `dm` entry of
 * the sender's log. Returns the entry id and the conversation key.
 *
 * @throws {MessageError} When the letter cannot be sealed (bad recipient,
 * text too long); {@linkcode PublishError} when the instance refuses it.
 *
 * @example
 * ```ts
 * await sendMessage(identity, keys, { to: [bob], payload: { kind: "message", text: "hi" } });
 * ```
 */
export async function sendMessage(
  identity: { author: string; secretKey: Uint8Array },
  keys: MessageKeys,
  letter: Letter,
): Promise<{ id: string; conversation: string }> {
  const content: { to: string[]; box: string; conv?: string } = {
    to: [...letter.to],
    box: sealMessage(keys, letter),
  };
  if (letter.conv) content.conv = letter.conv;
  const { id } = await publishEntry(identity, "dm", content);
  return { id, conversation: conversationKeyOf(identity.author, content) };
}
