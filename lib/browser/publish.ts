/**
 * Signing and publishing from the browser. The instance is the author's
 * home: the next entry is signed on top of the head it reports, and a
 * `409 stale_seq` (another tab got there first) is retried on the fresh
 * head, so two tabs never fork the log. Browser-safe.
 *
 * @module
 */
import { sign } from "../crypto/keys.ts";
import { type Content, createRecord, type EntryType } from "../protocol/mod.ts";

/** Why publishing failed, with the server's reason code when it gave one. */
export class PublishError extends Error {
  /** The API's `reason`, or `network`. */
  readonly reason: string;

  /** Creates the error. */
  constructor(reason: string, message: string) {
    super(message);
    this.name = "PublishError";
    this.reason = reason;
  }
}

const ATTEMPTS = 4;

/**
 * Signs `content` as the next entry of the author's log and posts it.
 *
 * @throws {PublishError} With the API's reason (e.g. `text_too_long`) or
 * `network`; `stale_seq` only after several fresh heads lost the race.
 *
 * @example
 * ```ts
 * const { id } = await publishEntry(identity, "post", { text: "Hello" });
 * ```
 */
export async function publishEntry(
  identity: { author: string; secretKey: Uint8Array },
  type: EntryType,
  content: Content,
  options: { origin?: string; fetch?: typeof fetch } = {},
): Promise<{ id: string; seq: number }> {
  const origin = options.origin ?? "";
  const send = options.fetch ?? fetch;
  for (let attempt = 1;; attempt++) {
    const head = await headOf(identity.author, origin, send);
    const record = createRecord({
      author: identity.author,
      seq: head.seq + 1,
      prev: head.id,
      ts: Date.now(),
      type,
      content,
    }, { sign: (bytes) => sign(identity.secretKey, bytes) });
    const response = await request(send, `${origin}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: record.line,
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) return { id: record.id, seq: record.entry.seq };
    const reason = typeof body.reason === "string" ? body.reason : "error";
    if (reason === "stale_seq" && attempt < ATTEMPTS) continue;
    throw new PublishError(
      reason,
      typeof body.error === "string"
        ? body.error
        : `The instance answered ${response.status}`,
    );
  }
}

async function headOf(
  author: string,
  origin: string,
  send: typeof fetch,
): Promise<{ seq: number; id: string | null }> {
  const response = await request(send, `${origin}/api/authors/${author}`, {
    headers: { "Cache-Control": "no-cache" },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return { seq: 0, id: null };
  }
  if (!response.ok) {
    throw new PublishError(
      "error",
      `Cannot read your log's head: the instance answered ${response.status}`,
    );
  }
  const { head } = await response.json();
  return { seq: head.seq, id: head.id };
}

async function request(
  send: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await send(url, init);
  } catch (error) {
    throw new PublishError(
      "network",
      `Cannot reach this instance: ${(error as Error).message}`,
    );
  }
}
