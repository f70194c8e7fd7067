/**
 * Read-side queries over the store's indexes, newest first, paginated by
 * an opaque cursor (Deno KV's own list cursor): timelines, tags, mentions,
 * replies, an author's log, follows and reactions.
 *
 * @module
 */
import type { Content, Entry } from "../protocol/mod.ts";
import { type EntryWithContent, unpack } from "./record_store.ts";
import { KEYS } from "./schema.ts";

/** One page of entries and the cursor of the next (null at the end). */
export interface Page<T = EntryWithContent> {
  items: T[];
  cursor: string | null;
}

/** Paging options: an opaque cursor from a previous page, and a size. */
export interface PageOptions {
  cursor?: string;
  limit: number;
  /**
   * Keeps only entries whose author passes; the scan stops after `scan`
   * index keys even when the page is not full (default 5,000).
   */
  authorFilter?: (author: string) => boolean;
  scan?: number;
}

/** A cursor that KV refused: the caller answers 400. */
export class CursorError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "CursorError";
  }
}

/**
 * Entries listed under an index `prefix` whose values are `[author, seq]`,
 * newest first.
 *
 * @throws {CursorError} For a cursor KV cannot read.
 *
 * @example
 * ```ts
 * const page = await indexPage(kv, ["tag", "deno"], { limit: 20 });
 * ```
 */
export async function indexPage(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  options: PageOptions,
): Promise<Page> {
  const { limit, authorFilter } = options;
  const scan = authorFilter ? options.scan ?? 5_000 : limit;
  const locations: [string, number][] = [];
  let iterator: Deno.KvListIterator<[string, number]>;
  try {
    iterator = kv.list<[string, number]>({ prefix }, {
      reverse: true,
      cursor: options.cursor,
      limit: scan,
      batchSize: Math.min(scan, 500),
    });
  } catch (error) {
    throw new CursorError(`Cannot read cursor: ${(error as Error).message}`);
  }
  let seen = 0;
  let cursor: string | null = null;
  try {
    for await (const { value } of iterator) {
      seen++;
      if (!authorFilter || authorFilter(value[0])) locations.push(value);
      if (locations.length === limit) {
        cursor = iterator.cursor;
        break;
      }
    }
  } catch (error) {
    if (options.cursor) {
      throw new CursorError(`Cannot read cursor: ${(error as Error).message}`);
    }
    throw error;
  }
  // A filtered scan that hit its bound may have more beyond it.
  if (cursor === null && authorFilter && seen === scan) {
    cursor = iterator.cursor;
  }
  return { items: await entriesAt(kv, locations), cursor: cursor || null };
}

/**
 * The stored entries at `[author, seq]` locations, in the same order
 * (missing ones skipped). Reads ten at a time, concurrently.
 *
 * @example
 * ```ts
 * const [entry] = await entriesAt(kv, [[author, 1]]);
 * ```
 */
export async function entriesAt(
  kv: Deno.Kv,
  locations: [string, number][],
): Promise<EntryWithContent[]> {
  const groups: [string, number][][] = [];
  for (let i = 0; i < locations.length; i += 10) {
    groups.push(locations.slice(i, i + 10));
  }
  const results = await Promise.all(
    groups.map((group) =>
      kv.getMany<Uint8Array[]>(
        group.map(([author, seq]) => KEYS.log(author, seq)),
      )
    ),
  );
  return results.flat().filter((item) => item.value !== null).map((item) =>
    unpack(item.value!)
  );
}

/**
 * An author's log, newest first.
 *
 * @throws {CursorError} For a cursor KV cannot read.
 *
 * @example
 * ```ts
 * const page = await authorPage(kv, author, { limit: 20 });
 * ```
 */
export async function authorPage(
  kv: Deno.Kv,
  author: string,
  options: Pick<PageOptions, "cursor" | "limit">,
): Promise<Page> {
  const items: EntryWithContent[] = [];
  let cursor: string | null = null;
  try {
    const iterator = kv.list<Uint8Array>({ prefix: KEYS.logPrefix(author) }, {
      reverse: true,
      cursor: options.cursor,
      limit: options.limit,
    });
    for await (const { value } of iterator) {
      items.push(unpack(value));
      if (items.length === options.limit) cursor = iterator.cursor;
    }
  } catch (error) {
    if (!options.cursor) throw error;
    throw new CursorError(`Cannot read cursor: ${(error as Error).message}`);
  }
  return { items, cursor: cursor || null };
}

/**
 * Authors listed under a `[kind, author]` follow index (`follows` or
 * `followers`), in key order.
 *
 * @example
 * ```ts
 * const following = await followList(kv, "follows", author, { limit: 50 });
 * ```
 */
export async function followList(
  kv: Deno.Kv,
  kind: "follows" | "followers",
  author: string,
  options: Pick<PageOptions, "cursor" | "limit">,
): Promise<Page<string>> {
  const items: string[] = [];
  let cursor: string | null = null;
  try {
    const iterator = kv.list({ prefix: [kind, author] }, {
      cursor: options.cursor,
      limit: options.limit,
    });
    for await (const { key } of iterator) {
      items.push(key[2] as string);
      if (items.length === options.limit) cursor = iterator.cursor;
    }
  } catch (error) {
    if (!options.cursor) throw error;
    throw new CursorError(`Cannot read cursor: ${(error as Error).message}`);
  }
  return { items, cursor: cursor || null };
}

export type { Content, Entry, EntryWithContent };
