/**
 * `deno task bench [name]`: runs the benchmarks and rewrites their
 * sections of docs/benchmarks.md with the figures, the machine and the
 * command.
 *
 * @module
 */
import { buildApp } from "../lib/web/mod.ts";
import { measureColdStart, measureIslandJs, measureOverhead } from "./web.ts";

const DOC = new URL("../docs/benchmarks.md", import.meta.url);

async function writeSection(name: string, body: string): Promise<void> {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const doc = await Deno.readTextFile(DOC);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1) {
    throw new Error(`docs/benchmarks.md has no ${start} … ${end} section`);
  }
  const updated = doc.slice(0, from + start.length) + "\n" + body.trim() +
    "\n" + doc.slice(to);
  await Deno.writeTextFile(DOC, updated);
}

function machine(): string {
  return `${
    new Date().toISOString().slice(0, 10)
  }, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ${Deno.build.os}/${Deno.build.arch}`;
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ok = (pass: boolean) => (pass ? "met" : "**missed**");
const list = (values: number[]) =>
  values.map((value) => value.toFixed(0)).join(", ");

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

const benches: Record<string, () => Promise<void>> = { web: benchWeb };
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
