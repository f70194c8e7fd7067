/**
 * Writing entries from the command line: ask the author's instance for the
 * head, sign on top of it, post; a stale head (another device wrote first)
 * is retried on the fresh head, so the log never forks.
 *
 * @module
 */
import { sign } from "../crypto/mod.ts";
import { type Content, createRecord, type EntryType } from "../protocol/mod.ts";
import { fetchInstance, readJson } from "./instance_http.ts";
import type { KeyFile } from "./key_file.ts";

const ATTEMPTS = 3;

/**
 * Signs and posts one entry to `server`, returning its id.
 *
 * @throws {Error} With the server's reason when the record is refused, or
 * when the server cannot be reached or answers with something other than
 * Kith's JSON (see instance_http.ts).
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
    const response = await fetchInstance(options.server, "/api/records", {
      method: "POST",
      body: record.line,
    });
    const body = await readJson(response, options.server);
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
  const response = await fetchInstance(server, `/api/authors/${author}`);
  const body = await readJson(response, server);
  if (response.status === 404 && body.reason === "unknown_author") return null;
  if (!response.ok) {
    throw new Error(
      `Cannot read the log head (${response.status} ${body.reason}): ${body.error}`,
    );
  }
  return body.head as { seq: number; id: string };
}
