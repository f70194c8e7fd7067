/**
 * Signed-entry benchmarks (issue 3): bulk ingest of pre-signed records
 * through lib/ingest into on-disk Deno KV, against raw WebCrypto verify
 * throughput; and single record POSTs to a real instance over HTTP. Run by
 * bench/run.ts.
 *
 * @module
 */
import { join } from "node:path";
import { verifyEd25519 } from "../lib/crypto/mod.ts";
import { Ingest } from "../lib/ingest/mod.ts";
import { importLines } from "../lib/cli/transfer.ts";
import {
  decodeBase64Url,
  decodeRecord,
  type Entry,
  type PostContent,
  signingBytes,
} from "../lib/protocol/mod.ts";
import { RecordStore } from "../lib/store/mod.ts";
import { seededRandom, testAuthor } from "../tests/helpers.ts";
import {
  freePort,
  median,
  ROOT,
  spawnInstance,
  stop,
  waitFor200,
} from "./_process.ts";

/** One author's pre-signed log, seq 1 first. */
interface Log {
  key: string;
  records: { line: string; id: string; entry: Entry }[];
}

const WORDS = ("garden kith seed river bread lantern morning neighbour " +
  "market bicycle tea letter window rain café ünïcode 🌱 walk book " +
  "song field harbour").split(" ");
const TAGS = ["garden", "bread", "rain", "bikes", "tea", "books", "söng"];

/**
 * Signs `perAuthor` posts for each of `authors` fresh authors: text of 20
 * to 500 characters, about a third with tags, a fifth mentioning other
 * authors, a tenth replying to an earlier post. Signing is not measured.
 */
export function signLogs(authors: number, perAuthor: number, seed = 1): Log[] {
  const next = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const signers = Array.from({ length: authors }, () => testAuthor());
  const logs: Log[] = signers.map(({ key }) => ({ key, records: [] }));
  const recent: string[] = [];
  // Seq-major order, so replies can name posts already signed by others.
  for (let seq = 1; seq <= perAuthor; seq++) {
    for (const [i, signer] of signers.entries()) {
      const length = 20 + Math.floor(next() * 481);
      let text = pick(WORDS);
      while (text.length < length) text += " " + pick(WORDS);
      // Cut by code points: slicing UTF-16 could split the emoji.
      const content: PostContent = {
        text: [...text].slice(0, length).join("").trim(),
      };
      if (next() < 0.33) {
        content.tags = [...new Set([pick(TAGS), pick(TAGS)])];
      }
      if (next() < 0.2 && authors > 1) {
        const other =
          logs[(i + 1 + Math.floor(next() * (authors - 1))) % authors];
        content.mentions = [other.key];
      }
      if (next() < 0.1 && recent.length > 0) {
        content.root = content.parent = pick(recent);
      }
      const record = signer.next("post", content);
      logs[i].records.push(record);
      recent.push(record.id);
      if (recent.length > 200) recent.shift();
    }
  }
  return logs;
}

/** Records of all logs interleaved by seq: 1 of every author, then 2, … */
function interleave(logs: Log[]): Log["records"] {
  const longest = Math.max(...logs.map((log) => log.records.length));
  return Array.from(
    { length: longest },
    (_, i) => logs.flatMap((log) => log.records[i] ?? []),
  ).flat();
}

/** Throws unless every author's head in `kv` is the last record of its log. */
async function assertHeads(kv: Deno.Kv, logs: Log[]): Promise<void> {
  const store = new RecordStore(kv);
  for (const log of logs) {
    const { head } = await store.head(log.key);
    const last = log.records.at(-1)!;
    if (head?.seq !== last.entry.seq || head.id !== last.id) {
      throw new Error(
        `Head of ${log.key} is ${
          JSON.stringify(head)
        }, expected seq ${last.entry.seq} id ${last.id}`,
      );
    }
  }
}

/** Result of {@linkcode measureIngest}; rates are records/s, medians of the rounds. */
export interface IngestResult {
  records: number;
  ingestRate: number;
  rawRate: number;
  /** verifyEd25519 alone (strict byte checks, cached keys, WebCrypto). */
  strictRate: number;
  /** decodeRecord alone (size, canonical form, shape, content hash, schema). */
  decodeRate: number;
  ingestRates: number[];
  rawRates: number[];
  signMs: number;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Runs `task` over `items` in batches of `size`, each awaited with Promise.all. */
async function batched<T>(
  items: T[],
  size: number,
  task: (item: T) => Promise<boolean>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    const results = await Promise.all(items.slice(i, i + size).map(task));
    if (results.includes(false)) throw new Error("A signature did not verify");
  }
}

async function* toAsync(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

/** Ingests `lines` in batches into a fresh on-disk KV, asserts every record was created. */
async function ingestOnce(
  lines: string[],
  logs: Log[],
): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "kith_bench_ingest_" });
  const kv = await Deno.openKv(join(dir, "kith.kv"));
  // The bulk path of `kith import`, configured as it configures it: batches
  // of 1,000, two in flight, checks in a worker.
  const ingest = new Ingest(new RecordStore(kv), {
    verify: verifyEd25519,
    now: Date.now,
    workers: Math.max(1, navigator.hardwareConcurrency - 1),
  });
  try {
    let created = 0;
    const seconds = await timed(async () => {
      const summary = await importLines(ingest, toAsync(lines));
      if (summary.rejected + summary.held + summary.duplicates > 0) {
        throw new Error(
          `Ingest did not create everything: ${JSON.stringify(summary)}`,
        );
      }
      created = summary.created;
    });
    if (created !== lines.length) throw new Error(`Created only ${created}`);
    await assertHeads(kv, logs);
    return lines.length / seconds;
  } finally {
    ingest.close();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Bulk ingest: signs `authors × perAuthor` posts, then per round ingests
 * them (NDJSON lines in seq order, `batch` per submit) into a fresh
 * on-disk KV and times raw WebCrypto verify of the same signatures with
 * the same batching. One uncounted warm-up round first.
 */
export async function measureIngest(
  options: Record<"authors" | "perAuthor" | "batch" | "rounds", number>,
): Promise<IngestResult> {
  const signStarted = performance.now();
  const logs = signLogs(options.authors, options.perAuthor);
  const signMs = performance.now() - signStarted;
  const records = interleave(logs);
  const lines = records.map((record) => record.line);
  // Raw verify gets everything decoded up front and each key imported once,
  // in the same order as ingest sees it.
  const keys = new Map(
    await Promise.all(logs.map(async (log) =>
      [
        log.key,
        await crypto.subtle.importKey(
          "raw",
          decodeBase64Url(log.key)! as Uint8Array<ArrayBuffer>,
          { name: "Ed25519" },
          false,
          ["verify"],
        ),
      ] as const
    )),
  );
  const checks = records.map(({ entry }) => ({
    publicKey: decodeBase64Url(entry.author)!,
    key: keys.get(entry.author)!,
    message: signingBytes(entry) as Uint8Array<ArrayBuffer>,
    signature: decodeBase64Url(entry.sig)! as Uint8Array<ArrayBuffer>,
  }));
  const raw = () =>
    batched(
      checks,
      options.batch,
      (item) =>
        crypto.subtle.verify("Ed25519", item.key, item.signature, item.message),
    );
  const strict = () =>
    batched(
      checks,
      options.batch,
      (item) => verifyEd25519(item.publicKey, item.message, item.signature),
    );
  const decode = () => {
    const now = Date.now();
    for (const line of lines) decodeRecord(line, { now });
    return Promise.resolve();
  };
  await raw();
  await ingestOnce(lines, logs);
  const ingestRates: number[] = [];
  const rawRates: number[] = [];
  const strictRates: number[] = [];
  const decodeRates: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    rawRates.push(checks.length / await timed(raw));
    ingestRates.push(await ingestOnce(lines, logs));
    strictRates.push(checks.length / await timed(strict));
    decodeRates.push(lines.length / await timed(decode));
  }
  return {
    records: lines.length,
    ingestRate: median(ingestRates),
    rawRate: median(rawRates),
    strictRate: median(strictRates),
    decodeRate: median(decodeRates),
    ingestRates,
    rawRates,
    signMs,
  };
}

/** Result of {@linkcode measurePosts}. */
export interface PostResult {
  /** Records/s, median of the rounds. */
  rate: number;
  rates: number[];
  /** Over every measured request of every round. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
}

/**
 * Single POSTs: a real instance process on an on-disk data folder, and
 * `clients` concurrent clients in one other process (bench/servers/
 * post_load.ts), each POSTing its own author's `perClient` records in seq
 * order, one at a time. A short warm-up phase with other authors first;
 * then `rounds` phases, each with fresh authors. Every answer must be 201
 * and every head right afterwards. Needs `deno task build` output.
 */
export async function measurePosts(
  options: Record<"clients" | "perClient" | "rounds" | "warmup", number>,
): Promise<PostResult> {
  const phases = [signLogs(options.clients, options.warmup, 100)];
  for (let round = 0; round < options.rounds; round++) {
    phases.push(signLogs(options.clients, options.perClient, 101 + round));
  }
  const dir = await Deno.makeTempDir({ prefix: "kith_bench_posts_" });
  const planFile = join(dir, "plan.json");
  await Deno.writeTextFile(
    planFile,
    JSON.stringify({
      phases: phases.map((logs) =>
        logs.map((log) => log.records.map((record) => record.line))
      ),
    }),
  );
  const dataDir = join(dir, "data");
  const port = freePort();
  const url = `http://127.0.0.1:${port}/`;
  try {
    const kith = spawnInstance(port, dataDir);
    let output: Deno.CommandOutput;
    try {
      await waitFor200(url + "healthz");
      output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "bench/servers/post_load.ts",
          url,
          planFile,
        ],
        cwd: ROOT,
        env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "inherit",
      }).output();
    } finally {
      await stop(kith);
    }
    if (!output.success) throw new Error("post_load.ts failed");
    const result: Omit<PostResult, "rate"> & {
      statuses: Record<string, number>;
    } = JSON.parse(new TextDecoder().decode(output.stdout));
    const sent = phases.flat().reduce((n, log) => n + log.records.length, 0);
    if (result.statuses["201"] !== sent) {
      throw new Error(
        `Expected ${sent} answers 201, got ${JSON.stringify(result.statuses)}`,
      );
    }
    // The instance has stopped and closed KV: read its heads from disk.
    const kv = await Deno.openKv(join(dataDir, "kith.kv"));
    try {
      for (const logs of phases) await assertHeads(kv, logs);
    } finally {
      kv.close();
    }
    return { ...result, rate: median(result.rates) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
