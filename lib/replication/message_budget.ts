/**
 * A message budget per GUN connection: a token bucket refilled at
 * `perSecond` that holds at most `burst` messages. A message over budget is
 * dropped before anything reads it; a peer with more than `cutOffAfter`
 * drops within `windowMs` is over budget for long, not for a moment, and is
 * cut off (its connection is closed by the caller).
 *
 * The defaults are generous on purpose: honest peers batch segments every
 * 500 ms and send each consensus message once, so only a peer sending far
 * more than replication needs ever meets the budget.
 *
 * @module
 */

/** Limits of {@linkcode MessageBudget}. */
export interface MessageBudgetOptions {
  /** Messages a peer may send per second, sustained. */
  perSecond: number;
  /** Messages a peer may send at once after a quiet spell. */
  burst: number;
  /** Drops within one window after which the peer is cut off. */
  cutOffAfter: number;
  /** Length of that window in ms; it starts at the first drop. */
  windowMs: number;
}

/**
 * 1,000 messages a second in bursts of 2,000; cut off after more than ten
 * seconds' worth of budget (10,000) dropped within 10 s.
 */
export const DEFAULT_MESSAGE_BUDGET: Readonly<MessageBudgetOptions> = {
  perSecond: 1_000,
  burst: 2_000,
  cutOffAfter: 10_000,
  windowMs: 10_000,
};

/**
 * What the budget decided about one message: read it, drop it, drop it and
 * cut the peer off (said once), or ignore it because the peer was cut off.
 */
export type BudgetVerdict = "pass" | "drop" | "cut" | "gone";

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
  windowStart: number;
  cut: boolean;
}

/**
 * Token buckets for many connections under one budget, keyed by the
 * connection object so a closed connection's bucket goes with it.
 *
 * @example
 * ```ts
 * const budget = new MessageBudget<WebSocket>({ perSecond: 100 });
 * if (budget.charge(socket) !== "pass") return; // dropped unread
 * ```
 */
export class MessageBudget<Key extends object> {
  readonly #limits: MessageBudgetOptions;
  readonly #now: () => number;
  readonly #buckets = new WeakMap<Key, Bucket>();

  /**
   * Sets the limits; unset ones take {@linkcode DEFAULT_MESSAGE_BUDGET}.
   *
   * @throws {RangeError} When a limit is not a positive number, e.g.
   * `Cannot use message budget: perSecond must be a positive number, got 0`.
   */
  constructor(
    options: Partial<MessageBudgetOptions> & { now?: () => number } = {},
  ) {
    const { now = Date.now, ...limits } = options;
    this.#limits = { ...DEFAULT_MESSAGE_BUDGET };
    for (const name of Object.keys(DEFAULT_MESSAGE_BUDGET)) {
      const key = name as keyof MessageBudgetOptions;
      const value = limits[key];
      if (value === undefined) continue;
      if (typeof value !== "number" || !(value > 0) || value === Infinity) {
        throw new RangeError(
          `Cannot use message budget: ${key} must be a positive number, got ${value}`,
        );
      }
      this.#limits[key] = value;
    }
    if (this.#limits.burst < 1) {
      throw new RangeError(
        `Cannot use message budget: burst must be at least 1, got ${this.#limits.burst}`,
      );
    }
    this.#now = now;
  }

  /** The limits in force. */
  get limits(): Readonly<MessageBudgetOptions> {
    return { ...this.#limits };
  }

  /**
   * Takes `cost` messages (0 or 1) from `key`'s bucket. A cost of 0 asks
   * whether anything is left without spending it: a batch frame is let
   * through to be split, and each of its messages then costs 1.
   */
  charge(key: Key, cost: 0 | 1 = 1): BudgetVerdict {
    const now = this.#now();
    const { perSecond, burst, cutOffAfter, windowMs } = this.#limits;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = {
        tokens: burst,
        at: now,
        dropped: 0,
        windowStart: now,
        cut: false,
      };
      this.#buckets.set(key, bucket);
    }
    if (bucket.cut) return "gone";
    // A clock that steps back refills nothing rather than draining.
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perSecond / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= cost;
      return "pass";
    }
    if (bucket.dropped === 0 || now - bucket.windowStart >= windowMs) {
      bucket.windowStart = now;
      bucket.dropped = 0;
    }
    bucket.dropped++;
    if (bucket.dropped > cutOffAfter) {
      bucket.cut = true;
      return "cut";
    }
    return "drop";
  }
}
