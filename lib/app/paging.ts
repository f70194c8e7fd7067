/**
 * Cursor pagination for pages: reading `?cursor=` and linking to the next
 * page.
 *
 * @module
 */
import { CursorError, type Page } from "../store/mod.ts";
import { HttpError } from "../web/mod.ts";

/** Largest cursor accepted, in characters. */
const MAX_CURSOR = 2_048;

/**
 * The `cursor` query parameter, if any.
 *
 * @throws {HttpError} 400 `bad_cursor` for an over-long one.
 *
 * @example
 * ```ts
 * const cursor = cursorOf(ctx.url);
 * ```
 */
export function cursorOf(url: URL): string | undefined {
  const cursor = url.searchParams.get("cursor") ?? undefined;
  if (cursor !== undefined && (cursor === "" || cursor.length > MAX_CURSOR)) {
    throw badCursor();
  }
  return cursor;
}

/**
 * Runs a page query, turning a cursor KV cannot read into 400 `bad_cursor`.
 *
 * @example
 * ```ts
 * const page = await paged(() => indexPage(kv, ["timeline"], { limit, cursor }));
 * ```
 */
export async function paged<T>(
  query: () => Promise<Page<T>>,
): Promise<Page<T>> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof CursorError) throw badCursor();
    throw error;
  }
}

/** The address of the page after `page` at `url`, or null at the end. */
export function nextHref(url: URL, page: Page<unknown>): string | null {
  if (!page.cursor) return null;
  const next = new URL(url);
  next.searchParams.set("cursor", page.cursor);
  return next.pathname + next.search;
}

function badCursor(): HttpError {
  return new HttpError(
    400,
    "This page link is broken or expired: start again from the first page",
    { reason: "bad_cursor" },
  );
}
