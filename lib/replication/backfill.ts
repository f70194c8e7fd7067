/**
 * Backfill: brings an author's log up to a target seq by fetching missing
 * ranges from several peers at once (a different range from each), in
 * block-sized chunks, and submitting them to the ingest pipeline in seq
 * order so nothing waits in the out-of-order queue. A chunk that comes back
 * short, late or broken is asked again from the next peer. Progress is the
 * stored log itself, so an interrupted backfill resumes where it stopped.
 *
 * @module
 */
import type { Ingest } from "../ingest/mod.ts";
import { BLOCK_SIZE } from "./layout.ts";

/** Somewhere a log can be read from: a peer over HTTP or over GUN. */
export interface LogSource {
  /** The peer's id in peer status. */
  peerId: string;
  /** "http" or "gun", for logs and status. */
  transport: "http" | "gun";
  /** Lines with seq in (after, after + limit], in order; may return fewer. */
  fetch(author: string, after: number, limit: number): Promise<string[]>;
}

/** What one backfill run did. */
export interface BackfillResult {
  author: string;
  /** Local head seq before and after. */
  from: number;
  to: number;
  target: number;
  /** Entries newly stored. */
  created: number;
  /** Chunks asked again from another peer. */
  retried: number;
}

/** Options of {@linkcode backfillAuthor}. */
export interface BackfillOptions {
  ingest: Ingest;
  /** The local head seq of `author` (0 when none). */
  localHead: (author: string) => Promise<number>;
  sources: LogSource[];
  /** Chunks fetched at once (default 2 per source, at most 8). */
  concurrency?: number;
  /** Told about records stored from each source. */
  onRecords?: (peerId: string, created: number) => void;
}

/**
 * Fetches and ingests `author`'s log up to `target`.
 *
 * @example
 * ```ts
 * const result = await backfillAuthor(author, 2_000, { ingest, localHead, sources });
 * ```
 */
export async function backfillAuthor(
  author: string,
  target: number,
  options: BackfillOptions,
): Promise<BackfillResult> {
  const { ingest, localHead, sources, onRecords } = options;
  const from = await localHead(author);
  const result: BackfillResult = {
    author,
    from,
    to: from,
    target,
    created: 0,
    retried: 0,
  };
  if (sources.length === 0 || from >= target) return result;
  const concurrency = options.concurrency ??
    Math.min(8, sources.length * 2);
  // Chunks follow block boundaries, so a GUN source answers each with one GET.
  const chunks: { after: number; limit: number }[] = [];
  for (let after = from; after < target;) {
    const end = Math.min(
      target,
      (Math.floor(after / BLOCK_SIZE) + 1) * BLOCK_SIZE,
    );
    chunks.push({ after, limit: end - after });
    after = end;
  }
  const started: Promise<string[]>[] = [];
  let next = 0;
  let submitted = 0;
  const launch = () => {
    while (next < chunks.length && next - submitted < concurrency) {
      const index = next++;
      const { after, limit } = chunks[index];
      started[index] = safeFetch(
        sources[index % sources.length],
        author,
        after,
        limit,
      );
    }
  };
  launch();
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index];
    let lines = await started[index];
    let tried = 1;
    let have = await submitLines(lines, sourceOf(index, tried));
    // Short or failed: the rest of the chunk from the next peers in turn.
    while (have < chunk.after + chunk.limit && tried < sources.length) {
      const source = sources[(index + tried) % sources.length];
      tried++;
      result.retried++;
      lines = await safeFetch(
        source,
        author,
        have,
        chunk.after + chunk.limit - have,
      );
      have = await submitLines(lines, source);
    }
    submitted++;
    launch();
    if (have < chunk.after + chunk.limit) {
      // No peer could fill this range now: later chunks would only wait.
      break;
    }
  }
  // Settle the fetches still running so none outlives the run.
  await Promise.allSettled(started);
  result.to = await localHead(author);
  return result;

  function sourceOf(index: number, tried: number): LogSource {
    return sources[(index + tried - 1) % sources.length];
  }

  async function submitLines(lines: string[], source: LogSource) {
    if (lines.length > 0) {
      const outcomes = await ingest.submit(lines, { source: "peer" });
      const created = outcomes.filter((item) => item.status === "created")
        .length;
      result.created += created;
      if (created > 0) onRecords?.(source.peerId, created);
    }
    return await localHead(author);
  }
}

async function safeFetch(
  source: LogSource,
  author: string,
  after: number,
  limit: number,
): Promise<string[]> {
  try {
    return await source.fetch(author, after, limit);
  } catch {
    return [];
  }
}

/**
 * A source reading `GET /api/authors/:author/log?after=&limit=` of a peer.
 *
 * @example
 * ```ts
 * const source = httpSource("http://127.0.0.1:8001");
 * ```
 */
export function httpSource(
  origin: string,
  options: { timeoutMs?: number } = {},
): LogSource {
  return {
    peerId: origin,
    transport: "http",
    async fetch(author, after, limit) {
      const url = new URL(`/api/authors/${author}/log`, origin);
      url.searchParams.set("after", String(after));
      url.searchParams.set("limit", String(limit));
      const response = await fetch(url, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return [];
      }
      const text = await response.text();
      return text.split("\n").filter((line) => line.length > 0);
    },
  };
}

/**
 * Asks `origin` for the head seq of each author (0 for unknown ones).
 *
 * @example
 * ```ts
 * const heads = await fetchHead("http://127.0.0.1:8001", author);
 * ```
 */
export async function fetchHead(
  origin: string,
  author: string,
  options: { timeoutMs?: number } = {},
): Promise<number> {
  const response = await fetch(new URL(`/api/authors/${author}`, origin), {
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  if (!response.ok) {
    await response.body?.cancel();
    return 0;
  }
  const summary = await response.json() as { head?: { seq?: unknown } };
  const seq = summary.head?.seq;
  return typeof seq === "number" && Number.isSafeInteger(seq) ? seq : 0;
}
