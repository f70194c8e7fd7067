/**
 * The indexes an entry's content implies. Pure: the same entry always
 * gives the same keys, so a retraction can delete exactly what its target
 * wrote.
 *
 * @module
 */
import type { Content, Entry, PostContent } from "../protocol/mod.ts";
import { conversationKeyOf, participantsOf } from "../messages/conversation.ts";
import { KEYS } from "./schema.ts";

const NOBODY: ReadonlySet<string> = new Set();

/** A KV write (`value` set) or delete (`value` undefined). */
export type Mutation = {
  key: Deno.KvKey;
  value?: unknown;
  /** Adds to a KV counter (Deno.KvU64, modulo 2^64) instead of setting. */
  sum?: bigint;
};

/**
 * What one like, repost or emoji reaction adds to an entry's packed stats
 * counter: three 21-bit fields, so each counts up to 2,097,151.
 */
export const STATS = {
  like: 1n,
  repost: 1n << 21n,
  reaction: 1n << 42n,
  /** Reads the three fields of a packed counter. */
  unpack(value: bigint): { likes: number; reposts: number; reactions: number } {
    const field = (shift: bigint) => Number((value >> shift) & 0x1fffffn);
    return { likes: field(0n), reposts: field(21n), reactions: field(42n) };
  },
} as const;

/**
 * Index keys of one entry. Index values are `[author, seq]`, where the
 * entry's log slot is.
 *
 * Notifications go to every author a post mentions, the author of the
 * entry a reaction or repost targets and the target of a follow, never to
 * the entry's own author. Replies, reactions and reposts name their target
 * by id; the `targetAuthor` a reaction claims is not trusted, so the ingest
 * pipeline looks up the stored target's author and passes it as `replyTo`
 * (the same value again on retraction, so the same keys are deleted); an
 * author both replied to and mentioned gets one notification, the reply.
 *
 * @example
 * ```ts
 * for (const { key, value } of indexesOf(entry, content, id, receivedAt)) atomic.set(key, value);
 * ```
 */
export function indexesOf(
  entry: Entry,
  content: Content,
  id: string,
  receivedAt: number,
  replyTo: readonly string[] = [],
  options: { counted?: boolean } = {},
): Mutation[] {
  // Authors claim their own ts; ordering by the earlier of claim and receipt
  // stops a future-dated entry from pinning itself to the top of timelines.
  const time = Math.min(entry.ts, receivedAt);
  const at = [entry.author, entry.seq];
  const author = entry.author;
  const list: Mutation[] = [];
  switch (entry.type) {
    case "post": {
      const post = content as PostContent;
      list.push({ key: KEYS.timeline(time, id), value: at });
      if (post.root) {
        list.push({ key: KEYS.replies(post.root, time, id), value: at });
      }
      for (const tag of post.tags ?? []) {
        list.push({ key: KEYS.tag(tag, time, id), value: at });
      }
      for (const mentioned of post.mentions ?? []) {
        list.push({ key: KEYS.mention(mentioned, time, id), value: at });
      }
      const replied = replyTo.length === 0
        ? NOBODY
        : new Set(replyTo.filter((key) => key !== author));
      for (const parentAuthor of replied) {
        list.push({
          key: KEYS.notification(parentAuthor, time, id),
          value: [...at, "reply"],
        });
      }
      for (const mentioned of post.mentions ?? []) {
        if (mentioned === author || replied.has(mentioned)) continue;
        list.push({ key: KEYS.notification(mentioned, time, id), value: at });
      }
      break;
    }
    case "repost": {
      const { target } = content as { target: string };
      list.push({ key: KEYS.timeline(time, id), value: at }, {
        key: KEYS.repost(target, id),
        value: at,
      }, { key: KEYS.stats(target), sum: STATS.repost });
      for (const owner of replyTo) {
        if (owner === author) continue;
        list.push({ key: KEYS.notification(owner, time, id), value: at });
      }
      break;
    }
    case "react": {
      const { target, reaction } = content as {
        target: string;
        reaction: string;
      };
      list.push({
        key: KEYS.reaction(target, id),
        value: { author, reaction },
      });
      // Counters let a timeline show counts with one read per post; an
      // author's repeated reaction is kept but not counted again.
      if (options.counted === false) break;
      list.push({
        key: KEYS.reactedBy(target, author, reaction),
        value: id,
      });
      if (reaction === "like") {
        list.push({ key: KEYS.stats(target), sum: STATS.like });
      } else {
        list.push(
          { key: KEYS.stats(target), sum: STATS.reaction },
          { key: KEYS.emojiCount(target, reaction), sum: 1n },
        );
      }
      for (const owner of replyTo) {
        if (owner === author) continue;
        list.push({ key: KEYS.notification(owner, time, id), value: at });
      }
      break;
    }
    case "follow": {
      const target = (content as { target: string }).target;
      list.push({ key: KEYS.follows(author, target), value: entry.seq }, {
        key: KEYS.followers(target, author),
        value: entry.seq,
      });
      if (target !== author) {
        list.push({ key: KEYS.notification(target, time, id), value: at });
      }
      break;
    }
    case "unfollow": {
      const target = (content as { target: string }).target;
      list.push({ key: KEYS.follows(author, target), value: undefined }, {
        key: KEYS.followers(target, author),
        value: undefined,
      });
      break;
    }
    case "dm": {
      // Who talks to whom is public (the entry says so); what they say is
      // not, so these indexes hold locations only.
      const message = content as { to: string[]; conv?: string };
      const conversation = conversationKeyOf(author, message);
      list.push({ key: KEYS.conversation(conversation, time, id), value: at });
      for (const participant of participantsOf(author, message.to)) {
        list.push({
          key: KEYS.inbox(participant, time, id),
          value: [...at, conversation],
        });
      }
      break;
    }
    case "profile":
      list.push({
        key: KEYS.profile(author),
        value: { seq: entry.seq, id, profile: content },
      });
      break;
  }
  return list;
}
