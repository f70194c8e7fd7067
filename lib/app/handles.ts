/**
 * Resolving `@handles` to author keys, for mentions written in the compose
 * box. A handle comes from a profile name, or from the fingerprint when
 * there is no name (see lib/identity/handle.ts). Two authors may share a
 * handle: such a handle resolves to nothing rather than to a guess, so a
 * mention never lands on an impostor.
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
 * The author key behind each handle (without `@`, any case), or null when
 * no author, or more than one, has it.
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
  const ambiguous = new Set<string>();
  const settle = (handle: string, author: string) => {
    const original = wanted.get(handle);
    if (original === undefined || ambiguous.has(original)) return;
    const known = found.get(original);
    if (known === null) found.set(original, author);
    else if (known !== author) {
      ambiguous.add(original);
      found.set(original, null);
    }
  };
  for await (
    const { key, value } of kv.list<{ profile: Profile }>({
      prefix: ["profile"],
    }, { limit: SCAN, batchSize: 1_000 })
  ) {
    const author = key[1] as string;
    const handle = handleOf(author, value.profile).slice(1);
    if (wanted.has(handle)) settle(handle, author);
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
