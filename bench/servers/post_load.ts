/**
 * Load generator for the single-POST benchmark (bench/records.ts), in its
 * own process so the instance's event loop is not shared with the clients.
 *
 * Usage: `post_load.ts <base url> <plan.json>`. The plan is
 * `{ phases: string[][][] }`: per phase, one list of record lines per client.
 * Each client POSTs its own lines one at a time, in order (one author's
 * log in seq order, so nothing is held). Phases run one after the other;
 * the first is the warm-up. Prints JSON: records/s of each measured phase,
 * latency percentiles (ms) over all measured requests, and how many answers
 * had each HTTP status (warm-up included).
 *
 * @module
 */
const [base, planFile] = Deno.args;
const plan: { phases: string[][][] } = JSON.parse(
  await Deno.readTextFile(planFile),
);
const url = new URL("/api/records", base);

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

async function client(
  lines: string[],
  latencies: number[],
  statuses: Record<string, number>,
): Promise<void> {
  for (const line of lines) {
    const started = performance.now();
    // A bounded wait: a wedged server fails the bench instead of hanging it.
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: line,
      signal: AbortSignal.timeout(10_000),
    });
    // Read the body so the request is complete (and the connection reusable).
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
}

const rates: number[] = [];
const latencies: number[] = [];
/** HTTP status -> how many answers had it, warm-up included. */
const statuses: Record<string, number> = {};
for (const [index, clients] of plan.phases.entries()) {
  const phase: number[] = [];
  const started = performance.now();
  await Promise.all(clients.map((lines) => client(lines, phase, statuses)));
  const seconds = (performance.now() - started) / 1000;
  if (index === 0) continue;
  rates.push(phase.length / seconds);
  latencies.push(...phase);
}
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({
  rates,
  requests: latencies.length,
  p50Ms: percentile(latencies, 0.5),
  p99Ms: percentile(latencies, 0.99),
  maxMs: latencies.at(-1),
  statuses,
}));
