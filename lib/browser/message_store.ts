/**
 * What only this device keeps about messages: the authors the reader
 * blocked and how far each conversation was read. Both stay in this
 * browser's IndexedDB (database `kith-messages`): the instance never
 * learns whom you block or when you read. Browser-only.
 *
 * @module
 */
import { storeRequest } from "./indexed_db.ts";

const DATABASE = "kith-messages";
const BLOCKED = "blocked";
const READ = "read";
/** Event fired on `globalThis` when the block list changes. */
export const BLOCKS_EVENT = "kith-blocks";

function run<T>(
  store: string,
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  return storeRequest<T>({ database: DATABASE, stores: [BLOCKED, READ] }, {
    store,
    mode,
    work,
  });
}

/**
 * The authors `reader` blocked on this device.
 *
 * @example
 * ```ts
 * const blocked = await blockedAuthors(identity.author);
 * ```
 */
export async function blockedAuthors(reader: string): Promise<Set<string>> {
  const list = await run<string[] | undefined>(
    BLOCKED,
    "readonly",
    (store) => store.get(reader),
  );
  return new Set(Array.isArray(list) ? list : []);
}

/**
 * Blocks (`blocked` true) or unblocks `author` for `reader` on this device.
 *
 * @example
 * ```ts
 * await setBlocked(identity.author, spammer, { blocked: true });
 * ```
 */
export async function setBlocked(
  reader: string,
  author: string,
  options: { blocked: boolean },
): Promise<Set<string>> {
  const blocked = await blockedAuthors(reader);
  if (options.blocked) blocked.add(author);
  else blocked.delete(author);
  await run(BLOCKED, "readwrite", (store) => store.put([...blocked], reader));
  dispatchEvent(new Event(BLOCKS_EVENT));
  return blocked;
}

/**
 * When `reader` last read each conversation (the newest message time seen).
 *
 * @example
 * ```ts
 * const read = await readMarkers(identity.author);
 * ```
 */
export async function readMarkers(
  reader: string,
): Promise<Record<string, number>> {
  const markers = await run<Record<string, number> | undefined>(
    READ,
    "readonly",
    (store) => store.get(reader),
  );
  return markers && typeof markers === "object" ? markers : {};
}

/**
 * Records that `reader` has read `conversation` up to time `upTo`; never
 * moves a marker back.
 *
 * @example
 * ```ts
 * await markRead(identity.author, key, { upTo: newest.ts });
 * ```
 */
export async function markRead(
  reader: string,
  conversation: string,
  options: { upTo: number },
): Promise<void> {
  const markers = await readMarkers(reader);
  if ((markers[conversation] ?? 0) >= options.upTo) return;
  markers[conversation] = options.upTo;
  await run(READ, "readwrite", (store) => store.put(markers, reader));
}
