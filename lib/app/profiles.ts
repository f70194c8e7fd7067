/**
 * Profiles of the authors shown on a page, read in one go.
 *
 * @module
 */
import { isValidContent } from "../protocol/mod.ts";
import { KEYS } from "../store/mod.ts";

/** What a profile entry says about its author. */
export interface Profile {
  name?: string;
  bio?: string;
  avatar?: string;
}

/**
 * The stored profile of each of `authors` (authors without one are left
 * out), ten keys per read, concurrently. A stored profile that fails the
 * protocol's checks (a store written before them, or tampered with) is
 * left out too: pages show such an author as one without a profile.
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
    const profile = item.value?.profile;
    if (profile !== undefined && isValidContent("profile", profile)) {
      profiles.set(item.key[1] as string, profile);
    }
  }
  return profiles;
}
