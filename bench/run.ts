/**
 * `deno task bench`: runs every benchmark and rewrites its section of
 * docs/benchmarks.md with the figures, the machine and the command.
 *
 * @module
 */
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
  await Deno.writeTextFile(
    DOC,
    doc.slice(0, from + start.length) + "\n" + body.trim() + "\n" +
      doc.slice(to),
  );
}

function machine(): string {
  const cpus = navigator.hardwareConcurrency;
  return `${
    new Date().toISOString().slice(0, 10)
  }, ${cpus} cores, Deno ${Deno.version.deno}, ${Deno.build.os}/${Deno.build.arch}`;
}

const only = Deno.args[0];
if (!only || only === "web") {
  console.log(
    "web: framework overhead (wrk, 16 connections, 3 × 5 s rounds per server)…",
  );
  const overhead = await measureOverhead({
    seconds: 5,
    connections: 16,
    rounds: 3,
  });
  console.log("web: island JavaScript on the home page…");
  const js = await measureIslandJs();
  console.log("web: cold start (15 runs)…");
  const cold = await measureColdStart(15);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const ok = (pass: boolean) => (pass ? "met" : "**missed**");
  await writeSection(
    "web",
    `
Measured ${machine()} with \`deno task bench web\`.

| Target | Measured | |
| --- | --- | --- |
| lib/web page ≥ 70% of bare \`Deno.serve\` requests/s | ${
      overhead.kithRate.toFixed(0)
    } vs ${overhead.bareRate.toFixed(0)} req/s = **${
      (overhead.ratio * 100).toFixed(1)
    }%** | ${ok(overhead.ratio >= 0.7)} |
| Island JS for a page with one small island ≤ 15 KB gzipped | **${
      kb(js.totalGzipBytes)
    } KB** gzipped (${kb(js.totalBytes)} KB raw, ${js.files.length} files) | ${
      ok(js.totalGzipBytes <= 15 * 1024)
    } |
| Cold start to first 200 on \`/\` ≤ 300 ms median | **${
      cold.medianMs.toFixed(0)
    } ms** median of ${cold.samplesMs.length} | ${ok(cold.medianMs <= 300)} |

- Overhead: the home page (${overhead.htmlBytes} bytes, one island, CSP nonce per response) served by a
  real instance process, against a separate process running bare \`Deno.serve\` that returns the
  same HTML; \`wrk -t1 -c16 -d5s\` for each, alternating, median of 3 rounds after a 2 s warm-up.
  Rounds (req/s): lib/web ${
      overhead.kithRates.map((rate) => rate.toFixed(0)).join(", ")
    }; bare ${overhead.bareRates.map((rate) => rate.toFixed(0)).join(", ")}.
- Island JS: everything the browser loads for the home page's copy button, each file gzipped
  on its own: ${
      js.files.map((file) => `${file.url} ${kb(file.gzipBytes)} KB`).join("; ")
    }.
- Cold start: spawn of \`deno run -A main.ts\` on an empty data folder until \`GET /\` answers
  200, polling every 2 ms; includes Deno's own start-up, opening KV and bundling the islands.
  Samples (ms): ${cold.samplesMs.map((ms) => ms.toFixed(0)).join(", ")}.
`,
  );
  console.log(
    `web: ${(overhead.ratio * 100).toFixed(1)}% of bare, ${
      kb(js.totalGzipBytes)
    } KB gz, ${cold.medianMs.toFixed(0)} ms cold start`,
  );
}
