/**
 * Which KV key families are derived from log entries, for `kith reindex`.
 *
 * @module
 */

/**
 * First key parts of every family derived from stored log entries: what
 * `indexesOf` and a retract write, and the usage counters a commit
 * adjusts. `kith reindex` deletes these and derives them again by
 * replaying the logs through ingest. Logs, locations, heads, fork
 * proofs, read markers and everything outside the record store are not
 * derived and are not listed. tests/reindex_test.ts checks that ingest
 * writes no family missing here.
 *
 * @example
 * ```ts
 * for (const family of DERIVED_FAMILIES) kv.list({ prefix: [family] });
 * ```
 */
export const DERIVED_FAMILIES: readonly string[] = [
  "timeline",
  "replies",
  "tag",
  "mention",
  "follows",
  "followers",
  "profile",
  "reaction",
  "stats",
  "reacted",
  "emoji",
  "repost",
  "notify",
  "retracted",
  "dm",
  "dm-inbox",
  "usage",
];
