/**
 * Replication benchmarks between real instance processes on loopback:
 * backfill of a 10,000-entry log, live propagation at 20 posts/s, and one
 * 30,000-entry log served by three peers versus one.
 *
 * @module
 */
import { type Node, posts, startNode, waitUntil } from "../tests/cluster.ts";
import { testAuthor } from "../tests/helpers.ts";
import { median, withDirs } from "./_process.ts";
import { startTcpProxy } from "../tests/tcp_proxy.ts";

async function postInBatches(node: Node, lines: string[]) {
  for (let i = 0; i < lines.length; i += 5_000) {
    await node.post(lines.slice(i, i + 5_000));
  }
}

/** Polls `author`'s head on `node` every `everyMs` until `target`; returns ms. */
async function timeToHead(
  node: Node,
  author: string,
  target: number,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  await waitUntil(
    `${node.name} at ${target}`,
    async () => await node.head(author) >= target,
    timeoutMs,
  );
  return performance.now() - started;
}

/** Backfill of `entries` from A to a fresh B that starts following. */
export async function measureBackfill(entries: number, rounds: number) {
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    rates.push(
      await withDirs(2, async ([dirA, dirB]) => {
        const a = await startNode("A", { dataDir: dirA });
        const b = await startNode("B", { dataDir: dirB, peers: [a.url] });
        try {
          const alice = testAuthor();
          await postInBatches(a, posts(alice, entries));
          const started = performance.now();
          await b.follow(alice.key);
          await waitUntil(
            "backfill",
            async () => await b.head(alice.key) >= entries,
            120_000,
          );
          return entries / ((performance.now() - started) / 1000);
        } finally {
          await Promise.all([a.stop(), b.stop()]);
        }
      }),
    );
  }
  return { entries, rates, rate: median(rates) };
}

/**
 * Live propagation: `count` single POSTs to A at `perSecond`; B follows.
 * Each latency runs from A's 201 to the first poll of B (every 5 ms) that
 * sees the entry's seq.
 */
export async function measureLive(count: number, perSecond: number) {
  return await withDirs(2, async ([dirA, dirB]) => {
    const a = await startNode("A", { dataDir: dirA });
    const b = await startNode("B", { dataDir: dirB, peers: [a.url] });
    try {
      const alice = testAuthor();
      await a.post(posts(alice, 1, "first"));
      await b.follow(alice.key);
      await timeToHead(b, alice.key, 1, 20_000);
      const lines = posts(alice, count, "live");
      const accepted: number[] = new Array(count);
      const seen: number[] = new Array(count);
      let polling = true;
      const poller = (async () => {
        let known = 1;
        while (polling) {
          const head = await b.head(alice.key);
          const now = performance.now();
          for (let seq = known + 1; seq <= head; seq++) seen[seq - 2] = now;
          known = Math.max(known, head);
          if (known >= count + 1) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const gap = 1000 / perSecond;
      const start = performance.now();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const due = start + i * gap;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        sends.push(
          a.post([lines[i]]).then(() => {
            accepted[i] = performance.now();
          }),
        );
      }
      await Promise.all(sends);
      await Promise.race([
        poller,
        new Promise((resolve) => setTimeout(resolve, 30_000)),
      ]);
      polling = false;
      await poller;
      const latencies = accepted.map((at, i) => (seen[i] ?? Infinity) - at)
        .sort((x, y) => x - y);
      const pick = (q: number) =>
        latencies[
          Math.min(latencies.length - 1, Math.floor(q * latencies.length))
        ];
      return {
        count,
        perSecond,
        delivered: seen.filter((value) => value !== undefined).length,
        p50Ms: pick(0.5),
        p99Ms: pick(0.99),
        maxMs: latencies[latencies.length - 1],
      };
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
}

/**
 * One `entries`-long log held by three instances; a fresh instance
 * backfills it from one of them, then another fresh one from all three.
 */
export async function measureParallelPeers(
  entries: number,
  rounds: number,
  options: { uplinkBytesPerSecond?: number } = {},
) {
  return await withDirs(3 + 2 * rounds, async (dirs) => {
    const a = await startNode("A", { dataDir: dirs[0] });
    const b = await startNode("B", { dataDir: dirs[1], peers: [a.url] });
    const c = await startNode("C", { dataDir: dirs[2], peers: [a.url] });
    try {
      const alice = testAuthor();
      await b.follow(alice.key);
      await c.follow(alice.key);
      await postInBatches(a, posts(alice, entries));
      await timeToHead(b, alice.key, entries, 300_000);
      await timeToHead(c, alice.key, entries, 300_000);
      const one: number[] = [];
      const three: number[] = [];
      let next = 3;
      // Each serving peer behind its own proxy, optionally paced.
      const proxies = [a, b, c].map((node) =>
        startTcpProxy(node.port, {
          bytesPerSecond: options.uplinkBytesPerSecond,
        })
      );
      const [viaA, viaB, viaC] = proxies.map((proxy) =>
        `http://127.0.0.1:${proxy.port}`
      );
      const run = async (peers: string[]) => {
        const d = await startNode("D", { dataDir: dirs[next++], peers });
        try {
          const started = performance.now();
          await d.follow(alice.key);
          await waitUntil(
            "backfill",
            async () => await d.head(alice.key) >= entries,
            300_000,
          );
          return entries / ((performance.now() - started) / 1000);
        } finally {
          await d.stop();
        }
      };
      try {
        for (let round = 0; round < rounds; round++) {
          one.push(await run([viaA]));
          three.push(await run([viaA, viaB, viaC]));
        }
      } finally {
        await Promise.all(proxies.map((proxy) => proxy.close()));
      }
      return {
        entries,
        one,
        three,
        oneRate: median(one),
        threeRate: median(three),
      };
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });
}

if (import.meta.main) {
  const which = Deno.args[0] ?? "backfill";
  if (which === "backfill") console.log(await measureBackfill(10_000, 1));
  if (which === "live") console.log(await measureLive(200, 20));
  if (which === "parallel") console.log(await measureParallelPeers(30_000, 1));
  if (which === "uplink") {
    console.log(
      await measureParallelPeers(30_000, 1, {
        uplinkBytesPerSecond: 1_000_000,
      }),
    );
  }
}
