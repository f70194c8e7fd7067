/**
 * A flood on loopback against a real instance process: one client hammers
 * a page from 16 connections while another reads at a human pace. The
 * flooder is held to its budget and the other client is never refused.
 * (Latency under flood is a benchmark figure: `deno task bench flood`.)
 */
import assert from "node:assert/strict";
import { startNode } from "./cluster.ts";

const SECONDS = 3;
const RATE = 10;
const BURST = 30;

Deno.test("a flooding client is held to its budget while another is served", async () => {
  const node = await startNode("flooded", {
    args: ["--rate-reads", `${RATE}/s,${BURST}`],
  });
  try {
    const get = async (address: string) => {
      const response = await fetch(`${node.url}/local`, {
        headers: { "X-Forwarded-For": address },
      });
      await response.arrayBuffer();
      return response;
    };
    const started = performance.now();
    const ends = started + SECONDS * 1_000;
    const counts = { served: 0, refused: 0, retryAfter: new Set<string>() };
    const flooders = Array.from({ length: 16 }, async () => {
      while (performance.now() < ends) {
        const response = await get("203.0.113.66");
        if (response.status === 200) counts.served++;
        else {
          assert.equal(response.status, 429);
          counts.refused++;
          counts.retryAfter.add(response.headers.get("Retry-After")!);
        }
      }
    });
    const polite: number[] = [];
    while (performance.now() < ends) {
      const response = await get("198.51.100.7");
      polite.push(response.status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all(flooders);
    const elapsed = (performance.now() - started) / 1_000;
    const allowance = BURST + RATE * elapsed;
    console.log(
      `flood: ${counts.served} served and ${counts.refused} refused in ${
        elapsed.toFixed(1)
      } s (allowance ${
        allowance.toFixed(0)
      }); polite client ${polite.length}/${polite.length} served`,
    );
    assert.ok(
      counts.served <= allowance,
      `${counts.served} pages > ${allowance}`,
    );
    assert.ok(counts.served >= BURST, "the budget itself was served");
    assert.ok(counts.refused > 0, "the flood was refused");
    assert.deepEqual([...counts.retryAfter], ["1"]);
    assert.ok(polite.length >= 5);
    assert.ok(polite.every((status) => status === 200), `${polite}`);
  } finally {
    await node.stop();
  }
});
