/**
 * The instance's request budgets: per client address for reads and for
 * writes, checked before any routing or rendering so that a flood costs
 * almost nothing, and per author for records published here.
 *
 * @module
 */
import type { RateLimits } from "../config/mod.ts";
import { type Budget, RateLimiter } from "../web/rate_limit.ts";
import { clientKey, type TrustProxy } from "../web/client_address.ts";
import { HttpError } from "../web/http_error.ts";
import { plainErrorResponse } from "../web/error_page.ts";

/**
 * How long a refused request is held before its 429 goes out, and how many
 * may be held at once. Holding is what stops a flood: a client with 32
 * connections gets 32 answers a second instead of thousands, so refusing
 * it no longer costs the instance its CPU.
 */
const HOLD_MS = 1_000;
const MAX_HELD = 1_024;

/** Paths never limited: liveness probes must answer under any flood. */
const EXEMPT = new Set(["/healthz", "/readyz"]);

/** What was refused, and the counts, for docs and `/api/peers`-like views. */
export interface LimitCounts {
  reads: number;
  writes: number;
  authorRecords: number;
}

/**
 * Applies an instance's {@linkcode RateLimits} to requests and authors.
 *
 * @example
 * ```ts
 * const limits = new RequestLimits(config.rateLimits, { trustProxy: "never" });
 * const refused = limits.check(request, "203.0.113.7");
 * if (refused) return refused; // a 429 with Retry-After
 * ```
 */
export class RequestLimits {
  /** The budgets in force. */
  readonly budgets: RateLimits;
  readonly #trustProxy: TrustProxy;
  /** Requests and records refused so far. */
  readonly refused: LimitCounts = { reads: 0, writes: 0, authorRecords: 0 };
  readonly #reads?: RateLimiter;
  readonly #writes?: RateLimiter;
  readonly #authors?: RateLimiter;
  #held = 0;

  /**
   * Creates the limits; `trustProxy` says whose `X-Forwarded-For` names
   * the client (default: a proxy on loopback).
   */
  constructor(
    budgets: RateLimits,
    options: { trustProxy?: TrustProxy } = {},
  ) {
    this.budgets = budgets;
    this.#trustProxy = options.trustProxy ?? "loopback";
    if (budgets.reads) this.#reads = new RateLimiter(budgets.reads);
    if (budgets.writes) this.#writes = new RateLimiter(budgets.writes);
    if (budgets.authorRecords) {
      this.#authors = new RateLimiter(budgets.authorRecords);
    }
  }

  /**
   * Charges `request` to its client's budget. Returns the 429 answer when
   * the budget is spent (held up to a second first, while fewer than 1,024
   * are held), or undefined to go on.
   */
  check(
    request: Request,
    remote: string,
    options: { now?: number } = {},
  ): Promise<Response> | undefined {
    const read = request.method === "GET" || request.method === "HEAD";
    const limiter = read ? this.#reads : this.#writes;
    if (limiter === undefined) return undefined;
    const url = new URL(request.url);
    if (EXEMPT.has(url.pathname)) return undefined;
    const client = clientKey(remote, request.headers, {
      trustProxy: this.#trustProxy,
    });
    const take = limiter.take(client, { now: options.now });
    if (take.ok) return undefined;
    this.refused[read ? "reads" : "writes"]++;
    const what = read ? "requests" : "writes";
    const response = plainErrorResponse(
      request,
      rateLimited(
        take.retryAfterMs,
        `Too many ${what} from your address (at most ${
          describe(limiter.budget)
        }); try again in ${seconds(take.retryAfterMs)} s`,
      ),
    );
    if (this.#held >= MAX_HELD) return Promise.resolve(response);
    this.#held++;
    return new Promise((resolve) =>
      setTimeout(() => {
        this.#held--;
        resolve(response);
      }, Math.min(HOLD_MS, take.retryAfterMs))
    );
  }

  /**
   * Grants `author` up to `wanted` records from their budget; the rest are
   * refused until `retryAfterMs`. Without an author budget all are granted.
   */
  grantRecords(
    author: string,
    wanted: number,
    options: { now?: number } = {},
  ): { granted: number; retryAfterMs: number } {
    if (this.#authors === undefined) {
      return { granted: wanted, retryAfterMs: 0 };
    }
    const grant = this.#authors.takeUpTo(author, wanted, options);
    this.refused.authorRecords += wanted - grant.granted;
    return grant;
  }

  /** The 429 error for an author over budget, for a route to throw. */
  authorError(retryAfterMs: number): HttpError {
    return rateLimited(
      retryAfterMs,
      `This author published too many records here (at most ${
        describe(this.budgets.authorRecords!)
      }); try again in ${seconds(retryAfterMs)} s`,
    );
  }
}

/** A 429 with `Retry-After` in whole seconds. */
function rateLimited(retryAfterMs: number, message: string): HttpError {
  return new HttpError(429, message, {
    reason: "rate_limited",
    headers: { "Retry-After": String(seconds(retryAfterMs)) },
  });
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1_000));
}

function describe(budget: Budget): string {
  const unit = budget.windowMs === 1_000
    ? "second"
    : budget.windowMs === 60_000
    ? "minute"
    : budget.windowMs === 3_600_000
    ? "hour"
    : `${budget.windowMs} ms`;
  const burst = budget.burst === undefined || budget.burst === budget.count
    ? ""
    : `, ${budget.burst} at once`;
  return `${budget.count} per ${unit}${burst}`;
}
