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
import { BLOCK_SIZE, peekEntry } from "./layout.ts";
import { politeFetch } from "../web/polite_fetch.ts";

/** Blocks one pass covers at most. */
const PASS_BLOCKS = 16;

/** Refusals that say "valid, but not here or not now", not "forged". */
export const BENIGN_CODES: ReadonlySet<string> = new Set([
  "fork",
  "gap",
  "prev_mismatch",
  "stale_seq",
]);

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
  /** Told about records a source sent that failed verification. */
  onInvalid?: (peerId: string, count: number) => void;
  /** Stops the backfill (between chunks) when aborted. */
  signal?: AbortSignal;
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
  const { localHead, sources } = options;
  const from = await localHead(author);
  const result: BackfillResult = {
    author,
    from,
    to: from,
    target,
    created: 0,
    retried: 0,
  };
  // A pass that ends short is followed by another from the new head while
  // some peer is left to ask. A peer that sent a record failing
  // verification is not asked again: its complete-looking chunk would
  // otherwise be asked of it again and again.
  const distrusted = new Set<LogSource>();
  let head = from;
  let stalled = 0;
  while (head < target && !options.signal?.aborted) {
    const trusted = sources.filter((source) => !distrusted.has(source));
    if (trusted.length === 0 || stalled >= trusted.length) break;
    // Each stalled pass starts the chunks at the next peer in turn.
    const rotated = [...trusted.slice(stalled), ...trusted.slice(0, stalled)];
    await backfillPass(author, head, target, {
      ...options,
      sources: rotated,
      distrusted,
    }, result);
    const reached = await localHead(author);
    stalled = reached > head ? 0 : stalled + 1;
    head = Math.max(head, reached);
  }
  result.to = head;
  return result;
}

/** One pass over (after, target]: parallel fetches, ordered submits. */
async function backfillPass(
  author: string,
  after: number,
  target: number,
  options: BackfillOptions & { distrusted: Set<LogSource> },
  result: BackfillResult,
): Promise<void> {
  const { ingest, sources, onRecords, distrusted } = options;
  const concurrency = options.concurrency ?? Math.min(8, sources.length * 2);
  // Chunks follow block boundaries, so a GUN source answers each with one
  // GET. A pass covers a bounded window: a target claimed by a peer (say
  // seq 2^53) costs nothing more than a pass that finds nothing.
  const chunks: { after: number; end: number }[] = [];
  const until = Math.min(target, after + PASS_BLOCKS * BLOCK_SIZE);
  for (let start = after; start < until;) {
    const end = Math.min(
      until,
      (Math.floor(start / BLOCK_SIZE) + 1) * BLOCK_SIZE,
    );
    chunks.push({ after: start, end });
    start = end;
  }
  const fetched: (Promise<string[]> | undefined)[] = [];
  // Fetches still running, so none outlives the pass.
  const running = new Set<Promise<string[]>>();
  const launch = (upTo: number) => {
    for (let i = fetched.length; i < Math.min(chunks.length, upTo); i++) {
      const { after, end } = chunks[i];
      fetched[i] = safeFetch(
        sources[i % sources.length],
        author,
        after,
        end - after,
      );
      const fetch = fetched[i]!;
      running.add(fetch);
      fetch.finally(() => running.delete(fetch));
    }
  };
  launch(concurrency);
  // Two submissions in flight: one commits while the next is verified.
  const submitting: Promise<void>[] = [];
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index];
    if (options.signal?.aborted) break;
    let lines = await fetched[index]!;
    // Done with it: a long backfill must not keep every chunk in memory.
    fetched[index] = undefined;
    let source = sources[index % sources.length];
    let covered = coveredUpTo(lines, author, chunk.after);
    // Short or failed: the rest of the chunk from the next peers in turn.
    for (
      let tried = 1;
      covered < chunk.end && tried < sources.length;
      tried++
    ) {
      if (covered > chunk.after) submitting.push(submit(lines, source));
      source = sources[(index + tried) % sources.length];
      result.retried++;
      lines = await safeFetch(source, author, covered, chunk.end - covered);
      covered = coveredUpTo(lines, author, covered);
    }
    submitting.push(submit(lines, source));
    while (submitting.length > 1) await submitting.shift();
    launch(index + 1 + concurrency);
    // No peer could fill this range now: later chunks would only be held.
    if (covered < chunk.end) break;
  }
  await Promise.all(submitting);
  await Promise.allSettled([...running]);

  async function submit(lines: string[], source: LogSource) {
    if (lines.length === 0) return;
    const outcomes = await ingest.submit(lines, { source: "peer" });
    let created = 0;
    let invalid = 0;
    for (const outcome of outcomes) {
      if (outcome.status === "created") created++;
      else if (
        outcome.status === "rejected" && !BENIGN_CODES.has(outcome.error.code)
      ) invalid++;
    }
    result.created += created;
    if (created > 0) onRecords?.(source.peerId, created);
    if (invalid > 0) {
      distrusted.add(source);
      options.onInvalid?.(source.peerId, invalid);
    }
  }
}

/**
 * The seq up to which `lines` continue `author`'s log from `after` without
 * a hole, judged from their entries (the ingest pipeline verifies them).
 */
function coveredUpTo(lines: string[], author: string, after: number): number {
  let covered = after;
  for (const line of lines) {
    const entry = peekEntry(line);
    if (!entry || entry.author !== author || entry.seq !== covered + 1) break;
    covered = entry.seq;
  }
  return covered;
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
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): LogSource {
  return {
    peerId: origin,
    transport: "http",
    async fetch(author, after, limit) {
      const url = new URL(`/api/authors/${author}/log`, origin);
      url.searchParams.set("after", String(after));
      url.searchParams.set("limit", String(limit));
      const response = await politeFetch(url, {
        signal: withTimeout(options.signal, options.timeoutMs ?? 15_000),
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        return [];
      }
      return await readLogLines(response.body, author, after, limit);
    },
  };
}

/** Bytes of a log response read at most, whatever the peer sends. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * The lines of an NDJSON log body that are `author`'s with seq in
 * (after, after + limit], reading no further than needed: a peer cannot
 * slip in other authors' records or send an endless body.
 */
async function readLogLines(
  body: ReadableStream<Uint8Array>,
  author: string,
  after: number,
  limit: number,
): Promise<string[]> {
  const lines: string[] = [];
  const keep = (line: string) => {
    const entry = peekEntry(line);
    if (
      entry?.author === author && entry.seq > after &&
      entry.seq <= after + limit
    ) lines.push(line);
  };
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = "";
  let bytes = 0;
  try {
    while (lines.length < limit) {
      const { done, value } = await reader.read();
      if (done) {
        rest += decoder.decode();
        if (rest) keep(rest);
        break;
      }
      bytes += value.byteLength;
      if (bytes > MAX_RESPONSE_BYTES) break;
      const parts = (rest + decoder.decode(value, { stream: true })).split(
        "\n",
      );
      rest = parts.pop()!;
      for (const line of parts) keep(line);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return lines.slice(0, limit);
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
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const response = await politeFetch(
    new URL(`/api/authors/${author}`, origin),
    { signal: withTimeout(options.signal, options.timeoutMs ?? 15_000) },
  );
  if (!response.ok) {
    await response.body?.cancel();
    return 0;
  }
  const summary = await response.json() as { head?: { seq?: unknown } };
  const seq = summary.head?.seq;
  return typeof seq === "number" && Number.isSafeInteger(seq) ? seq : 0;
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
