/**
 * Backfill over GUN: a GET for one block's log node, sent to one peer. The
 * answers pass the firewall's synchronous checks and are collected here
 * instead of being ingested on arrival, so the backfill submits them in
 * seq order like the lines it reads over HTTP.
 *
 * @module
 */
import type { LogSource } from "./backfill.ts";
import type { GunNode, GunPeer } from "./gun.ts";
import { blockOf, logSoul, peekEntry } from "./layout.ts";

/** Quiet time after the last answer before a GET counts as answered. */
const IDLE_MS = 1_000;
/** How long to wait for a first answer. */
const FIRST_MS = 3_000;
/** Longest wait for one GET. */
const TOTAL_MS = 15_000;

interface Waiter {
  offer(lines: string[]): void;
  finish(): void;
}

/** GETs waiting for answers, by message id; answers are collected here. */
export class ReplyWaiters {
  readonly #waiting = new Map<string, Waiter>();
  #closed = false;

  /** Whether a GET with this id is waiting. */
  has(id: string): boolean {
    return this.#waiting.has(id);
  }

  /** Hands the record lines of an answer to `id` to its waiter. */
  offer(id: string, lines: string[]): void {
    this.#waiting.get(id)?.offer(lines);
  }

  /**
   * Collects answers to `id` until a quiet spell, the time limit, `done`
   * returning true for what was collected, or close.
   */
  wait(id: string, done: (lines: string[]) => boolean): Promise<string[]> {
    if (this.#closed) return Promise.resolve([]);
    return new Promise((resolve) => {
      const lines: string[] = [];
      let idle = setTimeout(() => waiter.finish(), FIRST_MS);
      const total = setTimeout(() => waiter.finish(), TOTAL_MS);
      const waiter: Waiter = {
        offer: (more) => {
          lines.push(...more);
          clearTimeout(idle);
          idle = setTimeout(() => waiter.finish(), IDLE_MS);
          if (done(lines)) waiter.finish();
        },
        finish: () => {
          clearTimeout(idle);
          clearTimeout(total);
          this.#waiting.delete(id);
          resolve(lines);
        },
      };
      this.#waiting.set(id, waiter);
    });
  }

  /** Resolves every wait now, and later ones at once. */
  close(): void {
    this.#closed = true;
    for (const waiter of [...this.#waiting.values()]) waiter.finish();
  }
}

/**
 * A {@linkcode LogSource} that asks `peer` over GUN for the block's log
 * node and returns the records in the asked range, in seq order.
 *
 * @example
 * ```ts
 * const source = gunSource(node, peer, { peerId, waiters });
 * ```
 */
export function gunSource(
  node: GunNode,
  peer: GunPeer,
  options: { peerId: string; waiters: ReplyWaiters },
): LogSource {
  return {
    peerId: options.peerId,
    transport: "gun",
    async fetch(author, after, limit) {
      const id = crypto.randomUUID();
      const inRange = (lines: string[]) => {
        const bySeq = new Map<number, string>();
        for (const line of lines) {
          const entry = peekEntry(line);
          if (
            entry?.author === author && entry.seq > after &&
            entry.seq <= after + limit
          ) bySeq.set(entry.seq, line);
        }
        return [...bySeq].sort(([a], [b]) => a - b).map(([, line]) => line);
      };
      const answered = options.waiters.wait(
        id,
        (lines) => inRange(lines).length >= limit,
      );
      node.say(
        { "#": id, get: { "#": logSoul(author, blockOf(after + 1)) } },
        peer,
      );
      return inRange(await answered);
    },
  };
}
