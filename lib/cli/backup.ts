/**
 * `kith backup`: every author log, fork proof, replication mark and ledger
 * (genesis and finalized blocks) of a data folder as one verified NDJSON
 * archive (see archive.ts).
 *
 * @module
 */
import { LedgerStore } from "../ledgers/mod.ts";
import { entryIdOfLine } from "../protocol/mod.ts";
import { KEYS } from "../store/mod.ts";
import {
  ARCHIVE_VERSION,
  type ArchiveCounts,
  type ArchiveHeader,
  type ArchiveItem,
  type ArchiveTrailer,
  emptyCounts,
  LineHash,
} from "./archive.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Writes the archive of `kv` to `path`, which must not exist yet. Reads
 * are not one snapshot: an instance running meanwhile may append entries
 * that the archive misses, but each log is archived as a gap-free prefix.
 *
 * @throws {Error} `Cannot write the backup: <path> exists already; choose
 * another --out`.
 *
 * @example
 * ```ts
 * const counts = await writeBackup(kv, "kith-backup.ndjson");
 * ```
 */
export async function writeBackup(
  kv: Deno.Kv,
  path: string,
  options: { now?: number } = {},
): Promise<ArchiveCounts> {
  let file;
  try {
    file = await Deno.open(path, { write: true, createNew: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new Error(
        `Cannot write the backup: ${path} exists already; choose another --out`,
      );
    }
    throw new Error(
      `Cannot write the backup to ${path}: ${(error as Error).message}`,
    );
  }
  const writer = new BufferedLines(file);
  const hash = new LineHash();
  const counts = emptyCounts();
  const put = async (line: string) => {
    hash.add(line);
    await writer.write(line);
  };
  try {
    const header: ArchiveHeader = {
      kith: "backup",
      version: ARCHIVE_VERSION,
      createdAt: options.now ?? Date.now(),
    };
    await put(JSON.stringify(header));
    for await (const item of itemsOf(kv)) {
      await put(JSON.stringify(item));
      counts[item.kind]++;
    }
    const trailer: ArchiveTrailer = {
      kith: "backup-end",
      counts,
      sha256: hash.hex(),
    };
    await writer.write(JSON.stringify(trailer));
    await writer.flush();
  } finally {
    file.close();
  }
  return counts;
}

/** Every item of the archive of `kv`, kind by kind. */
async function* itemsOf(kv: Deno.Kv): AsyncGenerator<ArchiveItem> {
  // Logs in key order: author by author, seq by seq.
  let page: { line: string; id: string }[] = [];
  const flush = async function* () {
    // Where each entry sits also says when it was accepted; ten per read.
    for (let i = 0; i < page.length; i += 10) {
      const group = page.slice(i, i + 10);
      const found = await kv.getMany<{ receivedAt: number }[]>(
        group.map(({ id }) => KEYS.entry(id)),
      );
      for (const [j, { line }] of group.entries()) {
        const receivedAt = found[j].value?.receivedAt;
        if (receivedAt === undefined) {
          throw new Error(
            `Cannot back up entry ${
              group[j].id
            }: its log slot has no location; run "kith reindex" or restore an earlier backup`,
          );
        }
        yield { kind: "record" as const, line, receivedAt };
      }
    }
    page = [];
  };
  for await (const { value } of kv.list<Uint8Array>({ prefix: ["log"] })) {
    const line = decoder.decode(value);
    page.push({ line, id: entryIdOfLine(line) });
    if (page.length >= 500) yield* flush();
  }
  yield* flush();
  for await (const { value } of kv.list<ForkProofValue>({ prefix: ["fork"] })) {
    yield { kind: "fork", proof: value };
  }
  for await (const { key } of kv.list({ prefix: ["replication"] })) {
    if (key.length !== 3) continue;
    yield {
      kind: "replication",
      role: String(key[1]),
      author: String(key[2]),
    };
  }
  const ledgers = new LedgerStore(kv);
  const choices = await ledgers.honourChoices();
  for (const id of (await ledgers.knownIds()).sort()) {
    const genesis = (await ledgers.genesis(id))!;
    yield { kind: "ledger", id, genesis, honoured: choices.get(id) ?? null };
    for await (const finalized of ledgers.blocks(id, { from: 1 })) {
      yield { kind: "block", ledger: id, finalized };
    }
  }
}

type ForkProofValue = Extract<ArchiveItem, { kind: "fork" }>["proof"];

/** Lines written to a file in chunks of about 1 MB. */
class BufferedLines {
  readonly #file: Deno.FsFile;
  #parts: string[] = [];
  #size = 0;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  async write(line: string): Promise<void> {
    this.#parts.push(line, "\n");
    this.#size += line.length + 1;
    if (this.#size >= 1_000_000) await this.flush();
  }

  async flush(): Promise<void> {
    const bytes = encoder.encode(this.#parts.join(""));
    this.#parts = [];
    this.#size = 0;
    let written = 0;
    while (written < bytes.length) {
      written += await this.#file.write(bytes.subarray(written));
    }
  }
}
