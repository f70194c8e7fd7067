/**
 * `deno task bench messages`: delivery latency of encrypted messages between
 * two instances and the time to open a 1,000-message conversation in
 * Chromium, written to docs/benchmarks.md.
 *
 * @module
 */
import { buildApp } from "../lib/web/mod.ts";
import { measureDelivery, measureOpen } from "./messages.ts";
import { kb, list, machine, ok, writeSection } from "./_report.ts";

const DOC = new URL("../docs/benchmarks.md", import.meta.url);

/**
 * Gives docs/benchmarks.md an empty `messages` section (heading `Messages`,
 * which docs/messages.md links to as `#messages`) when it has none yet, so
 * writeSection has markers to write between.
 */
async function ensureSection(): Promise<void> {
  const doc = await Deno.readTextFile(DOC);
  if (doc.includes("<!-- bench:messages:start -->")) return;
  await Deno.writeTextFile(
    DOC,
    `${doc.trimEnd()}\n\n## Messages\n\n<!-- bench:messages:start -->\n<!-- bench:messages:end -->\n`,
  );
}

/** Runs the messages benchmarks and rewrites their doc section. */
export async function benchMessages(): Promise<void> {
  // The instances serve the conversation page, so they need the island build.
  await buildApp(new URL("../", import.meta.url));
  const shape = { count: 300, perSecond: 10, graceMs: 20_000 };
  console.log(
    `messages: delivery A → B, ${shape.count} messages at ${shape.perSecond}/s…`,
  );
  const delivery = await measureDelivery(shape);
  const openShape = { messages: 1000, runs: 7, warmup: 1 };
  console.log(
    `messages: opening a conversation of ${openShape.messages} in Chromium (${openShape.warmup} + ${openShape.runs} runs)…`,
  );
  const open = await measureOpen(openShape);
  const ms = (value: number) =>
    Number.isFinite(value) ? value.toFixed(0) : "never";
  const allDelivered = delivery.delivered === delivery.count;
  await ensureSection();
  await writeSection(
    "messages",
    `
Measured ${machine()} with \`deno task bench messages\`.

| Target | Measured | |
| --- | --- | --- |
| Message visible to a recipient on another instance: p50 ≤ 1 s on loopback | **${
      ms(delivery.p50Ms)
    } ms** | ${ok(delivery.p50Ms <= 1000)} |
| Same, p99 ≤ 3 s | **${ms(delivery.p99Ms)} ms** (max ${
      ms(delivery.maxMs)
    } ms; ${delivery.delivered}/${delivery.count} delivered) | ${
      ok(delivery.p99Ms <= 3000 && allDelivered)
    } |
| Opening a conversation of 1,000 messages decrypts and renders in ≤ 300 ms in Chromium | **${
      ms(open.openMedianMs)
    } ms** median of ${open.runs} (max ${ms(open.openMaxMs)} ms) | ${
      ok(open.openMedianMs <= 300)
    } |
| (context) same, from navigation start (page load, JavaScript, then the above) | ${
      ms(open.loadMedianMs)
    } ms median (max ${ms(open.loadMaxMs)} ms) | |
| (context) \`openMessage\` on the same 1,000 boxes in Deno | ${
      ms(open.decryptMedianMs)
    } ms median | |

- Delivery: two instance processes (\`main.ts\`, on-disk data folders), B
  started with A as its peer and connected to it (${
      ms(delivery.connectMs)
    } ms). Alice
  published a profile on A and Bob one on B, so each is local to their
  instance. B's live stream \`/api/live?stream=messages:<Bob>\` was held open
  (read with fetch and a TextDecoderStream). Alice then sent ${delivery.count}
  sealed messages to Bob (\`sealMessage\`, one \`dm\` entry each) at ${delivery.perSecond}/s,
  one POST to A at a time (${
      delivery.sendSeconds.toFixed(1)
    } s in all, POST p50 ${delivery.postP50Ms.toFixed(1)} ms).
  Latency: from just before the POST to A until B's stream delivered the
  entry's id; waited at most ${
      shape.graceMs / 1000
    } s after the last send (waited ${ms(delivery.waitedMs)} ms).
  B's stream sent ${delivery.events} entry events${
      delivery.inOrder ? ", in send order" : ", not all in send order"
    }; B ended with Alice's head at seq ${delivery.aliceHeadOnB}.
- The first message (${
      ms(delivery.firstMs)
    } ms) is included above: it reaches B over GUN
  and makes B recruit Alice as a correspondent and backfill her log. The other
  ${delivery.count - 1}: p50 ${ms(delivery.restP50Ms)} ms, p99 ${
      ms(delivery.restP99Ms)
    } ms.
- Opening: an in-process instance (KV in memory) holding ${
      open.messages.toLocaleString("en")
    } sealed
  \`dm\` entries alternating Alice → Bob and Bob → Alice, texts of 20–300
  characters (mean ${
      open.meanChars.toFixed(0)
    }), sealed and signed before timing and POSTed as one
  NDJSON batch; the listing the page fetches
  (\`/api/messages/<conversation>?limit=1000\`) is ${
      kb(open.listingBytes)
    } KB. Headless
  Chromium with Bob's key in its IndexedDB and his \`kith_author\` cookie; each
  run opens \`/messages/<conversation>\` in a new page (same context, so the
  JavaScript is cached after the warm-up) and waits for ${
      open.messages.toLocaleString("en")
    } \`.message\`
  elements. The figure is the island's marks: \`kith:conversation-open\` (set
  just before it fetches) to \`kith:conversation-rendered\` (after the first
  render with the messages). ${open.warmup} warm-up run, then ${open.runs} runs (ms): ${
      list(open.openMs)
    }.
  Of that, fetching the listing (open mark to the response's end) took ${
      ms(open.fetchMedianMs)
    } ms
  median (${
      list(open.fetchMs)
    }); from the response's end to \`kith:conversation-decrypted\` (parsing and
  opening every record) ${
      ms(open.decryptInPageMedianMs)
    } ms; from there to the render mark (folding, rendering, layout) ${
      ms(open.renderMedianMs)
    } ms. From navigation start (ms): ${list(open.loadMs)}.
- In Deno, on the same boxes: \`openMessage\` with fresh \`MessageKeys\` of
  Bob (${list(open.decryptMs)} ms); what the island does with the listing
  (\`JSON.parse\`, \`openLine\` on every record, \`foldConversation\`) ${
      list(open.clientPathMs)
    } ms.
`,
  );
  console.log(
    `messages: delivery p50 ${ms(delivery.p50Ms)} ms p99 ${
      ms(delivery.p99Ms)
    } ms max ${
      ms(delivery.maxMs)
    } ms (${delivery.delivered}/${delivery.count}, first ${
      ms(delivery.firstMs)
    } ms); open ${ms(open.openMedianMs)} ms median (max ${
      ms(open.openMaxMs)
    }), from navigation ${ms(open.loadMedianMs)} ms; Deno openMessage ${
      ms(open.decryptMedianMs)
    } ms`,
  );
}
