/**
 * What a page needs to show a list of entries: the entries, the profiles of
 * their authors and of the authors they mention, and the time "now".
 *
 * @module
 */
import { handleOf } from "../identity/mod.ts";
import type { Content, Entry, PostContent } from "../protocol/mod.ts";
import { reactionsTo, repostCount } from "../store/mod.ts";
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
  /** Handle (without `@`, lowercase) to author key, for mentions. */
  handles: Map<string, string>;
  /** Likes, reposts and other reactions of each post shown. */
  stats: Map<string, EntryStats>;
  now: number;
}

/** What readers did with a post. */
export interface EntryStats {
  likes: number;
  reposts: number;
  /** Emoji reactions by emoji. */
  reactions: Record<string, number>;
}

/**
 * Loads the profiles behind `items` and maps mention handles to keys.
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
  const authors = new Set<string>();
  for (const { entry, content } of items) {
    authors.add(entry.author);
    if (entry.type === "post" && content) {
      for (const key of (content as PostContent).mentions ?? []) {
        authors.add(key);
      }
    }
  }
  const profiles = await profilesOf(kv, authors);
  const handles = new Map<string, string>();
  for (const author of authors) {
    handles.set(handleOf(author, profiles.get(author)).slice(1), author);
  }
  const stats = new Map<string, EntryStats>(
    await Promise.all(
      items.filter((item) => item.entry.type === "post" && item.content)
        .map(async (item): Promise<[string, EntryStats]> => {
          const [{ counts }, reposts] = await Promise.all([
            reactionsTo(kv, item.id),
            repostCount(kv, item.id),
          ]);
          const reactions = Object.fromEntries(counts);
          const likes = reactions.like ?? 0;
          delete reactions.like;
          return [item.id, { likes, reposts, reactions }];
        }),
    ),
  );
  return { items, profiles, handles, stats, now };
}
