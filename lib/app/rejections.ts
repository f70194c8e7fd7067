/**
 * The recent rejections behind /admin/rejections: records the ingest
 * pipeline refused (from clients, peers, backfills and imports) and what
 * the replication firewall dropped before ingest, newest first, in memory
 * and bounded. A restart starts an empty list; counts that outlive it are
 * in /metrics.
 *
 * @module
 */
import type { IngestOutcome, IngestSource } from "../ingest/mod.ts";

/** One rejection as the admin page and API show it. */
export interface Rejection {
  /** When it happened (ms since the epoch); the latest for repeated drops. */
  time: number;
  /** The rule broken, e.g. `invalid_signature` or the firewall's `bad_node`. */
  reason: string;
  /** The error message, for ingest rejections; "" for firewall drops. */
  message: string;
  /** `client`, `peer` (ingest, peer unknown there) or the peer's id. */
  from: string;
  /** From the record, when it could be read. */
  author: string | null;
  seq: number | null;
  /** The record line's first characters, "" when there is no line. */
  excerpt: string;
  /** Its size in bytes (UTF-16 length for huge lines), 0 when none. */
  size: number;
  /** How many drops this row stands for (consecutive alike ones merge). */
  count: number;
}

/** Rejections kept by default. */
export const MAX_REJECTIONS = 200;
/** Characters of a line kept as its excerpt. */
export const EXCERPT_CHARS = 160;
/** Lines longer than this are not parsed for their author and seq. */
const MAX_PARSED = 65_536;

/**
 * The ring of recent rejections.
 *
 * @example
 * ```ts
 * const rejections = new RejectionLog();
 * rejections.fromOutcomes(outcomes, { lines, source: "client" });
 * rejections.list(); // newest first
 * ```
 */
export class RejectionLog {
  readonly #max: number;
  readonly #now: () => number;
  /** Oldest first. */
  readonly #rows: Rejection[] = [];
  #total = 0;

  /** A log keeping the last `max` rejections (default 200). */
  constructor(options: { max?: number; now?: () => number } = {}) {
    this.#max = Math.max(1, options.max ?? MAX_REJECTIONS);
    this.#now = options.now ?? Date.now;
  }

  /** Rejections seen since start, including those no longer kept. */
  get total(): number {
    return this.#total;
  }

  /** Keeps the rejected ones of an ingest submission (`onOutcomes`). */
  fromOutcomes(
    outcomes: readonly IngestOutcome[],
    submitted: { lines: readonly string[]; source: IngestSource },
  ): void {
    outcomes.forEach((outcome, index) => {
      if (outcome.status !== "rejected") return;
      const line = submitted.lines[index] ?? "";
      this.#push({
        time: this.#now(),
        reason: outcome.error.code,
        message: outcome.error.message,
        from: submitted.source,
        ...whoseLine(line),
        excerpt: line.slice(0, EXCERPT_CHARS),
        size: line.length > MAX_PARSED
          ? line.length
          : new TextEncoder().encode(line).length,
        count: 1,
      });
    });
  }

  /**
   * Keeps a firewall drop of `count` items from `peer`; a drop like the
   * newest row (same peer and reason) adds to it, so a flood leaves one
   * row rather than pushing every other one out.
   */
  drop(peer: string, reason: string, count = 1): void {
    const last = this.#rows.at(-1);
    if (last && last.from === peer && last.reason === reason && !last.size) {
      last.count += count;
      last.time = this.#now();
      this.#total += count;
      return;
    }
    this.#push({
      time: this.#now(),
      reason,
      message: "",
      from: peer,
      author: null,
      seq: null,
      excerpt: "",
      size: 0,
      count,
    });
  }

  /** The kept rejections, newest first (copies). */
  list(): Rejection[] {
    return this.#rows.map((row) => ({ ...row })).reverse();
  }

  #push(row: Rejection): void {
    this.#total += row.count;
    this.#rows.push(row);
    if (this.#rows.length > this.#max) this.#rows.shift();
  }
}

/** The author and seq a line claims, when it parses as a record. */
function whoseLine(line: string): Pick<Rejection, "author" | "seq"> {
  if (line.length <= MAX_PARSED) {
    try {
      const entry = (JSON.parse(line) as { entry?: unknown })?.entry;
      if (typeof entry === "object" && entry !== null) {
        const { author, seq } = entry as Record<string, unknown>;
        return {
          author: typeof author === "string" ? author.slice(0, 64) : null,
          seq: Number.isSafeInteger(seq) ? seq as number : null,
        };
      }
    } catch {
      // Not JSON: the excerpt shows what it was.
    }
  }
  // Too long to parse whole, or not a record: the usual field order puts
  // both near the start.
  const head = line.slice(0, 4096);
  const author = /"author"\s*:\s*"([A-Za-z0-9_-]{1,64})"/.exec(head)?.[1];
  const seq = /"seq"\s*:\s*(\d{1,15})[,}]/.exec(head)?.[1];
  return { author: author ?? null, seq: seq ? Number(seq) : null };
}
