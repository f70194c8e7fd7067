/**
 * Backfill over GUN: a GET for one block's log node, sent to one peer. The
 * answers go through the firewall and the ingest pipeline like any put;
 * this source only waits until they stop coming (or the range is stored)
 * and then lets the backfill read progress from the store.
 *
 * @module
 */
import type { LogSource } from "./backfill.ts";
import type { GunNode, GunPeer } from "./gun.ts";
import { blockOf, logSoul } from "./layout.ts";

/** Quiet time after the last answer before a GET counts as answered. */
const IDLE_MS = 1_000;
/** How long to wait for a first answer. */
const FIRST_MS = 3_000;
/** Longest wait for one GET. */
const TOTAL_MS = 15_000;

interface Waiter {
  touch(): void;
  finish(): void;
}

/** GETs waiting for answers, by message id. */
export class ReplyWaiters {
  readonly #waiting = new Map<string, Waiter>();

  /** Notes that an answer to `id` was processed. */
  touch(id: string): void {
    this.#waiting.get(id)?.touch();
  }

  /**
   * Waits for answers to `id`: resolves after a quiet spell, at the time
   * limit, when `done()` says so after an answer, or on close.
   */
  wait(id: string, done: () => Promise<boolean>): Promise<void> {
    return new Promise((resolve) => {
      let idle = setTimeout(() => waiter.finish(), FIRST_MS);
      const total = setTimeout(() => waiter.finish(), TOTAL_MS);
      const waiter: Waiter = {
        touch: () => {
          clearTimeout(idle);
          idle = setTimeout(() => waiter.finish(), IDLE_MS);
          done().then((finished) => finished && waiter.finish(), () => {});
        },
        finish: () => {
          clearTimeout(idle);
          clearTimeout(total);
          this.#waiting.delete(id);
          resolve();
        },
      };
      this.#waiting.set(id, waiter);
    });
  }

  /** Resolves every wait now. */
  close(): void {
    for (const waiter of [...this.#waiting.values()]) waiter.finish();
  }
}

/**
 * A {@linkcode LogSource} that asks `peer` over GUN.
 *
 * @example
 * ```ts
 * const source = gunSource(node, peer, { peerId, waiters, localHead });
 * ```
 */
export function gunSource(
  node: GunNode,
  peer: GunPeer,
  options: {
    peerId: string;
    waiters: ReplyWaiters;
    localHead: (author: string) => Promise<number>;
  },
): LogSource {
  return {
    peerId: options.peerId,
    transport: "gun",
    async fetch(author, after, limit) {
      const id = crypto.randomUUID();
      const answered = options.waiters.wait(
        id,
        async () => await options.localHead(author) >= after + limit,
      );
      node.say(
        { "#": id, get: { "#": logSoul(author, blockOf(after + 1)) } },
        peer,
      );
      await answered;
      // The answers were ingested as they came; progress is in the store.
      return [];
    },
  };
}
