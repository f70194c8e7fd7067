/**
 * What a page needs to show a list of entries: the entries, the profiles of
 * their authors and of the authors they mention, and the time "now".
 *
 * @module
 */
import { handleOf } from "../identity/mod.ts";
import type { Content, Entry, PostContent } from "../protocol/mod.ts";
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
  now: number;
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
  return { items, profiles, handles, now };
}
