/**
 * Verifying whole logs: every record's encoding, content hash, signature and
 * chain link, reporting exactly where a log breaks.
 *
 * @module
 */
import { verifyEd25519 } from "../crypto/mod.ts";
import {
  decodeBase64Url,
  type DecodedRecord,
  decodeRecord,
  ProtocolError,
} from "../protocol/mod.ts";

/** The result for one author's log. */
export interface LogReport {
  author: string;
  entries: number;
  /** Where the log breaks, if it does. */
  broken?: { line: number; seq?: number; reason: string };
}

const CHUNK = 512;

/**
 * Verifies record lines (one or several authors, each in seq order) and
 * reports per author. Signatures are checked in chunks, concurrently.
 *
 * @example
 * ```ts
 * const reports = await verifyLines(lines);
 * ```
 */
export async function verifyLines(
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<LogReport[]> {
  const reports = new Map<
    string,
    LogReport & { head: { seq: number; id: string } | null }
  >();
  const lost: LogReport = { author: "(unreadable)", entries: 0 };
  let chunk: { line: number; record: DecodedRecord }[] = [];
  let lineNumber = 0;

  // Chunks are verified while the next ones are read and decoded; their
  // results are applied strictly in order, at most two chunks ahead.
  let applied: Promise<void> = Promise.resolve();
  let inFlight = 0;
  const flush = async () => {
    const current = chunk;
    chunk = [];
    const verdicts = Promise.all(
      current.map(({ record: { entry, signed } }) =>
        verifyEd25519(
          decodeBase64Url(entry.author)!,
          signed,
          decodeBase64Url(entry.sig)!,
        )
      ),
    );
    inFlight++;
    applied = applied.then(async () => apply(current, await verdicts));
    if (inFlight > 2) {
      await applied;
      inFlight = 0;
    }
  };
  const apply = (current: typeof chunk, verdicts: boolean[]) => {
    for (const [i, { line, record }] of current.entries()) {
      const { entry, id } = record;
      let report = reports.get(entry.author);
      if (!report) {
        reports.set(
          entry.author,
          report = { author: entry.author, entries: 0, head: null },
        );
      }
      if (report.broken) continue;
      const expected = (report.head?.seq ?? 0) + 1;
      if (!verdicts[i]) {
        report.broken = {
          line,
          seq: entry.seq,
          reason: "the signature does not verify",
        };
      } else if (entry.seq !== expected) {
        report.broken = {
          line,
          seq: entry.seq,
          reason: `expected seq ${expected}`,
        };
      } else if (entry.prev !== (report.head?.id ?? null)) {
        report.broken = {
          line,
          seq: entry.seq,
          reason: `prev does not name entry ${expected - 1}`,
        };
      } else {
        report.head = { seq: entry.seq, id };
        report.entries++;
      }
    }
  };

  for await (const text of lines) {
    lineNumber++;
    if (text === "") continue;
    try {
      // Timestamps are checked against the clock on ingest, not when re-verifying history.
      chunk.push({
        line: lineNumber,
        record: decodeRecord(text, { now: Number.MAX_SAFE_INTEGER }),
      });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      if (!lost.broken) {
        lost.broken = {
          line: lineNumber,
          reason: `${error.code}: ${error.message}`,
        };
      }
    }
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  await applied;
  const result: LogReport[] = [...reports.values()].map((
    { head: _head, ...report },
  ) => report);
  return lost.broken ? [...result, lost] : result;
}
