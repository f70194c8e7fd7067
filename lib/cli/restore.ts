/**
 * `kith restore`: checks a backup archive whole (header, every line, the
 * trailer's counts and hash) and only then fills an empty data folder:
 * records through the ingest pipeline, ledgers through the ledger store.
 *
 * @module
 */
import { verifyEd25519 } from "../crypto/mod.ts";
import { forkProofId, verifyForkProof } from "../log/mod.ts";
import { type FinalizedBlock, ledgerIdOf } from "../ledger/mod.ts";
import { LedgerStore, verifyAll } from "../ledgers/mod.ts";
import { finalizedChecks } from "../ledgers/verify.ts";
import { decodeBase64Url, decodeRecord } from "../protocol/mod.ts";
import { RecordStore } from "../store/mod.ts";
import {
  ARCHIVE_VERSION,
  ArchiveError,
  type ArchiveHeader,
  type ArchiveItem,
  type ArchiveTrailer,
  emptyCounts,
  ITEM_KINDS,
  LineHash,
} from "./archive.ts";
import { assertEmptyFolder, createDataFolder } from "./data_folder.ts";
import { type ReplayItem, replayRecords } from "./replay.ts";

/** A checked archive: its items by kind, records with their line numbers. */
export interface CheckedArchive {
  header: ArchiveHeader;
  records: ReplayItem[];
  items: Exclude<ArchiveItem, { kind: "record" }>[];
  counts: ArchiveTrailer["counts"];
}

/**
 * Reads and checks the whole archive at `path`: a header of a known
 * version, items whose records, fork proofs and blocks verify, and a
 * trailer whose counts and SHA-256 match the lines before it.
 *
 * @throws {ArchiveError} `Cannot restore <path>: line <n>: <why>`.
 *
 * @example
 * ```ts
 * const archive = await checkArchive("kith-backup.ndjson");
 * ```
 */
export async function checkArchive(path: string): Promise<CheckedArchive> {
  let text;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ArchiveError(
      `Cannot restore ${path}: ${
        error instanceof Deno.errors.NotFound
          ? "no such file"
          : (error as Error).message
      }`,
    );
  }
  const fail = (line: number, why: string) =>
    new ArchiveError(`Cannot restore ${path}: line ${line}: ${why}`);
  const lines = text.split("\n");
  // A complete archive ends with "\n": the last split part is empty.
  if (lines.at(-1) === "") lines.pop();
  else if (lines.length > 0) {
    throw fail(
      lines.length,
      "the archive ends in the middle of a line (truncated)",
    );
  }
  const hash = new LineHash();
  const counts = emptyCounts();
  const header = parseLine(lines[0] ?? "", 1, fail) as Partial<ArchiveHeader>;
  if (header.kith !== "backup" || typeof header.createdAt !== "number") {
    throw fail(1, "not a Kith backup header");
  }
  if (header.version !== ARCHIVE_VERSION) {
    throw fail(
      1,
      `backup version ${header.version} is not supported (this Kith reads version ${ARCHIVE_VERSION})`,
    );
  }
  hash.add(lines[0]);
  const records: ReplayItem[] = [];
  const items: CheckedArchive["items"] = [];
  const heights = new Map<string, number>();
  let trailer: Partial<ArchiveTrailer> | undefined;
  for (let i = 1; i < lines.length; i++) {
    const number = i + 1;
    const value = parseLine(lines[i], number, fail);
    if (value.kith === "backup-end") {
      if (i !== lines.length - 1) {
        throw fail(number, "the trailer is followed by more lines");
      }
      trailer = value as Partial<ArchiveTrailer>;
      break;
    }
    const item = value as ArchiveItem;
    const kind = item.kind;
    if (!ITEM_KINDS.includes(kind)) {
      throw fail(number, `unknown kind ${JSON.stringify(kind)}`);
    }
    const why = await problemOf(item, heights);
    if (why) throw fail(number, why);
    hash.add(lines[i]);
    counts[kind]++;
    if (item.kind === "record") {
      records.push({
        line: item.line,
        receivedAt: item.receivedAt,
        where: `line ${number}`,
      });
    } else items.push(item);
  }
  if (!trailer) {
    throw fail(
      lines.length,
      "the archive ends without its trailer (truncated)",
    );
  }
  const at = lines.length;
  if (trailer.sha256 !== hash.hex()) {
    throw fail(
      at,
      "the SHA-256 in the trailer does not match the lines before it (the archive was altered)",
    );
  }
  for (const kind of ITEM_KINDS) {
    if (trailer.counts?.[kind] !== counts[kind]) {
      throw fail(
        at,
        `the trailer counts ${
          trailer.counts?.[kind]
        } ${kind} items, the archive holds ${counts[kind]}`,
      );
    }
  }
  return { header: header as ArchiveHeader, records, items, counts };
}

/**
 * Restores the archive at `path` into `dataDir`, which must be missing or
 * empty. Nothing is written unless the whole archive checks out.
 *
 * @throws {ArchiveError} for a damaged archive; {@linkcode Error} `Cannot
 * restore into <dir>: it is not empty; ...`, or when a record or block is
 * refused on the way in (the folder is then incomplete: remove it).
 *
 * @example
 * ```ts
 * const counts = await restoreArchive("./data-new", "kith-backup.ndjson");
 * ```
 */
export async function restoreArchive(
  dataDir: string,
  path: string,
): Promise<ArchiveTrailer["counts"]> {
  await assertEmptyFolder(dataDir);
  const archive = await checkArchive(path);
  const kv = await createDataFolder(dataDir);
  try {
    const store = new RecordStore(kv);
    const { problems } = await replayRecords(store, archive.records);
    if (problems.length > 0) {
      throw new Error(
        `Cannot restore ${path}: ${problems.length} records were refused (remove ${dataDir} before trying again): ${
          problems.slice(0, 5).join("; ")
        }`,
      );
    }
    const ledgers = new LedgerStore(kv);
    for (const item of archive.items) {
      if (item.kind === "fork") {
        await store.storeForkProof(item.proof, forkProofId(item.proof));
      } else if (item.kind === "replication") {
        await kv.set(["replication", item.role, item.author], true);
      } else if (item.kind === "ledger") {
        await ledgers.saveGenesis(item.id, item.genesis);
        // Honoured by configuration then: honour it here, unless the
        // admin had chosen otherwise.
        await ledgers.setHonoured(item.id, item.honoured ?? true);
      } else {
        await ledgers.appendBlock(item.ledger, item.finalized);
      }
    }
    return archive.counts;
  } finally {
    kv.close();
  }
}

function parseLine(
  line: string,
  number: number,
  fail: (line: number, why: string) => ArchiveError,
): Record<string, unknown> {
  try {
    const value = JSON.parse(line);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return value;
    }
  } catch {
    // Refused below.
  }
  throw fail(number, "not a JSON object");
}

/** Why an item is unfit to restore, or undefined. */
async function problemOf(
  item: ArchiveItem,
  heights: Map<string, number>,
): Promise<string | undefined> {
  switch (item.kind) {
    case "record": {
      if (typeof item.line !== "string" || !Number.isFinite(item.receivedAt)) {
        return "a record needs line and receivedAt";
      }
      let decoded;
      try {
        decoded = decodeRecord(item.line, { now: Number.MAX_SAFE_INTEGER });
      } catch (error) {
        return `the record does not decode: ${(error as Error).message}`;
      }
      const ok = await verifyEd25519(
        decodeBase64Url(decoded.entry.author)!,
        decoded.signed,
        decodeBase64Url(decoded.entry.sig)!,
      );
      return ok ? undefined : "the record's signature does not verify";
    }
    case "fork":
      return await verifyForkProof(item.proof, { verify: verifyEd25519 })
        ? undefined
        : "the fork proof does not verify";
    case "replication":
      return typeof item.role === "string" && typeof item.author === "string"
        ? undefined
        : "a replication mark needs role and author";
    case "ledger":
      try {
        if (ledgerIdOf(item.genesis) !== item.id) {
          return `the genesis does not hash to ledger id ${item.id}`;
        }
      } catch (error) {
        return `the genesis is not valid: ${(error as Error).message}`;
      }
      heights.set(item.id, 0);
      return undefined;
    case "block": {
      const height = heights.get(item.ledger);
      if (height === undefined) {
        return `a block of ledger ${item.ledger} comes before its genesis`;
      }
      const finalized = item.finalized as FinalizedBlock;
      if (finalized?.block?.height !== height + 1) {
        return `block ${finalized?.block?.height} of ledger ${item.ledger} does not follow block ${height}`;
      }
      let checks;
      try {
        checks = finalizedChecks(finalized);
      } catch (error) {
        return `block ${height + 1} is not valid: ${(error as Error).message}`;
      }
      if (!await verifyAll(checks)) {
        return `block ${
          height + 1
        } of ledger ${item.ledger}: a signature does not verify`;
      }
      heights.set(item.ledger, height + 1);
      return undefined;
    }
  }
}
