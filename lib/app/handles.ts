/**
 * Resolving `@handles` to author keys, for mentions written in the compose
 * box. A handle comes from a profile name, or from the fingerprint when
 * there is no name (see lib/identity/handle.ts); two authors may share one,
 * and the first found wins.
 *
 * @module
 */
import { fingerprint, handleOf } from "../identity/mod.ts";
import type { Profile } from "./profiles.ts";

/** Profiles and heads read at most per resolution. */
const SCAN = 20_000;
/** Handles resolved at once at most. */
export const MAX_HANDLES = 50;
const FINGERPRINT_HANDLE = /^[0-9a-z]{4}-[0-9a-z]{4}$/;

/**
 * The author key behind each handle (without `@`, any case), or null.
 *
 * @example
 * ```ts
 * const keys = await resolveHandles(kv, ["ada_lovelace"]);
 * ```
 */
export async function resolveHandles(
  kv: Deno.Kv,
  handles: string[],
): Promise<Map<string, string | null>> {
  const wanted = new Map(
    handles.slice(0, MAX_HANDLES).map((
      handle,
    ) => [handle.toLowerCase(), handle]),
  );
  const found = new Map<string, string | null>(
    [...wanted.values()].map((handle) => [handle, null]),
  );
  const settle = (handle: string, author: string) => {
    const original = wanted.get(handle);
    if (original !== undefined && found.get(original) === null) {
      found.set(original, author);
    }
  };
  let open = wanted.size;
  for await (
    const { key, value } of kv.list<{ profile: Profile }>({
      prefix: ["profile"],
    }, { limit: SCAN, batchSize: 1_000 })
  ) {
    if (open === 0) break;
    const author = key[1] as string;
    const handle = handleOf(author, value.profile).slice(1);
    if (wanted.has(handle)) {
      settle(handle, author);
      open--;
    }
  }
  // Authors without a name go by their fingerprint.
  if ([...wanted.keys()].some((handle) => FINGERPRINT_HANDLE.test(handle))) {
    for await (
      const { key } of kv.list({ prefix: ["head"] }, {
        limit: SCAN,
        batchSize: 1_000,
      })
    ) {
      const author = key[1] as string;
      try {
        settle(fingerprint(author).toLowerCase(), author);
      } catch {
        // Not a key.
      }
    }
  }
  return found;
}
