/**
 * `deno task bench [name]`: runs the benchmarks and rewrites their
 * sections of docs/benchmarks.md with the figures, the machine and the
 * command.
 *
 * @module
 */
import { buildApp } from "../lib/web/mod.ts";
import { measureIngest, measurePosts } from "./records.ts";
import { measureVerify } from "./verify_log.ts";
import { benchReplication } from "./replication_report.ts";
import { benchSocial } from "./social_report.ts";
import { benchMessages } from "./messages_report.ts";
import { benchLedger } from "./ledger_report.ts";
import { benchFlood } from "./flood.ts";
import { kb, list, machine, ok, writeSection } from "./_report.ts";
import { measureColdStart, measureIslandJs, measureOverhead } from "./web.ts";

// Instances the benchmarks spawn inherit this: no request budgets, since a
// benchmark is one client measuring throughput (see bench/_process.ts).
for (const name of ["READS", "WRITES", "AUTHOR", "GUN"]) {
  Deno.env.set(`KITH_RATE_${name}`, "off");
}

async function benchWeb(): Promise<void> {
  const buildStarted = performance.now();
  await buildApp(new URL("../", import.meta.url));
  const buildMs = performance.now() - buildStarted;
  console.log("web: framework overhead (wrk -c16, 3 rounds × 5 s per server)…");
  const overhead = await measureOverhead({
    seconds: 5,
    connections: 16,
    rounds: 3,
  });
  console.log("web: island JavaScript on the home page…");
  const js = await measureIslandJs();
  console.log("web: cold start (15 runs)…");
  const cold = await measureColdStart(15);
  const ladder = overhead.ladder.map(([label, rate]) =>
    `${label} ${rate.toFixed(0)} req/s`
  ).join("; ");
  const pct = (rate: number, of = overhead.kithRate) =>
    `${((of / rate) * 100).toFixed(1)}%`;
  const files = js.files.map((file) => `${file.url} ${kb(file.gzipBytes)} KB`)
    .join("; ");
  await writeSection(
    "web",
    `
Measured ${machine()} with \`deno task bench web\`.

| Target | Measured | |
| --- | --- | --- |
| lib/web page ≥ 70% of the requests/s of a bare \`Deno.serve\` returning the same HTML | ${
      overhead.kithRate.toFixed(0)
    } vs ${overhead.bareRate.toFixed(0)} req/s = **${
      pct(overhead.bareRate)
    }** | ${ok(overhead.kithRate >= 0.7 * overhead.bareRate)} |
| (context) bare \`Deno.serve\` sending the same HTML *and the same response headers* | ${
      overhead.kithRate.toFixed(0)
    } vs ${overhead.headersRate.toFixed(0)} req/s = ${
      pct(overhead.headersRate)
    } | |
| (context) bare \`Deno.serve\` rendering the same components per request | ${
      overhead.kithRate.toFixed(0)
    } vs ${overhead.renderRate.toFixed(0)} req/s = ${
      pct(overhead.renderRate)
    } | |
| Island JS for a page with one small island ≤ 15 KB gzipped | **${
      kb(js.totalGzipBytes)
    } KB** gzipped (${kb(js.totalBytes)} KB raw, ${js.files.length} files) | ${
      ok(js.totalGzipBytes <= 15 * 1024)
    } |
| Cold start to first 200 on \`/\` ≤ 300 ms median | **${
      cold.medianMs.toFixed(0)
    } ms** median of ${cold.samplesMs.length} | ${ok(cold.medianMs <= 300)} |

- Overhead: the home page (${overhead.htmlBytes} bytes, one island, a CSP nonce per response) from a
  real instance process (after \`deno task build\`). Baselines, each its own process
  (bench/servers/): bare \`Deno.serve\` returning that HTML as a constant string; the same
  also sending the page's response headers (CSP, the secure headers, Vary); bare
  \`Deno.serve\` rendering \`_app\` around \`index\` with preact-render-to-string per request
  (precompiled JSX as on the server; no routing, middleware, headers or islands payload). \`wrk -t1 -c16 -d5s\` on
  each in turn, median of ${overhead.kithRates.length} rounds after a 2 s warm-up each, wrk on the same 2 cores.
  Rounds (req/s): lib/web ${list(overhead.kithRates)}; constant ${
      list(overhead.bareRates)
    };
  constant with headers ${list(overhead.headersRates)}; rendering ${
      list(overhead.renderRates)
    }.
- Where the time goes (same instance, same wrk settings): ${ladder}; the home page
  ${
      overhead.kithRate.toFixed(0)
    } req/s. The first step runs no route and renders nothing, only Hono's
  secure-headers (with a nonce), compress and ETag middleware around a file already in
  memory, and it reaches ${
      pct(overhead.bareRate, overhead.ladder[0][1])
    } of the constant baseline; routing and
  rendering the page then halve that again.
- Island JS: everything the browser loads for the home page's copy button, each file gzipped
  on its own: ${files}.
- Cold start: spawn of \`deno run -A main.ts\` on an empty data folder until \`GET /\` answers
  200, polling every 2 ms; includes Deno's start-up, loading routes and islands, checking the
  \`_kith/\` island build against the sources and opening KV. Samples (ms): ${
      list(cold.samplesMs)
    }.
  \`deno task start\` runs \`deno task build\` first; that build took ${
      buildMs.toFixed(0)
    } ms here.
`,
  );
  console.log(
    `web: ${pct(overhead.bareRate)} of constant, ${
      pct(overhead.headersRate)
    } of constant+headers, ${pct(overhead.renderRate)} of rendering, ${
      kb(js.totalGzipBytes)
    } KB gz, ${cold.medianMs.toFixed(0)} ms cold start`,
  );
}

async function benchRecords(): Promise<void> {
  // The instance process serves pages too, so it needs the island build.
  await buildApp(new URL("../", import.meta.url));
  const shape = { authors: 50, perAuthor: 400, batch: 1000, rounds: 3 };
  console.log(
    `records: bulk ingest (${shape.authors} × ${shape.perAuthor} posts, ${shape.rounds} rounds)…`,
  );
  const bulk = await measureIngest(shape);
  const load = { clients: 16, perClient: 500, rounds: 3, warmup: 50 };
  console.log(
    `records: single POSTs (${load.clients} clients × ${load.perClient}, ${load.rounds} rounds)…`,
  );
  const posts = await measurePosts(load);
  console.log("records: kith verify on a 100,000-entry log…");
  const verified = await measureVerify(100_000);
  const rate = (value: number) => value.toFixed(0);
  const ratio = `${((bulk.ingestRate / bulk.rawRate) * 100).toFixed(1)}%`;
  await writeSection(
    "records",
    `
Measured ${machine()} with \`deno task bench records\`.

| Target | Measured | |
| --- | --- | --- |
| Bulk ingest of pre-signed records into on-disk KV ≥ 5,000 verified records/s | **${
      rate(bulk.ingestRate)
    } records/s** | ${ok(bulk.ingestRate >= 5000)} |
| (context) raw WebCrypto Ed25519 verify of the same signatures, same batching | ${
      rate(bulk.rawRate)
    } verifies/s; ingest is **${ratio}** of it | |
| Single POSTs, 16 concurrent clients ≥ 1,500 records/s | **${
      rate(posts.rate)
    } records/s** | ${ok(posts.rate >= 1500)} |
| Single POSTs, 16 concurrent clients: p99 ≤ 50 ms | **${
      posts.p99Ms.toFixed(1)
    } ms** p99 (p50 ${posts.p50Ms.toFixed(1)} ms) | ${ok(posts.p99Ms <= 50)} |
| Verifying an existing 100,000-entry log with \`kith verify\` ≥ 10,000 entries/s | **${
      rate(verified.rate)
    } entries/s** (${verified.entries} entries in ${
      verified.seconds.toFixed(2)
    } s) | ${ok(verified.rate >= 10_000)} |

- Bulk ingest: ${shape.authors} authors × ${shape.perAuthor} posts = ${bulk.records} records
  (text 20–500 characters, about a third with tags, a fifth with a mention, a tenth
  replies), signed before timing (${
      (bulk.signMs / 1000).toFixed(1)
    } s). Lines in seq order
  (seq 1 of every author, then 2, …), fed through \`importLines\`, the path of
  \`kith import\`: \`ingest.submit\` 1,000 lines at a time (\`source: "peer"\`), two batches
  in flight so one commits while a check worker decodes and verifies the next, into \`Deno.openKv\` on a fresh temp folder each round; every
  outcome asserted \`created\` and every head checked afterwards. Median of ${shape.rounds}
  rounds after a warm-up; rounds (records/s): ${list(bulk.ingestRates)}.
- Raw verify: \`crypto.subtle.verify("Ed25519")\` over the same signing bytes and
  signatures, decoded and with keys imported before timing, ${shape.batch} at a time
  awaited with \`Promise.all\` as ingest does; rounds (verifies/s): ${
      list(bulk.rawRates)
    }.
  Where ingest's time goes (same records, same rounds, medians): \`decodeRecord\` alone
  ${
      rate(bulk.decodeRate)
    } records/s (size, canonical form, shape, content hash, schema);
  \`verifyEd25519\` alone (strict byte checks, key cache, WebCrypto) ${
      rate(bulk.strictRate)
    } records/s; the rest is chain checks and the KV commits.
- Single POSTs: a real instance process (\`main.ts\`, on-disk data folder, after
  \`deno task build\`); ${load.clients} clients in one other Deno process
  (bench/servers/post_load.ts), each POSTing its own author's log in seq order, one
  request at a time, ${load.clients} × ${load.perClient} = ${
      load.clients * load.perClient
    } records per round, fresh authors each round, after a warm-up of ${load.clients} × ${load.warmup}. Every
  answer checked 201 and every head read back from the data folder afterwards.
  Records/s is the median of ${load.rounds} rounds (${
      list(posts.rates)
    }); latencies over all ${posts.requests} measured requests: p50 ${
      posts.p50Ms.toFixed(1)
    } ms, p99 ${posts.p99Ms.toFixed(1)} ms, max ${
      posts.maxMs.toFixed(1)
    } ms. The load generator shares the 2 cores.
- \`kith verify\`: a 100,000-post log (texts of 11–240 characters) built through the ingest
  pipeline into a fresh data folder (${
      verified.buildSeconds.toFixed(0)
    } s, not timed), then
  \`deno task kith verify <author> --data <folder>\` run as its own process; the figure is
  what it prints: every record's encoding, content hash, signature and chain link, read
  from KV, from the first record to the last.
`,
  );
  console.log(
    `records: ingest ${rate(bulk.ingestRate)}/s (${ratio} of raw verify ${
      rate(bulk.rawRate)
    }/s), POST ${rate(posts.rate)}/s p50 ${posts.p50Ms.toFixed(1)} ms p99 ${
      posts.p99Ms.toFixed(1)
    } ms`,
  );
}

const benches: Record<string, () => Promise<void>> = {
  web: benchWeb,
  records: benchRecords,
  replication: benchReplication,
  social: benchSocial,
  messages: benchMessages,
  ledger: benchLedger,
  flood: benchFlood,
};
const chosen = Deno.args.length > 0 ? Deno.args : Object.keys(benches);
for (const name of chosen) {
  const bench = benches[name];
  if (!bench) {
    console.error(
      `Unknown benchmark "${name}"; choose from ${
        Object.keys(benches).join(", ")
      }`,
    );
    Deno.exit(2);
  }
  await bench();
}
