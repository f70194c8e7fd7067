/**
 * Kith's protocol, pure: canonical encoding, entries, content schemas,
 * records, ids and validation. No Deno APIs, no clock: the caller passes
 * `now` and a signature verifier. Specified in docs/protocol.md.
 *
 * @example
 * ```ts
 * import { verifyRecord } from "./lib/protocol/mod.ts";
 * const record = await verifyRecord(line, { now: Date.now(), verify });
 * ```
 *
 * @module
 */
export { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
export {
  canonicalBytes,
  canonicalize,
  CanonicalJsonError,
  isCanonical,
  parseCanonical,
} from "./canonical_json.ts";
export {
  assertValidContent,
  type Content,
  type ContentByType,
  ENTRY_TYPES,
  type EntryType,
  isValidContent,
  type PostContent,
} from "./content.ts";
export {
  assertValidEntryShape,
  contentHashOf,
  type Entry,
  entryId,
  PROTOCOL_VERSION,
  signingBytes,
  type UnsignedEntry,
} from "./entry.ts";
export { ERROR_CODES, type ErrorCode, ProtocolError } from "./errors.ts";
export { LIMITS } from "./limits.ts";
export {
  createRecord,
  type DecodedRecord,
  decodeRecord,
  encodeRecord,
  entryIdOfLine,
  type NewEntry,
  verifyRecord,
  type VerifySignature,
} from "./record.ts";
