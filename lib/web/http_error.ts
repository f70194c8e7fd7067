/**
 * Errors a handler throws to answer with an HTTP status: lib/web turns them
 * into the nearest `_404`/`_error` page, or into JSON
 * `{"error": message, "reason": code}` for API clients.
 *
 * @module
 */

/** Reason codes lib/web uses for the statuses it produces itself. */
const DEFAULT_REASONS: Record<number, [string, string]> = {
  400: ["bad_request", "The request is malformed."],
  403: ["forbidden", "You may not do that."],
  404: ["not_found", "There is nothing at this address."],
  405: ["method_not_allowed", "This address does not accept that method."],
  413: [
    "body_too_large",
    "The request body is larger than this address accepts.",
  ],
  429: ["rate_limited", "Too many requests; wait a moment and try again."],
  500: ["internal_error", "Something went wrong on this instance."],
};

/** An error with an HTTP status and a machine-readable reason code. */
export class HttpError extends Error {
  /** HTTP status, 400-599. */
  readonly status: number;
  /** Machine-readable reason, e.g. `not_found`. */
  readonly reason: string;
  /** Headers the answer carries, e.g. `Retry-After` of a 429. */
  readonly headers: Record<string, string>;

  /**
   * Creates an error that answers with `status`.
   *
   * @throws {RangeError} When `status` is not in 400-599.
   *
   * @example
   * ```ts
   * throw new HttpError(404, "No author with that key", { reason: "unknown_author" });
   * ```
   */
  constructor(
    status: number,
    message?: string,
    options: {
      reason?: string;
      cause?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(
        `Cannot create HttpError: status ${status} is not in 400-599`,
      );
    }
    const [reason, text] = DEFAULT_REASONS[status] ??
      [`http_${status}`, `Request failed with status ${status}.`];
    super(message ?? text, { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.reason = options.reason ?? reason;
    this.headers = options.headers ?? {};
  }
}

/**
 * Describes any thrown value as an HTTP error: an `HttpError` as itself,
 * anything else as a 500 whose message hides internals.
 *
 * @example
 * ```ts
 * const { status, reason } = toHttpError(caught);
 * ```
 */
export function toHttpError(error: unknown): HttpError {
  return error instanceof HttpError
    ? error
    : new HttpError(500, undefined, { cause: error });
}
