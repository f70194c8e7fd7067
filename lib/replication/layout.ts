/**
 * How Kith lays records out in the GUN graph, and the checks a received
 * node must pass. Pure: no Deno APIs, no clock (callers pass `now`).
 *
 * - `kith/log/<author>/<block>`: one node per author and block of 1,000
 *   seqs (block 0 holds seq 1-1000). Each key is a segment: the base64url
 *   sha256 of its value, which is up to 100 record lines of that block, in
 *   seq order, joined by "\n".
 * - `kith/head/<author>`: keys are the same kind of hash; each value is one
 *   record line, the author's head when it was announced.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url, LIMITS } from "../protocol/mod.ts";

/** Seqs per log node. */
export const BLOCK_SIZE = 1_000;
/** Records per segment at most. */
export const SEGMENT_RECORDS = 100;
/** Bytes per segment at most (a single record always fits: 62,000). */
export const SEGMENT_BYTES = 256 * 1024;
/** How far ahead of the receiver's clock a GUN state may be. */
export const MAX_STATE_AHEAD_MS = 60_000;
/** Every Kith soul starts with this. */
export const SOUL_PREFIX = "kith/";

const AUTHOR = /^[A-Za-z0-9_-]{43}$/;
const BLOCK = /^(0|[1-9][0-9]{0,8})$/;
const encoder = new TextEncoder();

/** A parsed Kith soul. */
export type KithSoul =
  | { kind: "log"; author: string; block: number }
  | { kind: "head"; author: string };

/** Soul of `author`'s log node holding `block`. */
export function logSoul(author: string, block: number): string {
  return `kith/log/${author}/${block}`;
}

/** Soul of `author`'s head announcements. */
export function headSoul(author: string): string {
  return `kith/head/${author}`;
}

/** The block that holds `seq`. */
export function blockOf(seq: number): number {
  return Math.floor((seq - 1) / BLOCK_SIZE);
}

/**
 * Reads a Kith soul, or says why it is not one.
 *
 * @example
 * ```ts
 * parseSoul(logSoul(author, 2)); // { kind: "log", author, block: 2 }
 * parseSoul("kith/other"); // "unknown Kith soul"
 * ```
 */
export function parseSoul(soul: string): KithSoul | string {
  const parts = soul.split("/");
  if (parts[0] !== "kith") return "not a Kith soul";
  if (parts[1] === "log" && parts.length === 4) {
    if (!AUTHOR.test(parts[2])) return "log soul with a malformed author";
    if (!BLOCK.test(parts[3])) return "log soul with a malformed block";
    return { kind: "log", author: parts[2], block: Number(parts[3]) };
  }
  if (parts[1] === "head" && parts.length === 3) {
    if (!AUTHOR.test(parts[2])) return "head soul with a malformed author";
    return { kind: "head", author: parts[2] };
  }
  return "unknown Kith soul";
}

/** The key under which `value` is stored: base64url sha256 of its UTF-8. */
export function segmentKey(value: string): string {
  return encodeBase64Url(sha256(encoder.encode(value)));
}

/**
 * Cuts consecutive record lines into segment values of at most
 * {@linkcode SEGMENT_RECORDS} records and {@linkcode SEGMENT_BYTES} bytes.
 *
 * @example
 * ```ts
 * for (const value of packSegments(lines)) node[segmentKey(value)] = value;
 * ```
 */
export function packSegments(lines: string[]): string[] {
  const values: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = encoder.encode(line).length + 1;
    if (
      current.length > 0 &&
      (current.length >= SEGMENT_RECORDS || bytes + size > SEGMENT_BYTES)
    ) {
      values.push(current.join("\n"));
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) values.push(current.join("\n"));
  return values;
}

/**
 * Author and seq of a canonical record line, read from its small entry
 * object only; null when the line does not look like a record. A hint for
 * routing and completeness checks: the ingest pipeline verifies the rest.
 *
 * @example
 * ```ts
 * peekEntry(line); // { author: "ktDz…", seq: 7 }
 * ```
 */
export function peekEntry(
  line: string,
): { author: string; seq: number } | null {
  const split = line.lastIndexOf(',"entry":{');
  if (split < 0 || !line.endsWith("}}")) return null;
  let entry: { author?: unknown; seq?: unknown };
  try {
    entry = JSON.parse(line.slice(split + 9, -1));
  } catch {
    return null;
  }
  const { author, seq } = entry;
  if (typeof author !== "string" || typeof seq !== "number") return null;
  if (!Number.isSafeInteger(seq) || seq < 1) return null;
  return { author, seq };
}

/** Why a key of a received Kith node is dropped, or null when it passes. */
export type KeyProblem =
  | "bad_state"
  | "future_state"
  | "not_a_string"
  | "too_large"
  | "key_not_hash"
  | "too_many_records";

/**
 * The checks a received key passes before its records are even decoded:
 * a numeric state at most a minute ahead, a string value within size, and a
 * key that is the hash of the value.
 *
 * @example
 * ```ts
 * checkKey({ kind: "head", author }, key, value, state, { now: Date.now() });
 * ```
 */
export function checkKey(
  soul: KithSoul,
  entry: { key: string; value: unknown; state: unknown },
  options: { now: number },
): KeyProblem | null {
  const { key, value, state } = entry;
  if (typeof state !== "number" || !Number.isFinite(state)) return "bad_state";
  if (state > options.now + MAX_STATE_AHEAD_MS) return "future_state";
  if (typeof value !== "string") return "not_a_string";
  const limit = soul.kind === "log" ? SEGMENT_BYTES : LIMITS.recordBytes;
  // UTF-8 is at most 3 bytes per UTF-16 unit: a cheap bound before encoding.
  if (value.length > limit || encoder.encode(value).length > limit) {
    return "too_large";
  }
  if (segmentKey(value) !== key) return "key_not_hash";
  const records = value.split("\n").length;
  if (records > (soul.kind === "log" ? SEGMENT_RECORDS : 1)) {
    return "too_many_records";
  }
  return null;
}
