/**
 * Why a record is refused. Every rule in docs/protocol.md has one code;
 * the HTTP API, the CLI and replication report these same codes.
 *
 * @module
 */

/** Machine-readable reasons a record is refused, by rule. */
export const ERROR_CODES = [
  // Framing and encoding
  "record_too_large",
  "entry_too_large",
  "content_too_large",
  "malformed_json",
  "non_canonical",
  "bad_record_shape",
  "bad_entry_shape",
  "unsupported_version",
  "bad_author",
  "bad_seq",
  "bad_prev",
  "bad_timestamp",
  "timestamp_in_future",
  "unknown_type",
  "bad_content_hash",
  "bad_signature_encoding",
  // Content
  "content_mismatch",
  "content_missing",
  "bad_content",
  "text_too_long",
  "too_many_tags",
  "too_many_mentions",
  "too_many_recipients",
  // Cryptography
  "invalid_signature",
  // Log (chain) rules
  "prev_mismatch",
  "fork",
  "stale_seq",
  "gap",
  "retract_not_own",
  // Local policy, not a protocol rule: this instance blocks the author.
  "blocked_author",
] as const;

/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** A record broke a protocol rule; `code` says which. */
export class ProtocolError extends Error {
  /** The rule that was broken. */
  readonly code: ErrorCode;

  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * throw new ProtocolError("bad_seq", "Cannot accept entry: seq 0 is below 1");
   * ```
   */
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
  }
}
