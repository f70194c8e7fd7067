/**
 * Publishing: entries accepted from this instance's own clients go into
 * their author's current segment, which is flushed as one GUN put every
 * 100 records or 500 ms, whichever comes first, followed by a head
 * announcement (the newest record under `kith/head/<author>`). Keys carry
 * state 1 like served ones: a content address has nothing to order, and a
 * clock-based state would be dropped by receivers whose clock runs behind.
 *
 * @module
 */
import {
  blockOf,
  headSoul,
  logSoul,
  SEGMENT_BYTES,
  SEGMENT_RECORDS,
} from "./layout.ts";
import { nodeOf, type ServedNode } from "./graph_server.ts";

/** Options of {@linkcode Publisher}. */
export interface PublisherOptions {
  /** Flush a segment this long after its first record (default 500 ms). */
  flushMs?: number;
  /** Sends a node to every peer. */
  send: (node: ServedNode) => void;
}

const encoder = new TextEncoder();

interface Pending {
  lines: string[];
  bytes: number;
  lastSeq: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** Batches records into segments and announces heads. */
export class Publisher {
  readonly #options: Required<PublisherOptions>;
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  /** A publisher that sends through `options.send`. */
  constructor(options: PublisherOptions) {
    this.#options = { ...options, flushMs: options.flushMs ?? 500 };
  }

  /** Records waiting in unflushed segments. */
  get pendingRecords(): number {
    let count = 0;
    for (const pending of this.#pending.values()) count += pending.lines.length;
    return count;
  }

  /**
   * Queues one committed record line of `author` at `seq` (records of one
   * author arrive in seq order).
   */
  add(author: string, seq: number, line: string): void {
    if (this.#closed) return;
    let pending = this.#pending.get(author);
    const size = encoder.encode(line).length + 1;
    // A segment never spans two blocks nor outgrows SEGMENT_BYTES.
    if (
      pending &&
      (blockOf(pending.lastSeq) !== blockOf(seq) ||
        pending.bytes + size > SEGMENT_BYTES)
    ) {
      this.flush(author);
      pending = undefined;
    }
    if (!pending) {
      pending = { lines: [], bytes: 0, lastSeq: seq };
      this.#pending.set(author, pending);
      pending.timer = setTimeout(
        () => this.flush(author),
        this.#options.flushMs,
      );
    }
    pending.lines.push(line);
    pending.bytes += size;
    pending.lastSeq = seq;
    if (pending.lines.length >= SEGMENT_RECORDS) this.flush(author);
  }

  /** Sends `author`'s pending segment and head now. */
  flush(author: string): void {
    const pending = this.#pending.get(author);
    if (!pending) return;
    this.#pending.delete(author);
    clearTimeout(pending.timer);
    const soul = logSoul(author, blockOf(pending.lastSeq));
    this.#options.send(
      nodeOf(soul, [pending.lines.join("\n")], pending.lines.length),
    );
    this.announce(author, pending.lines[pending.lines.length - 1]);
  }

  /** Announces `line` as `author`'s head. */
  announce(author: string, line: string): void {
    if (this.#closed) return;
    this.#options.send(nodeOf(headSoul(author), [line], 1));
  }

  /** Flushes everything and stops the timers; later records are ignored. */
  close(): void {
    for (const author of [...this.#pending.keys()]) this.flush(author);
    this.#closed = true;
  }
}
