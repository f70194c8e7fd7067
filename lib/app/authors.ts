/**
 * Reading authors and their logs for the API and pages.
 *
 * @module
 */
import { decodeBase64Url } from "../protocol/mod.ts";
import type { RecordStore } from "../store/mod.ts";
import { HttpError } from "../web/mod.ts";

/** An author as the API shows it. */
export interface AuthorSummary {
  author: string;
  head: { seq: number; id: string } | null;
  count: number;
  forked: boolean;
}

/**
 * Checks an author key from a URL.
 *
 * @throws {HttpError} 400 `bad_author` for anything but 43 base64url characters of a 32-byte key.
 *
 * @example
 * ```ts
 * const author = parseAuthorParam(ctx.params.author);
 * ```
 */
export function parseAuthorParam(value: string): string {
  if (!decodeBase64Url(value, { expectedBytes: 32 })) {
    throw new HttpError(
      400,
      "The author must be a 32-byte key in base64url (43 characters)",
      { reason: "bad_author" },
    );
  }
  return value;
}

/**
 * Head, entry count and fork mark of an author.
 *
 * @throws {HttpError} 404 `unknown_author` when this instance holds nothing of the author.
 *
 * @example
 * ```ts
 * const summary = await authorSummary(store, author);
 * ```
 */
export async function authorSummary(
  store: RecordStore,
  author: string,
): Promise<AuthorSummary> {
  const { head } = await store.head(author);
  if (!head) {
    throw new HttpError(404, "This instance holds no entries of that author", {
      reason: "unknown_author",
    });
  }
  return {
    author,
    head: { seq: head.seq, id: head.id },
    count: head.count,
    forked: head.forked,
  };
}

/** Largest page of a log the API serves at once. */
export const MAX_LOG_PAGE = 10_000;

/**
 * Reads `after` and `limit` of a log request.
 *
 * @throws {HttpError} 400 `bad_query` with what is wrong, e.g.
 * `limit must be an integer from 1 to 10000`.
 *
 * @example
 * ```ts
 * const { after, limit } = parseLogQuery(ctx.url.searchParams);
 * ```
 */
export function parseLogQuery(
  params: URLSearchParams,
): { after: number; limit: number } {
  const number = (name: string, fallback: number, min: number, max: number) => {
    const text = params.get(name);
    if (text === null) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      throw new HttpError(
        400,
        `${name} must be an integer from ${min} to ${max}`,
        { reason: "bad_query" },
      );
    }
    return value;
  };
  return {
    after: number("after", 0, 0, Number.MAX_SAFE_INTEGER),
    limit: number("limit", 1000, 1, MAX_LOG_PAGE),
  };
}
