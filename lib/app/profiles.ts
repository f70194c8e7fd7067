/**
 * Profiles of the authors shown on a page, read in one go.
 *
 * @module
 */
import { KEYS } from "../store/mod.ts";

/** What a profile entry says about its author. */
export interface Profile {
  name?: string;
  bio?: string;
  avatar?: string;
}

/**
 * The stored profile of each of `authors` (authors without one are left
 * out), ten keys per read, concurrently.
 *
 * @example
 * ```ts
 * const profiles = await profilesOf(kv, [author]);
 * profiles.get(author)?.name;
 * ```
 */
export async function profilesOf(
  kv: Deno.Kv,
  authors: Iterable<string>,
): Promise<Map<string, Profile>> {
  const unique = [...new Set(authors)];
  const groups: string[][] = [];
  for (let i = 0; i < unique.length; i += 10) {
    groups.push(unique.slice(i, i + 10));
  }
  const results = await Promise.all(
    groups.map((group) =>
      kv.getMany<{ profile: Profile }[]>(group.map(KEYS.profile))
    ),
  );
  const profiles = new Map<string, Profile>();
  for (const item of results.flat()) {
    if (item.value) profiles.set(item.key[1] as string, item.value.profile);
  }
  return profiles;
}
