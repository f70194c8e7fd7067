/**
 * The key-value table under a ledger state, with an incremental state
 * root and cheap speculative copies.
 *
 * The root commits to every (key, value): keys fall into 1,024 buckets by
 * FNV-1a; a bucket's digest is SHA-256 over its sorted `key\tvalue\n`
 * lines (values in canonical JSON); the root is SHA-256 over the 1,024
 * digests. Only buckets touched since the last root are rehashed.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { canonicalize } from "../protocol/canonical_json.ts";
import { encodeBase64Url } from "../protocol/base64url.ts";

const BUCKETS = 1024;
const encoder = new TextEncoder();
const DELETED = Symbol("deleted");
const EMPTY_DIGEST = sha256(new Uint8Array(0));

/**
 * One value and its line in the root: `key\tJSON\n` (canonical JSON),
 * made once; the first root() that hashes it keeps it as UTF-8 bytes, so
 * unchanged lines of a dirty bucket are not re-encoded.
 */
interface Cell {
  value: unknown;
  line: string | Uint8Array;
}

function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
}

/** A JSON key-value table; see the module doc. */
export class StateTable {
  readonly #parent: StateTable | undefined;
  readonly #cells = new Map<string, Cell | typeof DELETED>();
  /**
   * Base tables only: keys of each bucket, and the cached bucket digests
   * laid end to end (bucket i at i × 32), as the root hashes them.
   */
  readonly #bucketKeys: Set<string>[] | undefined;
  readonly #digests: Uint8Array | undefined;
  readonly #dirty = new Set<number>();
  /** Overlays: bucket digests of the last root(), until the next write. */
  #computed: Map<number, Uint8Array> | undefined;

  /** An empty base table, or an overlay on `parent` (see {@linkcode fork}). */
  constructor(parent?: StateTable) {
    this.#parent = parent;
    if (!parent) {
      this.#bucketKeys = Array.from({ length: BUCKETS }, () => new Set());
      this.#digests = new Uint8Array(BUCKETS * 32);
      for (let i = 0; i < BUCKETS; i++) this.#digests.set(EMPTY_DIGEST, i * 32);
    }
  }

  /** The value at `key`, or undefined. Values are frozen-by-convention JSON. */
  get<T>(key: string): T | undefined {
    const cell = this.#cells.get(key);
    if (cell === DELETED) return undefined;
    if (cell) return cell.value as T;
    return this.#parent?.get<T>(key);
  }

  /** Sets `key` to a JSON value (replace, never mutate, stored values). */
  set(key: string, value: unknown): void {
    const cell: Cell = { value, line: `${key}\t${canonicalize(value)}\n` };
    if (this.#parent) {
      this.#computed = undefined;
      this.#cells.set(key, cell);
      return;
    }
    const bucket = bucketOf(key);
    if (!this.#cells.has(key)) this.#bucketKeys![bucket].add(key);
    this.#cells.set(key, cell);
    this.#dirty.add(bucket);
  }

  /** Removes `key`. */
  delete(key: string): void {
    if (this.#parent) {
      this.#computed = undefined;
      this.#cells.set(key, DELETED);
      return;
    }
    if (!this.#cells.delete(key)) return;
    const bucket = bucketOf(key);
    this.#bucketKeys![bucket].delete(key);
    this.#dirty.add(bucket);
  }

  /**
   * An overlay: reads fall through to this table, writes stay in the
   * overlay until {@linkcode commit}. Used to try a block.
   */
  fork(): StateTable {
    if (this.#parent) throw new Error("Cannot fork an overlay: fork its base");
    return new StateTable(this);
  }

  /** Writes an overlay's changes into its parent. */
  commit(): void {
    const parent = this.#parent;
    if (!parent) return;
    for (const [key, cell] of this.#cells) {
      if (cell === DELETED) parent.delete(key);
      else parent.#setCell(key, cell);
    }
    this.#cells.clear();
    // The overlay's last root already hashed these buckets as they now are.
    if (this.#computed) {
      for (const [bucket, digest] of this.#computed) {
        parent.#digests!.set(digest, bucket * 32);
        parent.#dirty.delete(bucket);
      }
      this.#computed = undefined;
    }
  }

  /** Keys starting with `prefix` (base tables and their overlays). */
  *keys(prefix: string): Iterable<string> {
    const base = this.#base();
    for (const key of base.#cells.keys()) {
      if (key.startsWith(prefix) && this.get(key) !== undefined) yield key;
    }
    if (this.#parent) {
      for (const [key, cell] of this.#cells) {
        if (
          key.startsWith(prefix) && cell !== DELETED && !base.#cells.has(key)
        ) yield key;
      }
    }
  }

  /** Number of keys (base tables). */
  get size(): number {
    return this.#base().#cells.size;
  }

  /** The state root, base64url; see the module doc. */
  root(): string {
    const base = this.#base();
    // Overlay keys by bucket, so each dirty bucket is read once.
    const changed = new Map<number, string[]>();
    if (this !== base) {
      for (const key of this.#cells.keys()) {
        const bucket = bucketOf(key);
        const list = changed.get(bucket);
        if (list) list.push(key);
        else changed.set(bucket, [key]);
      }
    }
    const dirty = new Set([...base.#dirty, ...changed.keys()]);
    const computed = new Map<number, Uint8Array>();
    for (const bucket of dirty) {
      let keys = base.#bucketKeys![bucket];
      const overlaid = changed.get(bucket);
      if (overlaid) {
        keys = new Set(keys);
        for (const key of overlaid) {
          if (this.#cells.get(key) === DELETED) keys.delete(key);
          else keys.add(key);
        }
      }
      // SHA-256 over the bucket's lines in key order, as one buffer.
      const lines: Uint8Array[] = [];
      let size = 0;
      for (const key of [...keys].sort()) {
        const cell = this.#cellOf(key)!;
        if (typeof cell.line === "string") {
          cell.line = encoder.encode(cell.line);
        }
        lines.push(cell.line);
        size += cell.line.length;
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const line of lines) {
        bytes.set(line, at);
        at += line.length;
      }
      computed.set(bucket, size === 0 ? EMPTY_DIGEST : sha256(bytes));
    }
    // The base's digests are updated in place; an overlay hashes a copy.
    const all = this === base ? base.#digests! : base.#digests!.slice();
    for (const [bucket, digest] of computed) all.set(digest, bucket * 32);
    if (this === base) base.#dirty.clear();
    else this.#computed = computed;
    return encodeBase64Url(sha256(all));
  }

  #cellOf(key: string): Cell | undefined {
    const cell = this.#cells.get(key);
    if (cell === DELETED) return undefined;
    if (cell) return cell;
    return this.#parent ? this.#parent.#cellOf(key) : undefined;
  }

  #setCell(key: string, cell: Cell): void {
    const bucket = bucketOf(key);
    if (!this.#cells.has(key)) this.#bucketKeys![bucket].add(key);
    this.#cells.set(key, cell);
    this.#dirty.add(bucket);
  }

  #base(): StateTable {
    return this.#parent ? this.#parent.#base() : this;
  }
}
