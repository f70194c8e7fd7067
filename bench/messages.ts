/**
 * Encrypted messages benchmarks: delivery of sealed `dm` entries from an
 * author on one instance process to a recipient local to another (timed to
 * the recipient instance's live messages stream), and opening a
 * 1,000-message conversation in Chromium (fetch, decrypt, first render).
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";
import { startNode, waitUntil } from "../tests/cluster.ts";
import { postLines, startTestInstance, testAuthor } from "../tests/helpers.ts";
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  signInAs,
} from "../tests/browser/harness.ts";
import {
  directConversationKey,
  type Envelope,
  foldConversation,
  MessageKeys,
  openMessage,
  sealMessage,
} from "../lib/messages/mod.ts";
import { openLine } from "../lib/browser/messages.ts";
import { median, NO_BUDGETS, withDirs } from "./_process.ts";

type Author = ReturnType<typeof testAuthor>;

/** The value at quantile `q` of ascending `sorted`. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * An open Server-Sent-Events stream: `arrived` maps each `entry` event's id
 * to when it was read (performance.now()). Resolves once `ready` came.
 */
async function openLiveStream(url: string) {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (response.status !== 200) {
    throw new Error(`${url}: ${response.status} ${await response.text()}`);
  }
  const arrived = new Map<string, number>();
  let events = 0;
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => markReady = resolve);
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  const reading = (async () => {
    let buffer = "";
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        const now = performance.now();
        buffer += value;
        let at: number;
        while ((at = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const lines = block.split("\n");
          const event = lines.find((line) => line.startsWith("event: "))
            ?.slice(7);
          const data = lines.find((line) => line.startsWith("data: "))
            ?.slice(6);
          if (event === "ready") markReady();
          if (event === "entry" && data) {
            events++;
            const { id } = JSON.parse(data) as { id: string };
            if (!arrived.has(id)) arrived.set(id, now);
          }
        }
      }
    } catch {
      // Aborted, or the instance went away.
    }
  })();
  await ready;
  return {
    arrived,
    events: () => events,
    async close() {
      abort.abort();
      await reader.cancel().catch(() => {});
      await reading;
    },
  };
}

/** A sealed message from `from` to `to`, as a signed `dm` record. */
function dmRecord(from: Author, to: Author, text: string) {
  const box = sealMessage(new MessageKeys(from.secretKey), {
    to: [to.key],
    payload: { kind: "message", text },
  });
  return from.next("dm", { to: [to.key], box });
}

/**
 * Cross-instance delivery: Alice (local to A) sends `count` sealed messages
 * at `perSecond` to Bob (local to B, which peers with A). Each latency runs
 * from just before the POST to A to the moment B's live stream
 * `messages:<bob>` delivers the entry's id. Waits at most `graceMs` after
 * the last send.
 */
export async function measureDelivery(
  options: { count: number; perSecond: number; graceMs: number },
) {
  const { count, perSecond, graceMs } = options;
  return await withDirs(2, async ([dirA, dirB]) => {
    const a = await startNode("A", { dataDir: dirA });
    const b = await startNode("B", { dataDir: dirB, peers: [a.url] });
    let stream: Awaited<ReturnType<typeof openLiveStream>> | null = null;
    try {
      const connectMs = await waitUntil(
        "B to connect to A",
        async () => (await b.peers()).some((peer) => peer.connected),
      );
      const alice = testAuthor();
      const bob = testAuthor();
      // Each publishes once on their own instance, so each is local there.
      await a.post([alice.next("profile", { name: "Alice" }).line]);
      await b.post([bob.next("profile", { name: "Bob" }).line]);
      stream = await openLiveStream(
        `${b.url}/api/live?stream=messages:${bob.key}`,
      );
      const ids: string[] = [];
      const sent: number[] = [];
      const postMs: number[] = [];
      const gap = 1000 / perSecond;
      const start = performance.now();
      // One POST at a time, on a fixed schedule, so Alice's log reaches A in
      // seq order; a slow POST delays the next one instead of racing it.
      for (let i = 0; i < count; i++) {
        const due = start + i * gap;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const { line, id } = dmRecord(alice, bob, `msg ${i + 1}`);
        ids.push(id);
        const before = performance.now();
        sent.push(before);
        await a.post([line]);
        postMs.push(performance.now() - before);
      }
      const sendSeconds = (performance.now() - start) / 1000;
      const live = stream;
      const graceStarted = performance.now();
      await waitUntil(
        "every message on B",
        () => Promise.resolve(ids.every((id) => live.arrived.has(id))),
        graceMs,
      ).catch(() => {});
      const waitedMs = performance.now() - graceStarted;
      const latencies = ids.map((id, i) =>
        (live.arrived.get(id) ?? Infinity) - sent[i]
      );
      const delivered = latencies.filter(Number.isFinite).length;
      const sorted = [...latencies].sort((x, y) => x - y);
      const rest = latencies.slice(1).sort((x, y) => x - y);
      const inOrder = ids.every((id, i) =>
        i === 0 ||
        (live.arrived.get(id) ?? Infinity) >=
          (live.arrived.get(ids[i - 1]) ?? Infinity)
      );
      const bHead = await b.head(alice.key);
      return {
        count,
        perSecond,
        delivered,
        connectMs,
        sendSeconds,
        waitedMs,
        events: live.events(),
        inOrder,
        aliceHeadOnB: bHead,
        firstMs: latencies[0],
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1],
        restP50Ms: quantile(rest, 0.5),
        restP99Ms: quantile(rest, 0.99),
        postP50Ms: quantile([...postMs].sort((x, y) => x - y), 0.5),
      };
    } finally {
      await stream?.close();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
}

const WORDS = (
  "the a of to and in for on with at from by about over after before " +
  "tomorrow tonight morning coffee train garden meeting draft photo " +
  "weekend dinner book paper code review server instance message key " +
  "thanks sure maybe later soon really great good idea plan call bring " +
  "remember send check lunch walk rain park station ticket question " +
  "answer project deadline friday monday notes link music film"
).split(" ");

/** A deterministic sentence of 20–300 characters (message `i`). */
function textOf(i: number): string {
  let state = (i + 1) * 2654435761 >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const length = 20 + Math.floor(next() * 281);
  let text = "";
  while (text.length < length) {
    const word = WORDS[Math.floor(next() * WORDS.length)];
    text += text ? ` ${word}` : word[0].toUpperCase() + word.slice(1);
  }
  return `${text.slice(0, length - 1).trimEnd()}.`;
}

/** `count` records alternating Alice→Bob and Bob→Alice, in send order. */
function conversationLines(alice: Author, bob: Author, count: number) {
  const lines: string[] = [];
  const envelopes: Envelope[] = [];
  let chars = 0;
  for (let i = 0; i < count; i++) {
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
    const text = textOf(i);
    chars += text.length;
    const box = sealMessage(new MessageKeys(from.secretKey), {
      to: [to.key],
      payload: { kind: "message", text },
    });
    lines.push(from.next("dm", { to: [to.key], box }).line);
    envelopes.push({ author: from.key, to: [to.key], box });
  }
  return { lines, envelopes, meanChars: chars / count };
}

/** Opens every envelope with fresh keys of `reader`; ms per round. */
function measureDecrypt(
  reader: Author,
  envelopes: Envelope[],
  rounds: number,
): number[] {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const keys = new MessageKeys(reader.secretKey);
    for (const envelope of envelopes) openMessage(keys, envelope);
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * What the island does with the listing once fetched, in Deno: parse the
 * JSON, `openLine` every record (entry id, envelope, openMessage) with fresh
 * keys, then `foldConversation`; ms per round.
 */
function measureClientPath(
  reader: Author,
  conversation: string,
  listing: string,
  rounds: number,
): number[] {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const keys = new MessageKeys(reader.secretKey);
    const listed = JSON.parse(listing).messages as { line: string }[];
    const opened = listed.map(({ line }) => openLine(keys, line));
    const view = foldConversation(conversation, opened, {
      reader: reader.key,
    });
    samples.push(performance.now() - started);
    if (view.messages.length !== listed.length) {
      throw new Error(
        `Folded ${view.messages.length} of ${listed.length} messages`,
      );
    }
  }
  return samples;
}

async function contextAs(browser: Browser, url: string, person: Author) {
  const context = await browser.newContext();
  await (await signInAs(context, url, person)).close();
  return context;
}

/**
 * Opening a conversation of `messages` sealed messages in Chromium as the
 * recipient: `warmup` + `runs` page loads, each timed by the island's
 * performance marks. Also times openMessage over the same boxes in Deno.
 */
export async function measureOpen(
  options: { messages: number; runs: number; warmup: number },
) {
  const { messages, runs, warmup } = options;
  const alice = testAuthor();
  const bob = testAuthor();
  const built = performance.now();
  const { lines, envelopes, meanChars } = conversationLines(
    alice,
    bob,
    messages,
  );
  const buildMs = performance.now() - built;
  const decryptMs = measureDecrypt(bob, envelopes, 7);
  const instance = await startTestInstance([...NO_BUDGETS]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  try {
    const { url } = instance;
    await postLines(url, [
      alice.next("profile", { name: "Alice" }).line,
      bob.next("profile", { name: "Bob" }).line,
    ]);
    for (let i = 0; i < lines.length; i += 1000) {
      await postLines(url, lines.slice(i, i + 1000));
    }
    const conversation = directConversationKey(alice.key, [bob.key]);
    const listing = await (await fetch(
      `${url}/api/messages/${conversation}?limit=1000`,
    )).text();
    const clientPathMs = measureClientPath(bob, conversation, listing, 7);
    const context = await contextAs(browser, url, bob);
    const openMs: number[] = [];
    const loadMs: number[] = [];
    const fetchMs: number[] = [];
    const decryptInPageMs: number[] = [];
    const renderMs: number[] = [];
    for (let run = 0; run < warmup + runs; run++) {
      const page = await context.newPage();
      await page.goto(`${url}/messages/${conversation}`);
      await page.waitForFunction(
        (count) => document.querySelectorAll(".message").length >= count,
        messages,
        { timeout: 30_000 },
      );
      await page.waitForFunction(
        () =>
          performance.getEntriesByName("kith:conversation-rendered").length >
            0,
        undefined,
        { timeout: 30_000 },
      );
      const marks = await page.evaluate(() => ({
        open: performance.getEntriesByName("kith:conversation-open")[0]
          .startTime,
        fetched: (performance.getEntriesByType(
          "resource",
        ) as PerformanceResourceTiming[]).find((entry) =>
          entry.name.includes("/api/messages/")
        )?.responseEnd ?? NaN,
        rendered: performance.getEntriesByName("kith:conversation-rendered")[0]
          .startTime,
        decrypted:
          performance.getEntriesByName("kith:conversation-decrypted")[0]
            .startTime,
        shown: document.querySelectorAll(".message").length,
        failed: document.body.textContent?.includes(
          "Could not decrypt this message",
        ) ?? false,
      }));
      if (marks.shown !== messages || marks.failed) {
        throw new Error(
          `Run ${run}: ${marks.shown} messages shown, decrypt failures: ${marks.failed}`,
        );
      }
      if (run >= warmup) {
        openMs.push(marks.rendered - marks.open);
        fetchMs.push(marks.fetched - marks.open);
        decryptInPageMs.push(marks.decrypted - marks.fetched);
        renderMs.push(marks.rendered - marks.decrypted);
        loadMs.push(marks.rendered);
      }
      await page.close();
    }
    await context.close();
    return {
      messages,
      runs,
      warmup,
      meanChars,
      buildMs,
      listingBytes: listing.length,
      openMs,
      loadMs,
      openMedianMs: median(openMs),
      openMaxMs: Math.max(...openMs),
      loadMedianMs: median(loadMs),
      loadMaxMs: Math.max(...loadMs),
      fetchMs,
      fetchMedianMs: median(fetchMs),
      decryptInPageMedianMs: median(decryptInPageMs),
      renderMedianMs: median(renderMs),
      clientPathMs,
      clientPathMedianMs: median(clientPathMs),
      decryptMs,
      decryptMedianMs: median(decryptMs),
    };
  } finally {
    await browser.close();
    await instance.close();
  }
}
