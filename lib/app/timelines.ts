/**
 * The timelines pages show: the instance's public timelines, a hashtag, an
 * author's log, and a post's thread.
 *
 * @module
 */
import type { InstanceInfo } from "../instance/mod.ts";
import type { PostContent } from "../protocol/mod.ts";
import { authorPage, indexPage, type Page } from "../store/mod.ts";
import { blockListOf } from "../store/blocks.ts";
import { HttpError } from "../web/mod.ts";
import { isDownranked, withVerdicts } from "./moderation.ts";
import { cursorOf, nextHref, paged } from "./paging.ts";
import { type EntriesView, type ShownEntry, viewOf } from "./view.ts";

/** Entries per page. */
export const PAGE_SIZE = 20;
/** Entries per page of the home timeline. */
export const HOME_PAGE_SIZE = 50;

/** A page of entries ready to render, with the link to the next one. */
export interface TimelineView {
  view: EntriesView;
  next: string | null;
  /** Whether this is a later page (the request had a cursor). */
  later: boolean;
}

async function render(
  instance: InstanceInfo,
  url: URL,
  page: Page,
  extraSubjects: string[] = [],
): Promise<TimelineView> {
  const view = await viewOf(instance.kv, page.items, Date.now());
  withVerdicts(view, instance.ledgers, extraSubjects);
  return {
    view,
    next: nextHref(url, page),
    later: url.searchParams.has("cursor"),
  };
}

/**
 * Posts and reposts held here, newest first; `local` keeps those of this
 * instance's own authors.
 *
 * @throws {HttpError} 400 `bad_cursor`.
 *
 * @example
 * ```ts
 * const { view, next } = await publicTimeline(instance, ctx.url, { local: true });
 * ```
 */
export async function publicTimeline(
  instance: InstanceInfo,
  url: URL,
  options: { local?: boolean } = {},
): Promise<TimelineView> {
  const cursor = cursorOf(url);
  const page = await paged(() =>
    indexPage(instance.kv, ["timeline"], {
      limit: PAGE_SIZE,
      cursor,
      authorFilter: options.local
        ? (author) => instance.replication.isLocal(author)
        : undefined,
    })
  );
  return render(instance, url, page);
}

/**
 * The home timeline of `viewer`: posts and reposts by the authors they
 * follow and their own, newest first.
 *
 * @throws {HttpError} 400 `bad_cursor`.
 *
 * @example
 * ```ts
 * const { view } = await homeTimeline(instance, ctx.url, viewer);
 * ```
 */
export async function homeTimeline(
  instance: InstanceInfo,
  url: URL,
  viewer: string,
): Promise<TimelineView & { following: number }> {
  const follows = await instance.follows.of(viewer);
  const cursor = cursorOf(url);
  const page = await paged(() =>
    indexPage(instance.kv, ["timeline"], {
      limit: HOME_PAGE_SIZE,
      cursor,
      authorFilter: (author) => author === viewer || follows.has(author),
    })
  );
  return { ...await render(instance, url, page), following: follows.size };
}

/**
 * Posts tagged `tag`, newest first.
 *
 * @throws {HttpError} 400 `bad_tag` for a malformed tag, `bad_cursor`.
 *
 * @example
 * ```ts
 * const { view } = await tagTimeline(instance, ctx.url, "deno");
 * ```
 */
export async function tagTimeline(
  instance: InstanceInfo,
  url: URL,
  raw: string,
): Promise<TimelineView & { tag: string }> {
  const tag = parseTag(raw);
  const cursor = cursorOf(url);
  const page = await paged(() =>
    indexPage(instance.kv, ["tag", tag], { limit: PAGE_SIZE, cursor })
  );
  return { ...await render(instance, url, page), tag };
}

/**
 * An author's log, newest first; the view also holds the verdicts on the
 * author (`author:<key>`), even with no post on the page.
 *
 * @throws {HttpError} 400 `bad_cursor`.
 */
export async function authorTimeline(
  instance: InstanceInfo,
  url: URL,
  author: string,
): Promise<TimelineView> {
  const cursor = cursorOf(url);
  const page = await paged(() =>
    authorPage(instance.kv, author, { limit: PAGE_SIZE, cursor })
  );
  return render(instance, url, page, [`author:${author}`]);
}

/** A post in a thread, with its replies below it. */
export interface ThreadNode {
  item: ShownEntry;
  replies: ThreadNode[];
}

/**
 * The thread of post `id`: its root (when held) with every reply held here
 * as a tree by `parent`, oldest first at each level, except that replies
 * a ledger down-ranks come after the others; replies whose parent is
 * missing hang under the root.
 *
 * @throws {HttpError} 404 `unknown_post` when `id` is not held here, 403
 * `blocked_author` when its author is blocked here.
 */
export async function thread(
  instance: InstanceInfo,
  id: string,
): Promise<
  { focused: string; root: string; roots: ThreadNode[]; view: EntriesView }
> {
  const found = await instance.store.get(id);
  if (!found || found.entry.type !== "post") {
    throw new HttpError(404, "This instance holds no post with that id", {
      reason: "unknown_post",
    });
  }
  if (blockListOf(instance.kv)?.hasAuthor(found.entry.author)) {
    throw new HttpError(403, "This post's author is blocked on this instance", {
      reason: "blocked_author",
    });
  }
  const post = found.content as PostContent | null;
  const rootId = post?.root ?? id;
  const root = rootId === id ? found : await instance.store.get(rootId);
  const replies = await indexPage(instance.kv, ["replies", rootId], {
    limit: 500,
  });
  const items: ShownEntry[] = [...replies.items].reverse();
  if (root) items.unshift(root);
  if (!items.some((item) => item.id === id)) items.push(found);
  const view = await viewOf(instance.kv, items, Date.now());
  withVerdicts(view, instance.ledgers);
  // The view left out blocked authors' posts: the tree holds what it shows.
  const nodes = new Map<string, ThreadNode>(
    view.items.map((item) => [item.id, { item, replies: [] }]),
  );
  const roots: ThreadNode[] = [];
  for (const node of nodes.values()) {
    const parentId = (node.item.content as PostContent | null)?.parent;
    const parent = parentId
      ? nodes.get(parentId) ?? nodes.get(rootId)
      : undefined;
    if (parent && parent !== node) parent.replies.push(node);
    else roots.push(node);
  }
  const low = (node: ThreadNode) => isDownranked(view, node.item) ? 1 : 0;
  for (const node of nodes.values()) {
    // Array sort is stable: time order stays within each group.
    node.replies.sort((a, b) => low(a) - low(b));
  }
  return { focused: id, root: rootId, roots, view };
}

/**
 * A hashtag from a URL segment, as the index stores it.
 *
 * @throws {HttpError} 400 `bad_tag`.
 */
export function parseTag(raw: string): string {
  const tag = raw.normalize("NFC").toLowerCase();
  if (!/^[\p{L}\p{N}_]{1,64}$/u.test(tag)) {
    throw new HttpError(400, "A hashtag is 1 to 64 letters, digits or _", {
      reason: "bad_tag",
    });
  }
  return tag;
}
