/**
 * Who is reading: the author key a signed-in browser sends in the
 * `kith_author` cookie (public, never a secret), and whom they follow.
 *
 * @module
 */
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import { followList } from "../store/mod.ts";
import type { InstanceInfo } from "../instance/mod.ts";
import type { EntriesView } from "./view.ts";

/** Name of the cookie holding the reader's author key. */
export const AUTHOR_COOKIE = "kith_author";

/** Most follows read for one page. */
const MAX_FOLLOWS = 10_000;

/**
 * The reader's author key, or null when the browser sent none, a malformed
 * one, or one set by an instance on another port of this host.
 *
 * @example
 * ```ts
 * const viewer = viewerOf(ctx.hono);
 * ```
 */
export function viewerOf(context: Context): string | null {
  const value = getCookie(context, AUTHOR_COOKIE);
  if (!value) return null;
  // `<port>:<key>` (the identity island) or a bare key (API clients).
  const split = value.lastIndexOf(":");
  const key = value.slice(split + 1);
  if (split >= 0) {
    const port = new URL(context.req.url).port || "-";
    if (value.slice(0, split) !== port) return null;
  }
  return /^[A-Za-z0-9_-]{43}$/.test(key) ? key : null;
}

/**
 * The authors `viewer` follows, as stored here.
 *
 * @example
 * ```ts
 * const follows = await followsOf(kv, viewer);
 * ```
 */
export async function followsOf(
  kv: Deno.Kv,
  viewer: string,
): Promise<Set<string>> {
  const page = await followList(kv, "follows", viewer, { limit: MAX_FOLLOWS });
  return new Set(page.items);
}

/**
 * Adds the reader and their follow set to `view`, so cards can offer to
 * follow authors the reader does not follow yet.
 *
 * @example
 * ```ts
 * await withReader(instance, data.view, ctx.state.viewer);
 * ```
 */
export async function withReader(
  instance: InstanceInfo,
  view: EntriesView,
  viewer: string | null | undefined,
): Promise<void> {
  if (!viewer) return;
  view.reader = { author: viewer, follows: await instance.follows.of(viewer) };
}
