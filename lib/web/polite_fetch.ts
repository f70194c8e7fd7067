/**
 * `fetch` for one instance asking another: a 429 is waited out for as
 * long as its `Retry-After` says (up to a bound) and asked again, so
 * replication slows down under a peer's budget instead of mistaking the
 * refusal for "nothing there".
 *
 * @module
 */

/** Options of {@linkcode politeFetch}. */
export interface PoliteFetchOptions {
  /** Retries after 429s (default 3). */
  retries?: number;
  /** Longest wait for one retry in ms (default 10,000). */
  maxWaitMs?: number;
}

/**
 * Fetches `url`; on 429 waits `Retry-After` seconds (at least 1, at most
 * `maxWaitMs`) and tries again, up to `retries` times, then returns the
 * last answer. Aborting `init.signal` ends the wait too.
 *
 * @throws Whatever `fetch` throws (network errors, aborts).
 *
 * @example
 * ```ts
 * const response = await politeFetch(`${peer}/api/authors/${author}`);
 * ```
 */
export async function politeFetch(
  url: string | URL,
  init: RequestInit = {},
  options: PoliteFetchOptions = {},
): Promise<Response> {
  const retries = options.retries ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  for (let attempt = 0;; attempt++) {
    const response = await fetch(url, init);
    if (response.status !== 429 || attempt >= retries) return response;
    await response.body?.cancel();
    const seconds = Number(response.headers.get("Retry-After"));
    const waitMs = Math.min(
      maxWaitMs,
      Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : 1_000,
    );
    await sleep(waitMs, init.signal ?? undefined);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
  });
}
