/**
 * Social web app benchmarks: the home timeline's server time for a reader
 * following 1,000 authors in a large store, and the JavaScript a
 * signed-in reader's home page loads.
 *
 * The store is filled directly through `RecordStore.commit` with records
 * that are well-formed but signed by a stand-in signer (64 zero bytes):
 * pages never verify signatures, and signing a million records would only
 * slow the set-up. Posts are spread evenly over the authors, one minute
 * apart per author, interleaved.
 *
 * @module
 */
import { join } from "node:path";
import { parseConfig } from "../lib/config/mod.ts";
import { startInstance } from "../lib/instance/mod.ts";
import {
  createRecord,
  decodeRecord,
  encodeBase64Url,
} from "../lib/protocol/mod.ts";
import { type Append, RecordStore } from "../lib/store/mod.ts";
import { measureIslandJs } from "./web.ts";
import { NO_BUDGETS } from "./_process.ts";

const FAKE_SIGNATURE = new Uint8Array(64);

/** A deterministic 32-byte key per author number. */
function authorKey(n: number): string {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setUint32(0, n + 1);
  bytes[31] = 7;
  return encodeBase64Url(bytes);
}

/** Fills `kv` with `posts` posts by `authors` authors; returns the keys. */
export async function fillStore(
  kv: Deno.Kv,
  options: { posts: number; authors: number; start: number },
): Promise<string[]> {
  const store = new RecordStore(kv);
  const keys = Array.from({ length: options.authors }, (_, n) => authorKey(n));
  const heads = new Map<string, { seq: number; id: string | null }>();
  const checks = new Map<string, string | null>();
  const perAuthor = Math.ceil(options.posts / options.authors);
  let batch: Append[] = [];
  let written = 0;
  for (let round = 0; round < perAuthor && written < options.posts; round++) {
    for (let n = 0; n < options.authors && written < options.posts; n++) {
      const author = keys[n];
      const head = heads.get(author) ?? { seq: 0, id: null };
      const ts = options.start + round * 60_000 + n;
      const { line } = createRecord({
        author,
        seq: head.seq + 1,
        prev: head.id,
        ts,
        type: "post",
        content: {
          text: `Post ${
            round + 1
          } of author ${n}: a few words of ordinary length #tag${n % 50}`,
          tags: [`tag${n % 50}`],
        },
      }, { sign: () => FAKE_SIGNATURE });
      const record = decodeRecord(line, { now: ts + 1 });
      batch.push({
        record,
        receivedAt: ts,
        previousHead: head.id
          ? { seq: head.seq, id: head.id, count: head.seq, forked: false }
          : null,
        retractedBefore: false,
      });
      heads.set(author, { seq: head.seq + 1, id: record.id });
      written++;
      if (batch.length === 5_000) {
        await commitAll(store, batch, checks);
        batch = [];
      }
    }
  }
  await commitAll(store, batch, checks);
  return keys;
}

async function commitAll(
  store: RecordStore,
  batch: Append[],
  checks: Map<string, string | null>,
) {
  const done = await store.commit(batch, checks);
  if (done !== batch.length) throw new Error("fixture commit conflicted");
}

/** Result of {@linkcode measureHomeTimeline}. */
export interface HomeTimelineResult {
  posts: number;
  authors: number;
  follows: number;
  fillSeconds: number;
  samplesMs: number[];
  p50Ms: number;
  p99Ms: number;
  postsShown: number;
}

/**
 * Server time of `GET /` (the home timeline, first page) for a reader
 * following `follows` of `authors` authors, over `requests` requests after
 * a warm-up, measured around the app's fetch handler (no network).
 */
export async function measureHomeTimeline(
  options: {
    posts: number;
    authors: number;
    follows: number;
    requests: number;
  },
): Promise<HomeTimelineResult> {
  const dir = await Deno.makeTempDir({ prefix: "kith_bench_home_" });
  try {
    const kv = await Deno.openKv(join(dir, "kith.kv"));
    const started = performance.now();
    const keys = await fillStore(kv, {
      posts: options.posts,
      authors: options.authors,
      start: Date.now() - options.posts * 1_000,
    });
    // The reader: follows every tenth author, so most posts are not theirs.
    const reader = authorKey(options.authors + 1);
    const store = new RecordStore(kv);
    const step = Math.floor(options.authors / options.follows);
    let head: { seq: number; id: string | null } = { seq: 0, id: null };
    const follows: Append[] = [];
    for (let i = 0; i < options.follows; i++) {
      const { line } = createRecord({
        author: reader,
        seq: head.seq + 1,
        prev: head.id,
        ts: Date.now() - 1_000,
        type: "follow",
        content: { target: keys[(i * step) % keys.length] },
      }, { sign: () => FAKE_SIGNATURE });
      const record = decodeRecord(line, { now: Date.now() });
      follows.push({
        record,
        receivedAt: Date.now(),
        previousHead: head.id
          ? { seq: head.seq, id: head.id, count: head.seq, forked: false }
          : null,
        retractedBefore: false,
      });
      head = { seq: head.seq + 1, id: record.id };
    }
    await commitAll(store, follows, new Map());
    kv.close();
    const fillSeconds = (performance.now() - started) / 1000;
    const instance = await startInstance(
      parseConfig(
        [
          "--port",
          "0",
          "--hostname",
          "127.0.0.1",
          "--data",
          dir,
          ...NO_BUDGETS,
        ],
        {},
      ),
    );
    try {
      const request = () =>
        new Request(`${instance.url}/`, {
          headers: { Cookie: `kith_author=${reader}` },
        });
      let shown = 0;
      for (let i = 0; i < 20; i++) {
        const html = await (await instance.app.fetch(request())).text();
        shown = (html.match(/<article class="entry-card/g) ?? []).length;
      }
      const samples: number[] = [];
      for (let i = 0; i < options.requests; i++) {
        const t = performance.now();
        const response = await instance.app.fetch(request());
        await response.arrayBuffer();
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      const pick = (q: number) =>
        samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
      return {
        posts: options.posts,
        authors: options.authors,
        follows: options.follows,
        fillSeconds,
        samplesMs: samples,
        p50Ms: pick(0.5),
        p99Ms: pick(0.99),
        postsShown: shown,
      };
    } finally {
      await instance.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** JavaScript a signed-in reader's home page loads (see bench/web.ts). */
export function measureSignedInJs(): ReturnType<typeof measureIslandJs> {
  return measureIslandJs({ signedIn: true });
}

if (import.meta.main) {
  const posts = Number(Deno.args[0] ?? 100_000);
  console.log(
    await measureHomeTimeline({
      posts,
      authors: 10_000,
      follows: 1_000,
      requests: 200,
    }).then(({ samplesMs: _, ...rest }) => rest),
  );
}
