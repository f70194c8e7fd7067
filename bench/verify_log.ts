/**
 * Benchmark of `kith verify` on a 100,000-entry log (issue 3): builds the
 * log once in a temporary data folder, then times the real CLI in its own
 * process, as an operator would run it.
 *
 * @module
 */
import { join } from "node:path";
import { verifyEd25519 } from "../lib/crypto/mod.ts";
import { Ingest } from "../lib/ingest/mod.ts";
import {
  contentHashOf,
  encodeBase64Url,
  encodeRecord,
  type Entry,
  entryId,
  PROTOCOL_VERSION,
  signingBytes,
  type UnsignedEntry,
} from "../lib/protocol/mod.ts";
import { RecordStore } from "../lib/store/mod.ts";
import { ROOT } from "./_process.ts";

/** Result of {@linkcode measureVerify}. */
export interface VerifyResult {
  entries: number;
  /** Entries/s as the CLI printed it. */
  rate: number;
  seconds: number;
  buildSeconds: number;
}

/** Signs a log of `count` posts with WebCrypto (fast enough to build 100k entries). */
async function signLog(count: number): Promise<string[]> {
  const keys = await crypto.subtle.generateKey("Ed25519", true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const author = encodeBase64Url(
    new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey)),
  );
  const lines: string[] = [];
  let prev: string | null = null;
  for (let seq = 1; seq <= count; seq++) {
    const content = {
      text: `Entry ${seq}: ${"lorem ipsum ".repeat(1 + (seq % 20))}`.trim(),
    };
    const unsigned: UnsignedEntry = {
      v: PROTOCOL_VERSION,
      author,
      seq,
      prev,
      ts: 1_790_000_000_000 + seq,
      type: "post",
      contentHash: contentHashOf(content),
    };
    const sig = new Uint8Array(
      await crypto.subtle.sign(
        "Ed25519",
        keys.privateKey,
        signingBytes(unsigned) as Uint8Array<ArrayBuffer>,
      ),
    );
    const entry: Entry = { ...unsigned, sig: encodeBase64Url(sig) };
    prev = entryId(entry);
    lines.push(encodeRecord(entry, content));
  }
  return lines;
}

/**
 * Builds a `count`-entry log in a fresh data folder through the ingest
 * pipeline, then runs `deno task kith verify <author> --data <folder>`.
 */
export async function measureVerify(count: number): Promise<VerifyResult> {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_verify_bench_" });
  try {
    const building = performance.now();
    const lines = await signLog(count);
    const author = JSON.parse(lines[0]).entry.author as string;
    const kv = await Deno.openKv(join(dataDir, "kith.kv"));
    try {
      const ingest = new Ingest(new RecordStore(kv), {
        verify: verifyEd25519,
        now: Date.now,
      });
      for (let i = 0; i < lines.length; i += 2_000) {
        const outcomes = await ingest.submit(lines.slice(i, i + 2_000), {
          source: "peer",
        });
        if (outcomes.some((outcome) => outcome.status !== "created")) {
          throw new Error("the benchmark log did not ingest cleanly");
        }
      }
    } finally {
      kv.close();
    }
    const buildSeconds = (performance.now() - building) / 1000;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "kith", "verify", author, "--data", dataDir],
      cwd: ROOT,
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    const match = /(\d+) entries in ([\d.]+) s \((\d+) entries\/s\)/.exec(text);
    if (
      !output.success || !match || Number(match[1]) !== count ||
      !text.startsWith("✓")
    ) {
      throw new Error(
        `kith verify failed:\n${text}\n${
          new TextDecoder().decode(output.stderr)
        }`,
      );
    }
    return {
      entries: count,
      seconds: Number(match[2]),
      rate: Number(match[3]),
      buildSeconds,
    };
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

if (import.meta.main) {
  console.log(await measureVerify(Number(Deno.args[0] ?? 100_000)));
}
