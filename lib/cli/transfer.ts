/**
 * Moving logs in and out of an instance's data folder as NDJSON.
 *
 * @module
 */
import type { Ingest } from "../ingest/mod.ts";
import type { RecordStore } from "../store/mod.ts";

/**
 * Every record of `author`'s log as canonical lines, in seq order.
 *
 * @example
 * ```ts
 * for await (const line of exportLog(store, author)) console.log(line);
 * ```
 */
export async function* exportLog(
  store: RecordStore,
  author: string,
): AsyncGenerator<string> {
  yield* store.lines(author);
}

/** Counts of an import. */
export interface ImportSummary {
  created: number;
  duplicates: number;
  held: number;
  rejected: number;
  /** The first few refusals, with line numbers. */
  problems: string[];
}

/**
 * Feeds record lines through the ingest pipeline (as a peer: every record
 * is verified; conflicting entries become fork proofs), 1,000 at a time.
 *
 * @example
 * ```ts
 * const summary = await importLines(ingest, lines);
 * ```
 */
export async function importLines(
  ingest: Ingest,
  lines: AsyncIterable<string>,
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    created: 0,
    duplicates: 0,
    held: 0,
    rejected: 0,
    problems: [],
  };
  let batch: string[] = [];
  let numbers: number[] = [];
  let lineNumber = 0;
  // Two batches in flight: one commits while the next is decoded and verified.
  let previous: Promise<void> = Promise.resolve();
  const flush = () => {
    const [lines, at] = [batch, numbers];
    batch = [];
    numbers = [];
    const done = ingest.submit(lines, { source: "peer" }).then((outcomes) => {
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status === "created") summary.created++;
        else if (outcome.status === "duplicate") summary.duplicates++;
        else if (outcome.status === "held") summary.held++;
        else {
          summary.rejected++;
          if (summary.problems.length < 10) {
            summary.problems.push(
              `line ${at[i]}: ${outcome.error.code}: ${outcome.error.message}`,
            );
          }
        }
      }
    });
    const waitFor = previous;
    previous = done;
    return waitFor;
  };
  for await (const line of lines) {
    lineNumber++;
    if (line === "") continue;
    batch.push(line);
    numbers.push(lineNumber);
    if (batch.length >= 1000) await flush();
  }
  if (batch.length > 0) await flush();
  await previous;
  return summary;
}
