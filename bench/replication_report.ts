/**
 * `deno task bench replication`: runs the replication benchmarks and writes
 * their section of docs/benchmarks.md.
 *
 * @module
 */
import { buildApp } from "../lib/web/mod.ts";
import { measureNodeLayout } from "./gun_node_layout.ts";
import {
  measureBackfill,
  measureLive,
  measureParallelPeers,
} from "./replication.ts";
import { list, machine, ok, writeSection } from "./_report.ts";

/** Uplink of each serving peer in the paced comparison, bytes/s. */
const UPLINK = 1_000_000;

/** Runs every replication benchmark and rewrites the doc section. */
export async function benchReplication(): Promise<void> {
  // Instance processes serve pages too, so they need the island build.
  await buildApp(new URL("../", import.meta.url));
  console.log("replication: backfill of 10,000 entries, 3 rounds…");
  const backfill = await measureBackfill(10_000, 3);
  console.log("replication: GUN alone, one node per record, 10,000 records…");
  const naive = await measureNodeLayout({
    records: 10_000,
    deadlineMs: 60_000,
  });
  console.log("replication: live propagation, 1,000 posts at 20/s…");
  const live = await measureLive(1_000, 20);
  console.log("replication: one 30,000-entry log from 1 peer vs 3 peers…");
  const open = await measureParallelPeers(30_000, 1);
  console.log(
    `replication: the same with each peer's uplink at ${UPLINK / 1e6} MB/s…`,
  );
  const paced = await measureParallelPeers(30_000, 1, {
    uplinkBytesPerSecond: UPLINK,
  });
  const rate = (value: number) => value.toFixed(0);
  const beats = (one: number, three: number) =>
    `${rate(three)} vs ${rate(one)} entries/s (${
      ((three / one - 1) * 100).toFixed(0)
    }%)`;
  await writeSection(
    "replication",
    `
Measured ${machine()} with \`deno task bench replication\`.

| Target | Measured | |
| --- | --- | --- |
| Backfill of 10,000 entries between two instances, verified and committed to KV ≥ 5,000 entries/s | **${
      rate(backfill.rate)
    } entries/s** (median of ${backfill.rates.length}: ${
      list(backfill.rates)
    }) | ${ok(backfill.rate >= 5000)} |
| (context) GUN alone, one node per record, same 10,000 records, verified in the reader | ${
      naive.finished
        ? `${rate(naive.perSecond)} records/s, all ${naive.received} in ${
          (naive.ms / 1000).toFixed(1)
        } s`
        : `**did not finish**: ${naive.received} of ${naive.records} in ${
          (naive.ms / 1000).toFixed(0)
        } s (${rate(naive.perSecond)} records/s)`
    }; writer ${naive.writerSettled ? "settled" : "did not settle"} in ${
      (naive.writerMs / 1000).toFixed(1)
    } s; reader peak RSS ${naive.readerRssMB.toFixed(0)} MB | |
| Live propagation, accepted on A to indexed on B, p50 ≤ 1 s | **${
      live.p50Ms.toFixed(0)
    } ms** | ${ok(live.p50Ms <= 1000)} |
| Live propagation p99 ≤ 3 s (1,000 posts at 20 posts/s) | **${
      live.p99Ms.toFixed(0)
    } ms** (max ${
      live.maxMs.toFixed(0)
    } ms, ${live.delivered}/${live.count} delivered) | ${
      ok(live.p99Ms <= 3000 && live.delivered === live.count)
    } |
| Three peers serving one 30,000-entry log beat one peer alone, each peer's uplink ${
      UPLINK / 1e6
    } MB/s | **${beats(paced.oneRate, paced.threeRate)}** | ${
      ok(paced.threeRate > paced.oneRate)
    } |
| (context) the same on unpaced loopback | ${
      beats(open.oneRate, open.threeRate)
    } | |

- Every instance is its own \`main.ts\` process with an on-disk data folder; the
  benchmark process posts and polls over HTTP. All on the same 2 cores.
- Backfill: A holds a 10,000-post log (posted before timing); B starts with
  \`--peers A\`; timing runs from B's local user's follow POST to B's
  \`/api/authors/:author\` showing seq 10,000 (polled every 50 ms): the catch-up
  learns A's head, fetches blocks of 1,000 over HTTP and GUN, and ingests them in
  order (decode, strict Ed25519 verify, chain checks, KV commit).
- GUN alone (bench/gun_node_layout.ts): GUN's core with native JSON in a writer and
  a reader process; the writer puts every record as its own node
  (\`get("feed").get(id).put({line})\`) and waits until all are acknowledged; the
  reader subscribes with \`get("feed").map().on()\` and verifies each record
  (decode and signature); bounded at 60 s. The writer keeps at most 100 puts
  waiting for their acknowledgement and answers GUN's read-before-write from a
  small in-memory stand-in for a storage adapter (with storage off, GUN's put
  waits for an answer that never comes). Issuing all 10,000 puts at once, as
  naive code does, is what did not finish in the GUN study: in separate runs
  here the writer stored about 4,400 of 10,000 in 60 s and ran out of memory.
  Kith does not use this layout; it sends segments of up to 100 records as one
  value.
- Live: 1,000 single POSTs to A at 20 per second, B following; latency from A's
  201 to the first poll of B (every 5 ms) showing that seq. Segments flush at 100
  records or 500 ms, which sets the floor.
- Three peers: A, B and C hold the same 30,000-post log; a fresh D backfills it
  from A alone, then another fresh D from A, B and C (chunks of 1,000 spread
  over the peers, two per peer in flight). Each serving peer sits behind its own
  loopback proxy; in the paced run the proxy limits what the peer sends to
  ${
      UPLINK / 1e6
    } MB/s across its connections, like a home server's uplink. On unpaced loopback the gain is smaller: the receiver's ingest (verify and
  commit) is most of the time there.
`,
  );
  console.log(
    `replication: backfill ${rate(backfill.rate)}/s; naive ${
      rate(naive.perSecond)
    }/s (${naive.finished ? "finished" : "unfinished"}); live p50 ${
      live.p50Ms.toFixed(0)
    } ms p99 ${live.p99Ms.toFixed(0)} ms; paced ${
      beats(paced.oneRate, paced.threeRate)
    }; open ${beats(open.oneRate, open.threeRate)}`,
  );
}
