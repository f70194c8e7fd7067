/**
 * The follow sets of recent readers, kept in memory so a home timeline does
 * not read a thousand follow keys per request. A follow or unfollow
 * committed by a reader drops their entry.
 *
 * @module
 */
import type { CommittedRecord } from "../ingest/mod.ts";
import { followsOf } from "./viewer.ts";

/** Readers whose follow sets are kept. */
const CAPACITY = 1_000;

/** Follow sets by reader, least recently used dropped first. */
export class FollowCache {
  readonly #kv: Deno.Kv;
  readonly #sets = new Map<string, Promise<Set<string>>>();

  /** A cache over the store in `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /**
   * Whom `reader` follows (a shared set: do not change it).
   *
   * @example
   * ```ts
   * const follows = await cache.of(viewer);
   * ```
   */
  of(reader: string): Promise<ReadonlySet<string>> {
    let found = this.#sets.get(reader);
    if (found) {
      this.#sets.delete(reader);
    } else {
      found = followsOf(this.#kv, reader);
      // A failed read must not stay cached.
      found.catch(() => this.#sets.delete(reader));
    }
    this.#sets.set(reader, found);
    if (this.#sets.size > CAPACITY) {
      this.#sets.delete(this.#sets.keys().next().value!);
    }
    return found;
  }

  /** Forgets the readers whose follows just changed. */
  onCommit(records: CommittedRecord[]): void {
    for (const { record } of records) {
      const { type, author } = record.entry;
      if (type === "follow" || type === "unfollow") this.#sets.delete(author);
      // A retracted follow stays a follow (see lib/store), so no change.
    }
  }
}
