import assert from "node:assert/strict";
import { InstanceMetrics, type MetricSources } from "./instance_metrics.ts";

const sources: MetricSources = {
  version: "1.2.3",
  startedAt: 1_000,
  now: () => 61_000,
  peers: () =>
    Promise.resolve([
      { url: "https://a.example", connected: true, lag: 4 },
      { url: 'inbound:[::1]:5"', connected: false, lag: 0 },
    ]),
  liveClients: () => 7,
  ledgers: () => [{ id: "L".repeat(43), height: 12 }],
  rateLimited: () => ({ reads: 2, writes: 0, authorRecords: 5 }),
};

Deno.test("InstanceMetrics renders counters it was fed and gauges read at scrape time", async () => {
  const metrics = new InstanceMetrics();
  metrics.request({ route: "/authors/:author", method: "GET", status: 200 });
  metrics.request({ route: "/authors/:author", method: "GET", status: 200 });
  metrics.request({ route: "/", method: "BREW", status: 405 });
  metrics.ingested([
    { status: "created" },
    { status: "created" },
    { status: "rejected", error: { code: "bad_seq" } },
    { status: "duplicate" },
  ]);
  metrics.committed(0.003);
  const text = await metrics.render(sources);
  for (
    const line of [
      'kith_build_info{version="1.2.3"} 1',
      "kith_uptime_seconds 60",
      'kith_http_requests_total{route="/authors/:author",method="GET",status="200"} 2',
      'kith_http_requests_total{route="/",method="OTHER",status="405"} 1',
      'kith_ingest_records_total{outcome="created"} 2',
      'kith_ingest_records_total{outcome="rejected"} 1',
      'kith_ingest_records_total{outcome="duplicate"} 1',
      'kith_ingest_rejected_total{reason="bad_seq"} 1',
      'kith_replication_lag{peer="https://a.example"} 4',
      'kith_replication_connected{peer="https://a.example"} 1',
      'kith_replication_connected{peer="inbound:[::1]:5\\""} 0',
      'kith_kv_commit_seconds_bucket{le="0.0025"} 0',
      'kith_kv_commit_seconds_bucket{le="0.005"} 1',
      "kith_kv_commit_seconds_count 1",
      "kith_live_clients 7",
      `kith_ledger_height{ledger="${"L".repeat(43)}"} 12`,
      'kith_rate_limited_total{budget="authorRecords"} 5',
      "# TYPE kith_rate_limited_total counter",
      "# TYPE kith_kv_commit_seconds histogram",
    ]
  ) {
    assert.ok(text.split("\n").includes(line), `missing: ${line}\n${text}`);
  }
});
