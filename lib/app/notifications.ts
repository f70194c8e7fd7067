/**
 * Notifications: who mentioned, replied to, reacted to, reposted or
 * followed an author, from the `["notify", author, time, id]` index the
 * ingest pipeline writes with every entry (docs/architecture.md), and the
 * reader's "seen up to" marker `["notify-read", author]` that unread
 * counts are measured against.
 *
 * Only the author moves their marker: the request carries their Ed25519
 * signature of a read receipt (`readReceiptBytes`), which the reader's
 * browser makes with the key it holds.
 *
 * @module
 */
import { verifyEd25519 } from "../crypto/mod.ts";
import { decodeBase64Url } from "../protocol/mod.ts";
import type { InstanceInfo } from "../instance/mod.ts";
import { CursorError, entriesAt, KEYS, type Page } from "../store/mod.ts";
import { blockListOf } from "../store/blocks.ts";
import { HttpError } from "../web/mod.ts";
import { parseAuthorParam } from "./authors.ts";
import { cursorOf, nextHref, paged } from "./paging.ts";
import { type EntriesView, type ShownEntry, viewOf } from "./view.ts";

/** Unread notifications looked at to count the badge, at most. */
const MAX_UNREAD_SCAN = 1_000;

/** Notifications per page. */
export const NOTIFICATIONS_PAGE_SIZE = 20;

/**
 * Unread notifications are counted up to this many: 100 means "more than
 * 99" and is shown as "99+" ({@linkcode unreadLabel}).
 */
export const UNREAD_CAP = 100;

/** What happened. */
export type NotificationKind =
  | "mention"
  | "reply"
  | "reaction"
  | "repost"
  | "follow";

/** One notification: the entry that notifies, and when. */
export interface Notification {
  kind: NotificationKind;
  /** Index time of the entry: min(its ts, when this instance received it). */
  time: number;
  item: ShownEntry;
  /** Newer than the reader's marker. */
  unread: boolean;
}

/** A page of notifications ready to render. */
export interface NotificationsView {
  reader: string;
  notifications: Notification[];
  /** Profiles of the actors, stats of the posts shown. */
  view: EntriesView;
  next: string | null;
  /** The reader's marker (0 when never set). */
  readUpTo: number;
  /** Time of the newest notification (null when there is none). */
  newest: number | null;
  /** Unread notifications, capped at {@linkcode UNREAD_CAP}. */
  unread: number;
}

/** What `["notify", …]` holds: where the notifying entry sits, and `"reply"` for a reply. */
type NotifyValue = [string, number] | [string, number, "reply"];

/**
 * The time of the newest notification `author` has seen (0 when never
 * set).
 *
 * @example
 * ```ts
 * const upTo = await readMarker(kv, author);
 * ```
 */
export async function readMarker(
  kv: Deno.Kv,
  author: string,
): Promise<number> {
  return (await kv.get<number>(KEYS.notificationsRead(author))).value ?? 0;
}

/**
 * Sets `author`'s marker to `upTo`, as given (it may move back, to show
 * notifications as new again).
 *
 * @example
 * ```ts
 * await markRead(kv, author, Date.now());
 * ```
 */
export async function markRead(
  kv: Deno.Kv,
  author: string,
  upTo: number,
): Promise<void> {
  await kv.set(KEYS.notificationsRead(author), upTo);
}

/**
 * Marks `author`'s notifications read up to the newest one, or up to
 * `upTo` (the newest a page showed) when that is older: what arrived after
 * the page was rendered stays unread. Never moves the marker back.
 *
 * @returns the marker now set.
 *
 * @example
 * ```ts
 * await markAllRead(kv, author);
 * ```
 */
export async function markAllRead(
  kv: Deno.Kv,
  author: string,
  upTo?: number,
): Promise<number> {
  const [newest, current] = await Promise.all([
    newestTime(kv, author),
    readMarker(kv, author),
  ]);
  if (newest === null) return current;
  const target = Math.max(current, Math.min(upTo ?? newest, newest));
  if (target !== current) await markRead(kv, author, target);
  return target;
}

/**
 * How many notifications of `author` are newer than their marker, counted
 * up to {@linkcode UNREAD_CAP} (100 stands for "99+"). One short range
 * read, for the nav badge.
 *
 * @example
 * ```ts
 * const badge = unreadLabel(await unreadCount(kv, author)); // "", "3", "99+"
 * ```
 */
export async function unreadCount(
  kv: Deno.Kv,
  author: string,
): Promise<number> {
  return countAfter(kv, author, await readMarker(kv, author));
}

/** An unread count as a badge shows it: "" for none, "99+" above 99. */
export function unreadLabel(count: number): string {
  if (count <= 0) return "";
  return count >= UNREAD_CAP ? "99+" : String(count);
}

/**
 * A page of `author`'s notifications, newest first, with the entries that
 * notify and whether each is newer than `readUpTo`.
 *
 * @throws {CursorError} For a cursor KV cannot read.
 *
 * @example
 * ```ts
 * const page = await notificationsPage(kv, author, { limit: 20 });
 * ```
 */
export async function notificationsPage(
  kv: Deno.Kv,
  author: string,
  options: { cursor?: string; limit: number; readUpTo?: number },
): Promise<Page<Notification>> {
  const readUpTo = options.readUpTo ?? 0;
  const found: { time: number; id: string; value: NotifyValue }[] = [];
  let cursor: string | null = null;
  try {
    const iterator = kv.list<NotifyValue>(
      { prefix: KEYS.notificationPrefix(author) },
      {
        reverse: true,
        cursor: options.cursor,
        limit: options.limit,
        batchSize: Math.min(options.limit, 500),
      },
    );
    for await (const { key, value } of iterator) {
      found.push({ time: key[2] as number, id: key[3] as string, value });
      if (found.length === options.limit) cursor = iterator.cursor;
    }
  } catch (error) {
    if (!options.cursor) throw error;
    throw new CursorError(`Cannot read cursor: ${(error as Error).message}`);
  }
  const entries = new Map(
    (await entriesAt(kv, found.map(({ value }) => [value[0], value[1]])))
      .map((item) => [item.id, item]),
  );
  const items: Notification[] = [];
  for (const { time, id, value } of found) {
    const stored = entries.get(id);
    // Retracting an entry deletes its notification; a slot read in between
    // has no content left to show.
    if (!stored || stored.content === null) continue;
    const { entry, content } = stored;
    items.push({
      kind: kindOf(entry.type, value),
      time,
      item: { entry, content, id },
      unread: time > readUpTo,
    });
  }
  return { items, cursor: cursor || null };
}

/**
 * Everything the notifications page shows for `reader`.
 *
 * @throws {HttpError} 400 `bad_cursor`.
 *
 * @example
 * ```ts
 * const data = await notificationsView(ctx.state.instance, ctx.url, viewer);
 * ```
 */
export async function notificationsView(
  instance: Pick<InstanceInfo, "kv">,
  url: URL,
  reader: string,
): Promise<NotificationsView> {
  const { kv } = instance;
  const cursor = cursorOf(url);
  const [readUpTo, newest] = await Promise.all([
    readMarker(kv, reader),
    newestTime(kv, reader),
  ]);
  const [page, unread] = await Promise.all([
    paged(() =>
      notificationsPage(kv, reader, {
        cursor,
        limit: NOTIFICATIONS_PAGE_SIZE,
        readUpTo,
      })
    ),
    countAfter(kv, reader, readUpTo),
  ]);
  const view = await viewOf(
    kv,
    page.items.map((notification) => notification.item),
    Date.now(),
  );
  return {
    reader,
    // As in viewOf: what blocked authors did stays stored, not shown.
    notifications: page.items.filter((notification) =>
      !blockListOf(kv)?.hasAuthor(notification.item.entry.author)
    ),
    view,
    next: nextHref(url, page),
    readUpTo,
    newest,
    unread,
  };
}

/**
 * What a notification says after the actor's name: "mentioned you",
 * "replied to your post", "liked your post", "reacted 🎉 to your post",
 * "reposted your post", "followed you".
 */
export function notificationText(notification: Notification): string {
  switch (notification.kind) {
    case "mention":
      return "mentioned you";
    case "reply":
      return "replied to your post";
    case "reaction": {
      const reaction =
        (notification.item.content as { reaction?: string } | null)
          ?.reaction ?? "";
      return reaction === "like"
        ? "liked your post"
        : `reacted ${reaction} to your post`;
    }
    case "repost":
      return "reposted your post";
    case "follow":
      return "followed you";
  }
}

/**
 * Where a notification leads: the post for mentions and replies, the post
 * reacted to or reposted, the follower's page.
 */
export function notificationHref(notification: Notification): string {
  const { entry, content, id } = notification.item;
  switch (notification.kind) {
    case "mention":
    case "reply":
      return `/posts/${id}`;
    case "reaction":
    case "repost":
      return `/posts/${(content as { target: string }).target}`;
    case "follow":
      return `/authors/${entry.author}`;
  }
}

/**
 * The bytes a reader signs to move their "read up to" marker: only the
 * holder of the key can mark their notifications read.
 *
 * @example
 * ```ts
 * const sig = sign(secretKey, readReceiptBytes(author, upTo));
 * ```
 */
export function readReceiptBytes(author: string, upTo: number): Uint8Array {
  return new TextEncoder().encode(
    `kith-notifications-read/v1/${author}/${upTo}`,
  );
}

/**
 * Reads a `{"author", "upTo", "sig"}` request body.
 *
 * @throws {HttpError} 400 `malformed_json`, `bad_author`, `bad_up_to` or
 * `bad_sig` (not 64 bytes of base64url).
 *
 * @example
 * ```ts
 * const receipt = parseReadRequest(await ctx.req.text());
 * ```
 */
export function parseReadRequest(text: string): {
  author: string;
  upTo: number;
  sig: string;
} {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(
      400,
      'The body must be JSON: {"author": key, "upTo": time, "sig": signature}',
      { reason: "malformed_json" },
    );
  }
  const { author, upTo, sig } = (body ?? {}) as {
    author?: unknown;
    upTo?: unknown;
    sig?: unknown;
  };
  parseAuthorParam(typeof author === "string" ? author : "");
  if (typeof upTo !== "number" || !Number.isSafeInteger(upTo) || upTo < 0) {
    throw new HttpError(
      400,
      "upTo must be a time in milliseconds since 1970 (an integer from 0)",
      { reason: "bad_up_to" },
    );
  }
  if (
    typeof sig !== "string" ||
    decodeBase64Url(sig, { expectedBytes: 64 })?.length !== 64
  ) {
    throw new HttpError(
      400,
      "sig must be the author's Ed25519 signature of the read receipt, 64 bytes of base64url",
      { reason: "bad_sig" },
    );
  }
  return { author: author as string, upTo, sig };
}

/**
 * Checks a read receipt: not more than a minute ahead, and signed by the
 * author.
 *
 * @throws {HttpError} 400 `bad_up_to` for a time in the future, 403
 * `bad_signature` when the signature does not verify.
 */
export async function assertReadReceipt(
  receipt: { author: string; upTo: number; sig: string },
  now: number,
): Promise<void> {
  if (receipt.upTo > now + 60_000) {
    throw new HttpError(400, "upTo must not be in the future", {
      reason: "bad_up_to",
    });
  }
  const valid = await verifyEd25519(
    decodeBase64Url(receipt.author)!,
    readReceiptBytes(receipt.author, receipt.upTo),
    decodeBase64Url(receipt.sig)!,
  );
  if (!valid) {
    throw new HttpError(403, "The signature is not this author's", {
      reason: "bad_signature",
    });
  }
}

function kindOf(type: string, value: NotifyValue): NotificationKind {
  if (value[2] === "reply") return "reply";
  switch (type) {
    case "react":
      return "reaction";
    case "repost":
      return "repost";
    case "follow":
      return "follow";
    default:
      return "mention";
  }
}

/** Time of `author`'s newest notification, or null. */
async function newestTime(
  kv: Deno.Kv,
  author: string,
): Promise<number | null> {
  for await (
    const { key } of kv.list({ prefix: KEYS.notificationPrefix(author) }, {
      reverse: true,
      limit: 1,
    })
  ) return key[2] as number;
  return null;
}

/** Notifications of `author` newer than `time`, counted up to the cap. */
async function countAfter(
  kv: Deno.Kv,
  author: string,
  time: number,
): Promise<number> {
  const prefix = KEYS.notificationPrefix(author);
  const blocks = blockListOf(kv);
  let count = 0;
  let scanned = 0;
  for await (
    const { value } of kv.list<NotifyValue>({
      // Times are integers (ts and receipt in ms): the first key after
      // every key at `time`.
      start: [...prefix, Math.floor(time) + 1],
      end: [...prefix, Infinity],
    }, { batchSize: UNREAD_CAP })
  ) {
    // As on the page: what blocked authors did is not news. The scan stays
    // bounded however much of it there is.
    if (++scanned > MAX_UNREAD_SCAN) break;
    if (blocks?.hasAuthor(value[0])) continue;
    if (++count >= UNREAD_CAP) break;
  }
  return count;
}
