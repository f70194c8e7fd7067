/**
 * Token buckets keyed by client, author or peer: a budget of `count` per
 * `windowMs` refills continuously and allows bursts of up to `burst`
 * (default `count`).
 * Memory stays bounded: past `maxKeys` the least recently seen key is
 * forgotten, which only ever gives that key a fresh budget.
 *
 * @module
 */
import { LruCache } from "../crypto/lru_cache.ts";

/** At most `count` requests per `windowMs`, in bursts of up to `burst`. */
export interface Budget {
  count: number;
  windowMs: number;
  /** The most taken at once after a quiet spell; default `count`. */
  burst?: number;
}

/** What taking from a bucket decided. */
export type Take =
  | { ok: true; remaining: number }
  /** Refused: `retryAfterMs` until the cost fits again. */
  | { ok: false; retryAfterMs: number };

/** Error thrown for a budget that cannot be parsed. */
export class BudgetError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "BudgetError";
  }
}

const UNITS: Record<string, number> = {
  s: 1_000,
  sec: 1_000,
  min: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/**
 * Parses a budget such as `600/min`, `10/s` or `5000/h`, optionally with
 * its burst after a comma (`20/s,200`); `off` gives null (no limit).
 *
 * @throws {BudgetError} For anything else, e.g.
 * `Cannot parse budget "fast": write it as <count>/<s|min|h>[,<burst>] with counts of at least 1, e.g. 600/min or 20/s,200, or off`.
 *
 * @example
 * ```ts
 * parseBudget("600/min"); // { count: 600, windowMs: 60000 }
 * parseBudget("20/s,200"); // { count: 20, windowMs: 1000, burst: 200 }
 * parseBudget("off"); // null
 * ```
 */
export function parseBudget(text: string): Budget | null {
  const value = text.trim().toLowerCase();
  if (value === "off") return null;
  const match = /^(\d{1,9})\/(s|sec|min|h|hour)(?:,(\d{1,9}))?$/.exec(value);
  const count = match ? Number(match[1]) : 0;
  const burst = match?.[3] === undefined ? undefined : Number(match[3]);
  if (!match || count < 1 || burst === 0) {
    throw new BudgetError(
      `Cannot parse budget "${text}": write it as <count>/<s|min|h>[,<burst>] with counts of at least 1, e.g. 600/min or 20/s,200, or off`,
    );
  }
  const windowMs = UNITS[match[2]];
  return burst === undefined ? { count, windowMs } : { count, windowMs, burst };
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets for many keys under one budget.
 *
 * @example
 * ```ts
 * const writes = new RateLimiter({ count: 60, windowMs: 60_000 });
 * const take = writes.take("203.0.113.7");
 * if (!take.ok) console.log(`retry in ${take.retryAfterMs} ms`);
 * ```
 */
export class RateLimiter {
  /** The budget each key gets. */
  readonly budget: Budget;
  readonly #buckets: LruCache<string, Bucket>;
  readonly #perMs: number;
  readonly #burst: number;

  /**
   * Creates the limiter.
   *
   * @throws {RangeError} When the budget's count, window or burst is not
   * a positive integer.
   */
  constructor(budget: Budget, options: { maxKeys?: number } = {}) {
    const burst = budget.burst ?? budget.count;
    if (
      !Number.isSafeInteger(budget.count) || budget.count < 1 ||
      !Number.isSafeInteger(budget.windowMs) || budget.windowMs < 1 ||
      !Number.isSafeInteger(burst) || burst < 1
    ) {
      throw new RangeError(
        `Cannot create rate limiter: count, windowMs and burst must be positive integers, got ${budget.count}, ${budget.windowMs} and ${burst}`,
      );
    }
    this.#burst = burst;
    this.budget = budget;
    this.#perMs = budget.count / budget.windowMs;
    this.#buckets = new LruCache(options.maxKeys ?? 100_000);
  }

  /**
   * Takes `cost` tokens (default 1) from `key`'s bucket if it holds them;
   * otherwise takes nothing and says how long until it would.
   */
  take(key: string, options: { cost?: number; now?: number } = {}): Take {
    const cost = options.cost ?? 1;
    const now = options.now ?? Date.now();
    const bucket = this.#refill(key, now);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true, remaining: Math.floor(bucket.tokens) };
    }
    const missing = Math.min(cost, this.#burst) - bucket.tokens;
    return { ok: false, retryAfterMs: Math.ceil(missing / this.#perMs) };
  }

  /**
   * Takes as many whole tokens as `key` holds, up to `wanted`. `retryAfterMs`
   * says when the next token comes, when fewer than `wanted` were granted.
   */
  takeUpTo(
    key: string,
    wanted: number,
    options: { now?: number } = {},
  ): { granted: number; retryAfterMs: number } {
    const bucket = this.#refill(key, options.now ?? Date.now());
    const granted = Math.min(wanted, Math.floor(bucket.tokens));
    bucket.tokens -= granted;
    const retryAfterMs = granted < wanted
      ? Math.ceil((1 - bucket.tokens) / this.#perMs)
      : 0;
    return { granted, retryAfterMs };
  }

  /** Tokens `key` could take now, without taking any. */
  available(key: string, now: number = Date.now()): number {
    return Math.floor(this.#refill(key, now).tokens);
  }

  #refill(key: string, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.#burst, at: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(
      this.#burst,
      bucket.tokens + elapsed * this.#perMs,
    );
    bucket.at = now;
    return bucket;
  }
}
