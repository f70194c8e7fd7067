/**
 * Shared helpers for tests and benchmarks: instances on loopback and
 * throwaway projects.
 *
 * @module
 */
import type { CliIo } from "../lib/cli/mod.ts";
import { join } from "node:path";
import { parseConfig } from "../lib/config/mod.ts";
import { type Instance, startInstance } from "../lib/instance/mod.ts";
import { generateKeyPair, sign } from "../lib/crypto/mod.ts";
import {
  type Content,
  createRecord,
  encodeBase64Url,
  type EntryType,
} from "../lib/protocol/mod.ts";

/**
 * Flags turning every request budget off, for tests and benchmarks that
 * send thousands of requests from one address when budgets are not what
 * they measure.
 */
export const NO_BUDGETS: readonly string[] = [
  "--rate-reads",
  "off",
  "--rate-writes",
  "off",
  "--rate-author",
  "off",
  "--rate-gun",
  "off",
];

/** mulberry32: a small seeded PRNG, so a run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rewrites the stored content of `record` in `kv` (the entry, and so its
 * id, stay), as only a damaged store could hold it. `content` keys must come
 * sorted: the store reads canonical JSON only.
 */
export async function corruptStoredContent(
  kv: Deno.Kv,
  record: { line: string },
  content: unknown,
): Promise<void> {
  const { entry } = JSON.parse(record.line);
  const line = `{"content":${JSON.stringify(content)}${
    record.line.slice(record.line.lastIndexOf(',"entry":{'))
  }`;
  await kv.set(
    ["log", entry.author, entry.seq],
    new TextEncoder().encode(line),
  );
}

/** Flags for an instance on a free loopback port, with `dataDir` (default in memory). */
export function loopbackArgs(dataDir = ":memory:"): string[] {
  return ["--port", "0", "--hostname", "127.0.0.1", "--data", dataDir];
}

/**
 * Starts an in-process instance on loopback with KV in memory; `close()` it.
 *
 * @example
 * ```ts
 * const instance = await startTestInstance(["--name", "Garden"]);
 * ```
 */
export function startTestInstance(
  extraArgs: string[] = [],
  options: { now?: () => number; dataDir?: string } = {},
): Promise<Instance> {
  const config = parseConfig(
    [...loopbackArgs(options.dataDir), ...extraArgs],
    {},
  );
  return startInstance(config, { now: options.now });
}

const REPO_CONFIG = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
);

/**
 * Writes a throwaway project: a deno.json with the repository's imports and
 * compiler options, plus `files` (path relative to the project to text).
 * Returns its folder; remove it when done.
 */
export async function tempProject(
  files: Record<string, string>,
): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "kith_project_" });
  await Deno.writeTextFile(
    join(root, "deno.json"),
    JSON.stringify({
      imports: REPO_CONFIG.imports,
      compilerOptions: REPO_CONFIG.compilerOptions,
    }),
  );
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

/**
 * A fresh author that signs the next entry of its own log on each call,
 * or an entry at an explicit position (`at`) to build forks and gaps.
 *
 * @example
 * ```ts
 * const alice = testAuthor();
 * const { line, id } = alice.next("post", { text: "Hi" });
 * ```
 */
export function testAuthor(options: { ts?: () => number } = {}) {
  const keys = generateKeyPair();
  const key = encodeBase64Url(keys.publicKey);
  let seq = 0;
  let prev: string | null = null;
  return {
    key,
    secretKey: keys.secretKey,
    next(
      type: EntryType,
      content: Content,
      at?: { seq: number; prev: string | null },
    ) {
      const record = createRecord(
        {
          author: key,
          seq: at?.seq ?? ++seq,
          prev: at ? at.prev : prev,
          ts: options.ts?.() ?? Date.now(),
          type,
          content,
        },
        { sign: (bytes) => sign(keys.secretKey, bytes) },
      );
      if (!at) prev = record.id;
      return record;
    },
  };
}

/**
 * POSTs record lines to an instance (one as JSON, several as NDJSON) and
 * fails unless every line was accepted.
 */
export async function postLines(url: string, lines: string[]): Promise<void> {
  const response = await fetch(`${url}/api/records`, {
    method: "POST",
    headers: {
      "Content-Type": lines.length > 1
        ? "application/x-ndjson"
        : "application/json",
    },
    body: lines.join("\n"),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`POST ${response.status}: ${body}`);
  if (lines.length > 1 && JSON.parse(body).rejected !== 0) {
    throw new Error(`Some lines were rejected: ${body.slice(0, 500)}`);
  }
}

/**
 * GETs a page (as `reader` when given) and fails unless it answers
 * `status` (default 200); returns the HTML.
 */
export async function fetchPage(
  url: string,
  options: { status?: number; reader?: string } = {},
): Promise<string> {
  const response = await fetch(url, {
    headers: options.reader ? { Cookie: `kith_author=${options.reader}` } : {},
  });
  const html = await response.text();
  const status = options.status ?? 200;
  if (response.status !== status) {
    throw new Error(
      `${url}: expected ${status}, got ${response.status}: ${
        html.slice(0, 300)
      }`,
    );
  }
  return html;
}

/** A CLI io that records what a command prints, with `env` as its environment. */
export function captureIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
  };
  return { io, out, err };
}
