/**
 * Size and count limits of the protocol. Every instance enforces the same
 * numbers, so a record valid on one is valid on all.
 *
 * @module
 */

/** The protocol's limits (bytes are UTF-8 bytes of canonical JSON). */
export const LIMITS = {
  /** A whole record line: canonical `{"content":…,"entry":…}`. */
  recordBytes: 62_000,
  /** A canonical entry, signature included. */
  entryBytes: 1_024,
  /** Canonical content; below Deno KV's 64 KiB value limit with room to spare. */
  contentBytes: 60_000,
  /** Characters (code points) of a post's text. */
  textChars: 5_000,
  /** Characters of a content warning. */
  contentWarningChars: 500,
  tags: 20,
  tagChars: 64,
  mentions: 50,
  /** Recipients of one direct message. */
  recipients: 16,
  profileNameChars: 64,
  profileBioChars: 1_000,
  avatarUrlChars: 2_048,
  avatarDataChars: 48_000,
  reactionChars: 16,
  /** How far ahead of the receiver's clock a timestamp may be. */
  clockSkewMs: 10 * 60 * 1000,
} as const;
