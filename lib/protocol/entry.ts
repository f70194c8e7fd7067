/**
 * Entries: the signed, chained half of a record. The signature covers the
 * canonical bytes of the entry without `sig`; the entry id is the SHA-256
 * of the canonical bytes of the whole signed entry.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
import { canonicalBytes } from "./canonical_json.ts";
import { ENTRY_TYPES, type EntryType } from "./content.ts";
import { ProtocolError } from "./errors.ts";
import { LIMITS } from "./limits.ts";

/** The protocol version this code speaks. */
export const PROTOCOL_VERSION = 1;

/** A signed entry. */
export interface Entry {
  v: 1;
  /** Author key: ed25519 public key, base64url (43 characters). */
  author: string;
  /** Position in the author's log, from 1. */
  seq: number;
  /** Id of the entry at `seq - 1`, null at seq 1. */
  prev: string | null;
  /** Milliseconds since the epoch, as the author claims. */
  ts: number;
  type: EntryType;
  /** SHA-256 of the canonical content, base64url. */
  contentHash: string;
  /** Ed25519 signature over the canonical entry without `sig`, base64url (86 characters). */
  sig: string;
}

/** An entry before signing. */
export type UnsignedEntry = Omit<Entry, "sig">;

const FIELDS = [
  "author",
  "contentHash",
  "prev",
  "seq",
  "sig",
  "ts",
  "type",
  "v",
];

function bad(code: ProtocolError["code"], message: string): never {
  throw new ProtocolError(code, `Cannot accept entry: ${message}`);
}

/**
 * Checks every field of an entry: exactly the known fields, version, key
 * and hash encodings, seq/prev consistency, timestamp range (at most
 * {@linkcode LIMITS.clockSkewMs} after `now`) and type. Does not check the
 * signature.
 *
 * @throws {ProtocolError} With the code of the broken rule, e.g.
 * `Cannot accept entry: seq 1 must have prev null`.
 *
 * @example
 * ```ts
 * assertValidEntryShape(JSON.parse(text), { now: Date.now() });
 * ```
 */
export function assertValidEntryShape(
  value: unknown,
  options: { now: number },
): asserts value is Entry {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    bad("bad_entry_shape", "it is not an object");
  }
  const entry = value as Record<string, unknown>;
  const keys = Object.keys(entry).sort();
  const missing = FIELDS.filter((field) => !(field in entry));
  if (missing.length > 0) {
    bad("bad_entry_shape", `field ${missing.join(", ")} missing`);
  }
  if (keys.length !== FIELDS.length) {
    bad(
      "bad_entry_shape",
      `unknown field ${keys.filter((key) => !FIELDS.includes(key)).join(", ")}`,
    );
  }
  if (entry.v !== PROTOCOL_VERSION) {
    bad(
      "unsupported_version",
      `version ${JSON.stringify(entry.v)} is not ${PROTOCOL_VERSION}`,
    );
  }
  if (
    typeof entry.author !== "string" ||
    !decodeBase64Url(entry.author, { expectedBytes: 32 })
  ) {
    bad(
      "bad_author",
      "author must be a 32-byte key in base64url (43 characters)",
    );
  }
  if (!Number.isSafeInteger(entry.seq) || (entry.seq as number) < 1) {
    bad(
      "bad_seq",
      `seq ${JSON.stringify(entry.seq)} must be an integer from 1`,
    );
  }
  if (entry.seq === 1 ? entry.prev !== null : !isHash(entry.prev)) {
    bad(
      "bad_prev",
      entry.seq === 1
        ? "seq 1 must have prev null"
        : "prev must be the id of the previous entry",
    );
  }
  if (!Number.isSafeInteger(entry.ts) || (entry.ts as number) < 0) {
    bad(
      "bad_timestamp",
      `ts ${
        JSON.stringify(entry.ts)
      } must be an integer of milliseconds since 1970`,
    );
  }
  if ((entry.ts as number) > options.now + LIMITS.clockSkewMs) {
    bad(
      "timestamp_in_future",
      `ts ${entry.ts} is more than 10 minutes ahead of this instance's clock (${options.now})`,
    );
  }
  if (!ENTRY_TYPES.includes(entry.type as EntryType)) {
    bad("unknown_type", `type ${JSON.stringify(entry.type)} is unknown`);
  }
  if (!isHash(entry.contentHash)) {
    bad(
      "bad_content_hash",
      "contentHash must be a SHA-256 in base64url (43 characters)",
    );
  }
  if (
    typeof entry.sig !== "string" ||
    !decodeBase64Url(entry.sig, { expectedBytes: 64 })
  ) {
    bad(
      "bad_signature_encoding",
      "sig must be 64 bytes in base64url (86 characters)",
    );
  }
}

function isHash(value: unknown): boolean {
  return typeof value === "string" &&
    decodeBase64Url(value, { expectedBytes: 32 }) !== undefined;
}

/**
 * The bytes an author signs: the canonical entry without `sig`.
 *
 * @example
 * ```ts
 * const signature = sign(secretKey, signingBytes(unsigned));
 * ```
 */
export function signingBytes(entry: UnsignedEntry | Entry): Uint8Array {
  const { sig: _sig, ...unsigned } = entry as Entry;
  return canonicalBytes(unsigned);
}

/**
 * The entry id: SHA-256 of the canonical signed entry, base64url.
 *
 * @example
 * ```ts
 * const id = entryId(entry); // 43 characters
 * ```
 */
export function entryId(entry: Entry): string {
  return encodeBase64Url(sha256(canonicalBytes(entry)));
}

/**
 * The hash that binds content to its entry: SHA-256 of canonical content.
 *
 * @example
 * ```ts
 * const unsigned = { ...fields, contentHash: contentHashOf({ text: "Hi" }) };
 * ```
 */
export function contentHashOf(content: unknown): string {
  return encodeBase64Url(sha256(canonicalBytes(content)));
}
