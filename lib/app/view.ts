/**
 * What a page needs to show a list of entries: the entries, the profiles of
 * their authors and of the authors they mention, and the time "now".
 *
 * @module
 */
import { handleOf } from "../identity/mod.ts";
import type { LedgerVerdict } from "../ledgers/mod.ts";
import {
  type Content,
  type Entry,
  isValidContent,
  type PostContent,
} from "../protocol/mod.ts";
import { entriesAt, KEYS, STATS } from "../store/mod.ts";
import { blockListOf } from "../store/blocks.ts";
import { type Profile, profilesOf } from "./profiles.ts";

/** An entry as pages show it. */
export interface ShownEntry {
  entry: Entry;
  content: Content | null;
  id: string;
}

/** Entries with what it takes to render them. */
export interface EntriesView {
  items: ShownEntry[];
  /** Profiles by author key. */
  profiles: Map<string, Profile>;
  /** Author key to handle (without `@`, lowercase), for mentions. */
  handles: Map<string, string>;
  /** Likes, reposts and other reactions of each post shown. */
  stats: Map<string, EntryStats>;
  now: number;
  /** The posts that reposts on the page share, by id. */
  reposted: Map<string, ShownEntry>;
  /** The signed-in reader and whom they follow, for follow buttons. */
  reader?: { author: string; follows: ReadonlySet<string> };
  /**
   * Verdicts of honoured ledgers by subject key (`post:<id>`,
   * `author:<key>`); empty until moderation.ts's `withVerdicts` fills it.
   */
  verdicts: Map<string, LedgerVerdict[]>;
}

/** What readers did with a post. */
export interface EntryStats {
  likes: number;
  reposts: number;
  /** Emoji reactions by emoji. */
  reactions: Record<string, number>;
}

/**
 * Loads the profiles behind `items` and maps mention handles to keys;
 * leaves out entries by authors this instance blocks, and reposts of them.
 *
 * @example
 * ```ts
 * const view = await viewOf(kv, page.items, Date.now());
 * ```
 */
export async function viewOf(
  kv: Deno.Kv,
  items: ShownEntry[],
  now: number,
): Promise<EntriesView> {
  // Local blocks hide here, where every list of entries passes, so no
  // page needs to remember them; nothing stored changes.
  const blocks = blockListOf(kv);
  if (blocks) {
    items = items.filter((item) => !blocks.hasAuthor(item.entry?.author));
  }
  // Reposts show the post they share.
  const reposted = await entriesById(
    kv,
    items.flatMap((item) =>
      item.entry.type === "repost" && readable(item)
        ? [(item.content as { target: string }).target]
        : []
    ),
  );
  if (blocks) {
    items = items.filter((item) => {
      const target = item.entry.type === "repost" && readable(item)
        ? reposted.get((item.content as { target: string }).target)
        : undefined;
      return !target || !blocks.hasAuthor(target.entry.author);
    });
  }
  const authors = new Set<string>();
  for (const item of [...items, ...reposted.values()]) {
    // Only what the page can show; EntryCard puts a placeholder in place
    // of an entry it cannot (see card_view.ts).
    if (typeof item.entry?.author !== "string") continue;
    authors.add(item.entry.author);
    if (item.entry.type === "post" && readable(item)) {
      for (const key of (item.content as PostContent).mentions ?? []) {
        authors.add(key);
      }
    }
  }
  const [profiles, stats] = await Promise.all([
    profilesOf(kv, authors),
    statsOf(
      kv,
      [...items, ...reposted.values()].filter((item) =>
        item.entry.type === "post" && item.content &&
        typeof item.id === "string"
      ).map((item) => item.id),
    ),
  ]);
  const handles = new Map<string, string>();
  for (const author of authors) {
    try {
      handles.set(author, handleOf(author, profiles.get(author)).slice(1));
    } catch {
      // Not an author key: that entry shows as a placeholder.
    }
  }
  return {
    items,
    profiles,
    handles,
    stats,
    now,
    reposted,
    verdicts: new Map(),
  };
}

/**
 * Whether an item's content passes the protocol's checks: stored content
 * did when it came in, but a store may predate a check or be tampered
 * with, and one bad entry must not take a page down.
 */
function readable(item: ShownEntry): boolean {
  return item.content !== null &&
    isValidContent(item.entry.type, item.content);
}

/** The stored entries with these ids, by id (missing ones left out). */
async function entriesById(
  kv: Deno.Kv,
  ids: string[],
): Promise<Map<string, ShownEntry>> {
  const unique = [...new Set(ids)];
  const groups: string[][] = [];
  for (let i = 0; i < unique.length; i += 10) {
    groups.push(unique.slice(i, i + 10));
  }
  const found = (await Promise.all(
    groups.map((group) =>
      kv.getMany<{ author: string; seq: number }[]>(group.map(KEYS.entry))
    ),
  )).flat().flatMap((item) =>
    item.value ? [[item.value.author, item.value.seq] as [string, number]] : []
  );
  const entries = await entriesAt(kv, found);
  return new Map(entries.map((entry) => [entry.id, entry]));
}

/**
 * Likes, reposts and emoji reactions of each of `ids`, from the counters
 * ingest keeps: one packed key per post, read ten at a time, and the emoji
 * counters only of posts that have any.
 */
export async function statsOf(
  kv: Deno.Kv,
  ids: string[],
): Promise<Map<string, EntryStats>> {
  const groups: string[][] = [];
  for (let i = 0; i < ids.length; i += 10) groups.push(ids.slice(i, i + 10));
  const packed = (await Promise.all(
    groups.map((group) => kv.getMany<Deno.KvU64[]>(group.map(KEYS.stats))),
  )).flat().map((item) => STATS.unpack(item.value?.value ?? 0n));
  const stats = new Map<string, EntryStats>();
  await Promise.all(ids.map(async (id, i) => {
    const { likes, reposts, reactions: reacted } = packed[i];
    const reactions: Record<string, number> = {};
    if (reacted > 0) {
      for await (
        const { key, value } of kv.list<Deno.KvU64>({ prefix: ["emoji", id] })
      ) {
        const count = Number(value.value);
        if (count > 0) reactions[key[2] as string] = count;
      }
    }
    stats.set(id, { likes, reposts, reactions });
  }));
  return stats;
}
