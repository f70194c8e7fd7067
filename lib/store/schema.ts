/**
 * Deno KV keys of the record store, in one place. docs/architecture.md
 * describes each; every index is derived from verified entries and written
 * in the same atomic commit as the entry itself.
 *
 * @module
 */

/** Key builders of the store. */
export const KEYS = {
  /** id -> {author, seq, receivedAt}: where the entry sits, since when. */
  entry: (id: string) => ["entry", id],
  /** (author, seq) -> UTF-8 bytes of the canonical record line of the first-seen entry. */
  log: (author: string, seq: number) => ["log", author, seq],
  logPrefix: (author: string) => ["log", author],
  /** author -> AuthorHead. */
  head: (author: string) => ["head", author],
  /** Posts and reposts by time. */
  timeline: (time: number, id: string) => ["timeline", time, id],
  replies: (
    root: string,
    time: number,
    id: string,
  ) => ["replies", root, time, id],
  tag: (tag: string, time: number, id: string) => ["tag", tag, time, id],
  mention: (
    author: string,
    time: number,
    id: string,
  ) => ["mention", author, time, id],
  /** follower -> target -> seq of the follow entry. */
  follows: (follower: string, target: string) => ["follows", follower, target],
  followers: (
    target: string,
    follower: string,
  ) => ["followers", target, follower],
  /** Latest profile of an author. */
  profile: (author: string) => ["profile", author],
  reaction: (target: string, id: string) => ["reaction", target, id],
  /**
   * One counter (Deno.KvU64) per entry packing what readers did with it:
   * likes in bits 0-20, reposts in 21-41, emoji reactions in 42-62 (see
   * STATS in lib/store/indexes.ts).
   */
  stats: (target: string) => ["stats", target],
  /** (target, author, reaction) -> id of the reaction counted for it. */
  reactedBy: (target: string, author: string, reaction: string) => [
    "reacted",
    target,
    author,
    reaction,
  ],
  /** Counter (Deno.KvU64) of one emoji reaction to an entry. */
  emojiCount: (target: string, emoji: string) => ["emoji", target, emoji],
  repost: (target: string, id: string) => ["repost", target, id],
  /**
   * An author's notifications by time: `[author, seq]` of the entry that
   * notifies them (a mention, reaction, repost or follow by someone else),
   * `[author, seq, "reply"]` for a reply to one of their posts. `time` is
   * the notifying entry's index time, min(ts, receipt).
   */
  notification: (
    author: string,
    time: number,
    id: string,
  ) => ["notify", author, time, id],
  notificationPrefix: (author: string) => ["notify", author],
  /**
   * author -> time of the newest notification they have seen (a display
   * marker, set without authentication: notifications are public data).
   */
  notificationsRead: (author: string) => ["notify-read", author],
  /** Retracted entry id -> id of the retract entry (also before the target arrives). */
  retracted: (id: string) => ["retracted", id],
  /**
   * A conversation's messages by time: `[author, seq]` of each `dm` entry.
   * `conversation` is the entry's `conv` (a group) or the direct key of its
   * participants (lib/messages `conversationKeyOf`).
   */
  conversation: (
    conversation: string,
    time: number,
    id: string,
  ) => ["dm", conversation, time, id],
  conversationPrefix: (conversation: string) => ["dm", conversation],
  /**
   * Every `dm` entry a participant (sender or recipient) takes part in, by
   * time: `[author, seq, conversation]`.
   */
  inbox: (
    participant: string,
    time: number,
    id: string,
  ) => ["dm-inbox", participant, time, id],
  inboxPrefix: (participant: string) => ["dm-inbox", participant],
  /** author -> proof id -> ForkProof. */
  fork: (author: string, proofId: string) => ["fork", author, proofId],
  forkPrefix: (author: string) => ["fork", author],
  /**
   * Counter (Deno.KvU64) of log entries of one entry type, adjusted in the
   * commit that writes them (lib/store/usage.ts). Since schema 2.
   */
  usageEntries: (type: string) => ["usage", "entries", type],
  /** Counter (Deno.KvU64) of the bytes of those entries' log slots. Since schema 2. */
  usageBytes: (type: string) => ["usage", "bytes", type],
  /**
   * A local block (lib/store/blocks.ts): ("author", key) or ("peer",
   * origin) -> {at, note}. Nothing is deleted by a block: views and ingest
   * consult the list, so removing the key undoes it.
   */
  block: (kind: "author" | "peer", subject: string) => ["block", kind, subject],
  blockPrefix: () => ["block"],
  /** The schema version of the data (a number; absent before schema 2). */
  schemaVersion: () => ["meta", "schemaVersion"],
  /** Progress of the migration to version `to`, while it runs (lib/store/migrations.ts). */
  migrationProgress: (to: number) => ["meta", "migration", to],
} as const;
