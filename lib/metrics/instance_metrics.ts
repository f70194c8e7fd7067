/**
 * What `/metrics` reports about one instance: counters fed as things
 * happen (requests, ingest outcomes, KV commit times) and gauges read at
 * scrape time from the parts that already keep them (peer table, live
 * hub, ledgers, request budgets).
 *
 * @module
 */
import {
  Counter,
  Histogram,
  type MetricFamily,
  renderExposition,
} from "./exposition.ts";

/** Methods counted under their own name; the rest count as `OTHER`. */
const METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
]);

/** Upper bounds of the KV commit histogram, in seconds. */
export const COMMIT_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
];

/** Route label of requests refused by a budget before any routing. */
export const LIMITED_ROUTE = "(limited)";

/** One ingest outcome, as far as metrics care. */
export interface OutcomeLike {
  status: string;
  error?: { code: string };
}

/** What a scrape reads from the running instance. */
export interface MetricSources {
  version: string;
  /** When the process started (ms since the epoch). */
  startedAt: number;
  /** Peer rows as `/api/peers` lists them. */
  peers: () => Promise<
    { url: string; connected: boolean; lag: number }[]
  >;
  /** Open live (SSE) streams. */
  liveClients: () => number;
  /** Running honoured ledgers and their heights. */
  ledgers: () => { id: string; height: number }[];
  /** Requests and records refused by each budget so far. */
  rateLimited: () => Record<string, number>;
  /** Clock (ms since the epoch). */
  now?: () => number;
}

/**
 * The metrics of one instance.
 *
 * @example
 * ```ts
 * const metrics = new InstanceMetrics();
 * metrics.request({ route: "/authors/:author", method: "GET", status: 200 });
 * const text = await metrics.render(sources);
 * ```
 */
export class InstanceMetrics {
  /** Answers by route pattern, method and status. */
  readonly requests: Counter = new Counter(
    "kith_http_requests_total",
    'HTTP answers by file route pattern, method and status; requests refused by a budget before routing count as route "(limited)".',
    { labels: ["route", "method", "status"] },
  );
  /** Records through ingest by outcome. */
  readonly ingestRecords: Counter = new Counter(
    "kith_ingest_records_total",
    "Records through the ingest pipeline by outcome (created, duplicate, held, rejected).",
    { labels: ["outcome"] },
  );
  /** Rejected records by protocol error code. */
  readonly ingestRejected: Counter = new Counter(
    "kith_ingest_rejected_total",
    "Records rejected by the ingest pipeline, by protocol error code.",
    { labels: ["reason"] },
  );
  /** Time of each atomic commit of the record store. */
  readonly kvCommit: Histogram = new Histogram(
    "kith_kv_commit_seconds",
    "Time of each atomic KV commit of the record store, in seconds.",
    { buckets: COMMIT_BUCKETS },
  );

  /** Counts one HTTP answer; unusual methods count as `OTHER`. */
  request(event: { route: string; method: string; status: number }): void {
    this.requests.inc({
      route: event.route,
      method: METHODS.has(event.method) ? event.method : "OTHER",
      status: String(event.status),
    });
  }

  /** Counts what ingest did with a batch of records. */
  ingested(outcomes: readonly OutcomeLike[]): void {
    for (const outcome of outcomes) {
      this.ingestRecords.inc({ outcome: outcome.status });
      if (outcome.status === "rejected") {
        this.ingestRejected.inc({ reason: outcome.error?.code ?? "unknown" });
      }
    }
  }

  /** Records one commit's duration in seconds. */
  committed(seconds: number): void {
    this.kvCommit.observe(seconds);
  }

  /** Every family, counters and scrape-time gauges, as exposition text. */
  async render(sources: MetricSources): Promise<string> {
    const now = (sources.now ?? Date.now)();
    const peers = await sources.peers();
    const gauge = (
      name: string,
      help: string,
      samples: MetricFamily["samples"],
    ): MetricFamily => ({ name, help, type: "gauge", samples });
    return renderExposition([
      gauge("kith_build_info", "Always 1; the version is a label.", [
        { labels: { version: sources.version }, value: 1 },
      ]),
      gauge("kith_uptime_seconds", "Seconds since this process started.", [
        { value: Math.max(0, (now - sources.startedAt) / 1000) },
      ]),
      this.requests.family(),
      this.ingestRecords.family(),
      this.ingestRejected.family(),
      gauge(
        "kith_replication_lag",
        "Entries a peer announced that this instance lacks, summed over replicated authors.",
        peers.map((peer) => ({ labels: { peer: peer.url }, value: peer.lag })),
      ),
      gauge(
        "kith_replication_connected",
        "1 while the peer is connected, else 0.",
        peers.map((peer) => ({
          labels: { peer: peer.url },
          value: peer.connected ? 1 : 0,
        })),
      ),
      this.kvCommit.family(),
      gauge("kith_live_clients", "Open live-update (SSE) streams.", [
        { value: sources.liveClients() },
      ]),
      gauge(
        "kith_ledger_height",
        "Height of each running honoured moderation ledger.",
        sources.ledgers().map((ledger) => ({
          labels: { ledger: ledger.id },
          value: ledger.height,
        })),
      ),
      {
        name: "kith_rate_limited_total",
        help:
          "Requests (reads, writes) and records (authorRecords) refused by each budget.",
        type: "counter",
        samples: Object.entries(sources.rateLimited()).map((
          [budget, value],
        ) => ({ labels: { budget }, value })),
      },
    ]);
  }
}
