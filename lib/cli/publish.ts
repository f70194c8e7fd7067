/**
 * Writing entries from the command line: ask the author's instance for the
 * head, sign on top of it, post; a stale head (another device wrote first)
 * is retried on the fresh head, so the log never forks.
 *
 * @module
 */
import { sign } from "../crypto/mod.ts";
import { type Content, createRecord, type EntryType } from "../protocol/mod.ts";
import type { KeyFile } from "./key_file.ts";

const ATTEMPTS = 3;

/**
 * Signs and posts one entry to `server`, returning its id.
 *
 * @throws {Error} With the server's reason when the record is refused, or
 * when the server cannot be reached.
 *
 * @example
 * ```ts
 * const id = await publish(key, { type: "post", content: { text: "Hi" } }, { server: "http://localhost:8000" });
 * ```
 */
export async function publish(
  key: KeyFile,
  what: { type: EntryType; content: Content },
  options: { server: string; now?: () => number },
): Promise<string> {
  for (let attempt = 1;; attempt++) {
    const head = await fetchHead(options.server, key.author);
    const record = createRecord(
      {
        author: key.author,
        seq: (head?.seq ?? 0) + 1,
        prev: head?.id ?? null,
        ts: (options.now ?? Date.now)(),
        type: what.type,
        content: what.content,
      },
      { sign: (bytes) => sign(key.secretKey, bytes) },
    );
    const response = await fetch(`${options.server}/api/records`, {
      method: "POST",
      body: record.line,
    });
    const body = await response.json();
    if (response.status === 201 || response.status === 200) return record.id;
    if (body.reason === "stale_seq" && attempt < ATTEMPTS) continue;
    throw new Error(
      `The instance refused the ${what.type} (${response.status} ${body.reason}): ${body.error}`,
    );
  }
}

async function fetchHead(
  server: string,
  author: string,
): Promise<{ seq: number; id: string } | null> {
  let response: Response;
  try {
    response = await fetch(`${server}/api/authors/${author}`);
  } catch (error) {
    throw new Error(
      `Cannot reach the instance at ${server}: ${(error as Error).message}`,
    );
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  const body = await response.json();
  if (!response.ok) {
    throw new Error(
      `Cannot read the log head (${response.status} ${body.reason}): ${body.error}`,
    );
  }
  return body.head;
}
