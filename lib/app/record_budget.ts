/**
 * Splits a batch of record lines by their authors' budgets before any
 * verification work: each author's first new lines up to their allowance
 * go on, the rest are answered 429 with the time to retry. Lines at or
 * below the author's stored head cost nothing: re-sending what an
 * instance has is how clients and peers recover, and it writes nothing.
 *
 * @module
 */
import { peekEntry } from "../replication/mod.ts";
import type { HttpError } from "../web/http_error.ts";
import type { RequestLimits } from "./request_limits.ts";

/** A batch after budgets: what to ingest, and what was refused. */
export interface BudgetedBatch {
  /** Indexes (into the batch) of the lines to ingest, in batch order. */
  allowed: number[];
  /** Refused lines by index. */
  refused: Map<number, HttpError>;
  /** Longest wait any refused line was given (0 when none). */
  retryAfterMs: number;
}

/**
 * Charges `lines` to their authors' budgets; `headOf` gives an author's
 * stored head seq (0 for none). Lines whose author cannot be read go on
 * uncharged: ingest refuses them without verifying anything.
 *
 * @example
 * ```ts
 * const batch = await budgetBatch(lines, instance.limits, {
 *   headOf: async (author) => (await store.head(author)).head?.seq ?? 0,
 * });
 * const outcomes = await ingest.submit(batch.allowed.map((i) => lines[i]));
 * ```
 */
export async function budgetBatch(
  lines: string[],
  limits: RequestLimits,
  options: { headOf: (author: string) => Promise<number> },
): Promise<BudgetedBatch> {
  const byAuthor = new Map<string, { seq: number; index: number }[]>();
  lines.forEach((line, index) => {
    const peeked = peekEntry(line);
    if (peeked === null) return;
    const list = byAuthor.get(peeked.author) ?? [];
    list.push({ seq: peeked.seq, index });
    byAuthor.set(peeked.author, list);
  });
  for (const [author, list] of byAuthor) {
    const head = await options.headOf(author);
    const fresh = list.filter(({ seq }) => seq > head);
    if (fresh.length > 0) byAuthor.set(author, fresh);
    else byAuthor.delete(author);
  }
  const refused = new Map<number, HttpError>();
  let retryAfterMs = 0;
  for (const [author, list] of byAuthor) {
    const grant = limits.grantRecords(author, list.length);
    if (grant.granted === list.length) continue;
    retryAfterMs = Math.max(retryAfterMs, grant.retryAfterMs);
    const error = limits.authorError(grant.retryAfterMs);
    for (const { index } of list.slice(grant.granted)) {
      refused.set(index, error);
    }
  }
  const allowed = lines.map((_, index) => index).filter((index) =>
    !refused.has(index)
  );
  return { allowed, refused, retryAfterMs };
}
