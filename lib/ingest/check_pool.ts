/**
 * A pool of workers that decode and verify record lines. On a 2-core
 * machine the main thread commits to KV while a worker checks the next
 * batch; inline, both waited for each other.
 *
 * @module
 */
import type { Content, Entry, ErrorCode } from "../protocol/mod.ts";

/** A batch sent to a worker. */
export interface CheckRequest {
  requestId: number;
  lines: string[];
  now: number;
}

/** One line's result: the decoded record, or why it was refused. */
export type CheckResult =
  | { entry: Entry; content: Content | null; id: string }
  | { code: ErrorCode | "internal"; message: string };

/** Workers checking batches of lines; `close()` them when done. */
export class CheckPool {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, (results: CheckResult[]) => void>();
  #next = 0;
  #turn = 0;

  /**
   * Starts `size` workers (at least 1).
   *
   * @example
   * ```ts
   * const pool = new CheckPool(1);
   * const results = await pool.check(lines, Date.now());
   * pool.close();
   * ```
   */
  constructor(size: number) {
    this.#workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(new URL("./check_worker.ts", import.meta.url), {
        type: "module",
      });
      worker.onmessage = (
        event: MessageEvent<{ requestId: number; results: CheckResult[] }>,
      ) => {
        this.#pending.get(event.data.requestId)?.(event.data.results);
        this.#pending.delete(event.data.requestId);
      };
      return worker;
    });
  }

  /** Checks `lines`, split across the workers, results in order. */
  async check(lines: string[], now: number): Promise<CheckResult[]> {
    const share = Math.ceil(lines.length / this.#workers.length);
    const parts: Promise<CheckResult[]>[] = [];
    for (let i = 0; i < lines.length; i += share) {
      const requestId = this.#next++;
      const worker = this.#workers[this.#turn++ % this.#workers.length];
      parts.push(
        new Promise((resolve) => this.#pending.set(requestId, resolve)),
      );
      worker.postMessage(
        {
          requestId,
          lines: lines.slice(i, i + share),
          now,
        } satisfies CheckRequest,
      );
    }
    return (await Promise.all(parts)).flat();
  }

  /** Stops the workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
  }
}
