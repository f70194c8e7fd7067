/**
 * A small least-recently-used map with a fixed capacity.
 *
 * @module
 */

/**
 * Map that keeps at most `capacity` entries, evicting the least recently
 * read or written one. Relies on `Map` iterating in insertion order: a hit
 * re-inserts the entry, so the first key is always the oldest.
 *
 * @example
 * ```ts
 * const cache = new LruCache<string, number>(2);
 * cache.set("a", 1);
 * cache.set("b", 2);
 * cache.get("a"); // 1, and "a" is now the most recent
 * cache.set("c", 3); // evicts "b"
 * ```
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>();
  /** The most entries the cache holds. */
  readonly capacity: number;

  /**
   * Creates an empty cache.
   *
   * @throws {RangeError} If `capacity` is not a positive integer.
   */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create cache: capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Returns the value for `key` and marks it most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
