/**
 * `deno task bench flood`: one client floods an instance process with page
 * requests (wrk, 32 connections) while another reads the same page at a
 * human pace. The flooder must be held to its read budget and the other
 * client's p99 latency must stay within 2x of its p99 with no flood.
 *
 * @module
 */
import { testAuthor } from "../tests/helpers.ts";
import { freePort, median, spawnDeno, stop, waitFor200 } from "./_process.ts";
import { machine, ok, writeSection } from "./_report.ts";

const FLOOD_SECONDS = 12;
const SAMPLES = 200;
/** The budget under test: the default for reads (20/s, bursts of 200). */
const READS = { burst: 200, perSecond: 20 };

/** Latencies (ms) of `count` sequential GETs of `url` as client `address`. */
async function politeLatencies(
  url: string,
  address: string,
  count: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(url, {
      headers: { "X-Forwarded-For": address },
    });
    await response.arrayBuffer();
    if (response.status !== 200) {
      throw new Error(`the polite client got ${response.status}`);
    }
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Runs wrk as the flooder; returns its requests and its non-2xx count. */
async function flood(url: string): Promise<{ total: number; refused: number }> {
  const output = await new Deno.Command("wrk", {
    args: [
      "-t1",
      "-c32",
      `-d${FLOOD_SECONDS}s`,
      "-H",
      "X-Forwarded-For: 203.0.113.66",
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const total = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const refused = Number(
    /Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0,
  );
  if (!Number.isFinite(total)) throw new Error(`wrk failed:\n${text}`);
  return { total, refused };
}

/** Measures and writes the "flood" section of docs/benchmarks.md. */
export async function benchFlood(): Promise<void> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnDeno([
    "main.ts",
    ...[
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
      "--data",
      ":memory:",
    ],
    ...["--rate-reads", `${READS.perSecond}/s,${READS.burst}`],
  ]);
  try {
    await waitFor200(`${base}/healthz`, 30_000);
    const author = testAuthor();
    const lines = Array.from(
      { length: 40 },
      (_, i) => author.next("post", { text: `Post ${i} #flood` }).line,
    );
    const posted = await fetch(`${base}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/x-ndjson" },
      body: lines.join("\n"),
    });
    await posted.arrayBuffer();
    const page = `${base}/local`;
    console.log("flood: baseline latency of the polite client…");
    await politeLatencies(page, "198.51.100.1", 20);
    const baseline = await politeLatencies(page, "198.51.100.2", SAMPLES);
    console.log(`flood: wrk floods for ${FLOOD_SECONDS} s…`);
    const flooding = flood(page);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const during = await politeLatencies(page, "198.51.100.3", SAMPLES);
    const { total, refused } = await flooding;
    const served = total - refused;
    const allowance = READS.burst + READS.perSecond * FLOOD_SECONDS;
    const p99Base = percentile(baseline, 0.99);
    const p99Flood = percentile(during, 0.99);
    const ratio = p99Flood / p99Base;
    await writeSection(
      "flood",
      `
Measured ${machine()} with \`deno task bench flood\`.

One instance process (\`main.ts\`, behind no proxy, the default read budget
of ${READS.perSecond}/s per client in bursts of ${READS.burst}). A polite client reads \`/local\` (40 posts)
${SAMPLES} times, 20 ms apart, first alone and then while wrk (1 thread, 32
connections, ${FLOOD_SECONDS} s) floods the same page from another address.

| Target | Measured | |
| --- | --- | --- |
| The flooder is held to its budget (≤ ${allowance} pages in ${FLOOD_SECONDS} s) | ${served} pages served of ${total} requested (${refused} answered 429, ${
        (total / FLOOD_SECONDS).toFixed(0)
      } req/s) | ${ok(served <= allowance)} |
| The polite client's p99 latency within 2x of its baseline | baseline p50 ${
        median(baseline).toFixed(1)
      } ms, p99 ${p99Base.toFixed(1)} ms; flooded p50 ${
        median(during).toFixed(1)
      } ms, p99 ${p99Flood.toFixed(1)} ms (**${ratio.toFixed(2)}x**) | ${
        ok(ratio <= 2)
      } |
`,
    );
  } finally {
    await stop(child);
  }
}
