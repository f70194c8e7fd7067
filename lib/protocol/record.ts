/**
 * Records: an entry with its content (or `null` where the content was
 * dropped), exchanged as one line of canonical JSON,
 * `{"content":…,"entry":{…}}`. A record is accepted only in canonical form,
 * so every instance hashes and verifies exactly the bytes it received.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
import { canonicalize, parseCanonical } from "./canonical_json.ts";
import { assertValidContent, type Content, type EntryType } from "./content.ts";
import {
  assertValidEntryShape,
  contentHashOf,
  type Entry,
  entryId,
  PROTOCOL_VERSION,
  signingBytes,
  type UnsignedEntry,
} from "./entry.ts";
import { ProtocolError } from "./errors.ts";
import { LIMITS } from "./limits.ts";

/** A record that passed every check that needs no signature. */
export interface DecodedRecord {
  entry: Entry;
  /** The content, or null when the record carries none. */
  content: Content | null;
  /** The entry id. */
  id: string;
  /** The exact bytes the signature covers. */
  signed: Uint8Array;
  /** The canonical line the record arrived as. */
  line: string;
}

/** Checks a signature: the server passes WebCrypto, the browser @noble. */
export type VerifySignature = (
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
) => boolean | Promise<boolean>;

const encoder = new TextEncoder();

/**
 * Decodes one record line and runs every check except the signature:
 * sizes, canonical form, record and entry shape, content hash and content
 * schema.
 *
 * @throws {ProtocolError} With the code of the first broken rule, e.g.
 * `record_too_large`, `non_canonical`, `content_mismatch`.
 *
 * @example
 * ```ts
 * const { entry, content, id } = decodeRecord(line, { now: Date.now() });
 * ```
 */
export function decodeRecord(
  line: string,
  options: { now: number },
): DecodedRecord {
  // A UTF-8 byte count is at least the UTF-16 length; check the cheap bound first.
  if (
    line.length > LIMITS.recordBytes ||
    encoder.encode(line).length > LIMITS.recordBytes
  ) {
    throw new ProtocolError(
      "record_too_large",
      `Cannot accept record: it is larger than ${LIMITS.recordBytes} bytes`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new ProtocolError(
      "malformed_json",
      `Cannot accept record: ${(error as Error).message}`,
    );
  }
  let canonical: string;
  try {
    canonical = canonicalize(parsed);
  } catch (error) {
    throw new ProtocolError(
      "non_canonical",
      `Cannot accept record: ${(error as Error).message}`,
    );
  }
  if (canonical !== line) {
    // Only the refusal path pays for the slow parse, which also tells a V8
    // misread escaped key (see _internal.ts) from text that is not canonical.
    try {
      parsed = parseCanonical(line);
    } catch (error) {
      const detail = (error as Error).message;
      throw new ProtocolError(
        "non_canonical",
        `Cannot accept record: ${detail}`,
      );
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ProtocolError(
      "bad_record_shape",
      "Cannot accept record: it must be an object with entry and content",
    );
  }
  const keys = Object.keys(parsed).sort().join(",");
  if (keys !== "content,entry") {
    throw new ProtocolError(
      "bad_record_shape",
      `Cannot accept record: it must have exactly content and entry, found ${
        keys || "nothing"
      }`,
    );
  }
  const { entry, content } = parsed as { entry: unknown; content: unknown };
  assertValidEntryShape(entry, options);
  // The line is canonical and its keys are sorted, so it reads
  // {"content":C,"entry":E} with C and E canonical themselves. The entry's
  // values are all scalars, so its opening is the last ',"entry":{'.
  const split = line.lastIndexOf(',"entry":{');
  const entryBytes = encoder.encode(line.slice(split + 9, -1));
  if (entryBytes.length > LIMITS.entryBytes) {
    throw new ProtocolError(
      "entry_too_large",
      `Cannot accept entry: it has ${entryBytes.length} bytes, at most ${LIMITS.entryBytes} allowed`,
    );
  }
  if (content !== null) {
    const contentBytes = encoder.encode(line.slice(11, split));
    if (contentBytes.length > LIMITS.contentBytes) {
      throw new ProtocolError(
        "content_too_large",
        `Cannot accept content: it has ${contentBytes.length} bytes, at most ${LIMITS.contentBytes} allowed`,
      );
    }
    if (encodeBase64Url(sha256(contentBytes)) !== entry.contentHash) {
      throw new ProtocolError(
        "content_mismatch",
        "Cannot accept content: its SHA-256 does not match the entry's contentHash",
      );
    }
    assertValidContent(entry.type, content);
  }
  return {
    entry,
    content: content as Content | null,
    id: encodeBase64Url(sha256(entryBytes)),
    // The signed bytes are the canonical entry without "sig", the one
    // base64url-valued field between "seq" and "ts".
    signed: encoder.encode(
      line.slice(split + 9, -1).replace(/,"sig":"[A-Za-z0-9_-]{86}"/, ""),
    ),
    line,
  };
}

/**
 * The entry id of a canonical record line, without decoding it: the SHA-256
 * of the entry's canonical bytes, which end the line.
 *
 * @example
 * ```ts
 * entryIdOfLine(line) === decodeRecord(line, { now }).id; // true for valid lines
 * ```
 */
export function entryIdOfLine(line: string): string {
  return encodeBase64Url(
    sha256(encoder.encode(line.slice(line.lastIndexOf(',"entry":{') + 9, -1))),
  );
}

/**
 * Decodes a record and verifies its signature with `options.verify`.
 *
 * @throws {ProtocolError} As {@linkcode decodeRecord}, or
 * `invalid_signature`: `Cannot accept entry: the signature does not verify for its author`.
 *
 * @example
 * ```ts
 * const record = await verifyRecord(line, { now: Date.now(), verify: verifyEd25519 });
 * ```
 */
export async function verifyRecord(
  line: string,
  options: { now: number; verify: VerifySignature },
): Promise<DecodedRecord> {
  const record = decodeRecord(line, options);
  const ok = await options.verify(
    decodeBase64Url(record.entry.author)!,
    record.signed,
    decodeBase64Url(record.entry.sig)!,
  );
  if (!ok) {
    throw new ProtocolError(
      "invalid_signature",
      "Cannot accept entry: the signature does not verify for its author",
    );
  }
  return record;
}

/**
 * The canonical line of a record.
 *
 * @example
 * ```ts
 * await fetch("/api/records", { method: "POST", body: encodeRecord(entry, content) });
 * ```
 */
export function encodeRecord(entry: Entry, content: Content | null): string {
  return canonicalize({ content, entry });
}

/** What an author decides when writing an entry. */
export interface NewEntry<T extends EntryType = EntryType> {
  /** Author key (base64url). */
  author: string;
  seq: number;
  prev: string | null;
  ts: number;
  type: T;
  content: Content;
}

/**
 * Builds and signs a record with `options.sign`, returning its entry, id
 * and canonical line. Checks the content schema first.
 *
 * @throws {ProtocolError} When the content breaks its type's schema.
 *
 * @example
 * ```ts
 * const { line, id } = createRecord(
 *   { author, seq: 1, prev: null, ts: Date.now(), type: "post", content: { text: "Hello" } },
 *   { sign: (bytes) => sign(secretKey, bytes) },
 * );
 * ```
 */
export function createRecord(
  input: NewEntry,
  options: { sign: (message: Uint8Array) => Uint8Array },
): { entry: Entry; id: string; line: string } {
  assertValidContent(input.type, input.content);
  const unsigned: UnsignedEntry = {
    v: PROTOCOL_VERSION,
    author: input.author,
    seq: input.seq,
    prev: input.prev,
    ts: input.ts,
    type: input.type,
    contentHash: contentHashOf(input.content),
  };
  const entry: Entry = {
    ...unsigned,
    sig: encodeBase64Url(options.sign(signingBytes(unsigned))),
  };
  return {
    entry,
    id: entryId(entry),
    line: encodeRecord(entry, input.content),
  };
}
