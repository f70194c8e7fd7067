/**
 * The backup archive: NDJSON, one header line, one line per item, one
 * trailer line with the counts of each kind and a SHA-256 over every line
 * before it (each with its "\n"), so that truncation and tampering are
 * found before anything is restored. docs/operations.md shows a sample.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { ForkProof } from "../log/mod.ts";
import type { FinalizedBlock, Genesis } from "../ledger/mod.ts";

/** The format version this code writes and reads. */
export const ARCHIVE_VERSION = 1;

/** First line of an archive. */
export interface ArchiveHeader {
  kith: "backup";
  version: number;
  createdAt: number;
}

/** One item line of an archive, by `kind`. */
export type ArchiveItem =
  /** A stored canonical record line and when this instance accepted it. */
  | { kind: "record"; line: string; receivedAt: number }
  | { kind: "fork"; proof: ForkProof }
  /** Why the instance replicates an author (local, correspondent, ...). */
  | { kind: "replication"; role: string; author: string }
  /** A ledger's genesis and the admin's honour choice (null: none stored). */
  | { kind: "ledger"; id: string; genesis: Genesis; honoured: boolean | null }
  | { kind: "block"; ledger: string; finalized: FinalizedBlock };

/** Kinds of item, in the order an archive holds them. */
export const ITEM_KINDS = [
  "record",
  "fork",
  "replication",
  "ledger",
  "block",
] as const;

/** Items of each kind. */
export type ArchiveCounts = Record<ArchiveItem["kind"], number>;

/** Last line of an archive. */
export interface ArchiveTrailer {
  kith: "backup-end";
  counts: ArchiveCounts;
  /** Hex SHA-256 of every earlier line, each followed by "\n". */
  sha256: string;
}

/** An archive that is damaged, truncated or not an archive. */
export class ArchiveError extends Error {
  /** `message` names the file and, where it applies, the line. */
  constructor(message: string) {
    super(message);
    this.name = "ArchiveError";
  }
}

/** Counts with every kind at zero. */
export function emptyCounts(): ArchiveCounts {
  return { record: 0, fork: 0, replication: 0, ledger: 0, block: 0 };
}

const encoder = new TextEncoder();

/**
 * A running SHA-256 over archive lines.
 *
 * @example
 * ```ts
 * const hash = new LineHash();
 * hash.add(JSON.stringify(header));
 * console.log(hash.hex());
 * ```
 */
export class LineHash {
  readonly #hash = sha256.create();

  /** Adds one line (its "\n" is added here). */
  add(line: string): void {
    this.#hash.update(encoder.encode(line + "\n"));
  }

  /** The hex digest so far (the hash can take no more lines). */
  hex(): string {
    return bytesToHex(this.#hash.digest());
  }
}
