/**
 * The record store on Deno KV: entries, content, author logs and heads,
 * indexes and fork proofs. Writes come only from lib/ingest, as batches of
 * appends committed atomically together with every index they touch.
 *
 * @module
 */
import type { ForkProof } from "../log/mod.ts";
import type {
  Content,
  DecodedRecord,
  Entry,
  PostContent,
} from "../protocol/mod.ts";
import { KEYS } from "./schema.ts";

/** The end of an author's log. */
export interface AuthorHead {
  seq: number;
  id: string;
  /** Entries stored (equals seq: logs are gap-free). */
  count: number;
  /** Whether a fork proof against this author is stored. */
  forked: boolean;
}

/** An entry as stored. */
export interface StoredEntry {
  entry: Entry;
  /** When this instance accepted it (ms). */
  receivedAt: number;
}

/** One append, prepared by the ingest pipeline. */
export interface Append {
  record: DecodedRecord;
  receivedAt: number;
  /** The head before this append, as read (null for a new author). */
  previousHead: AuthorHead | null;
  /** For a retract: the target, when it is stored and by the same author. */
  retractTarget?: { entry: Entry; content: Content | null };
  /** Whether an earlier retract already names this entry: store no content. */
  retractedBefore: boolean;
}

type Mutation = { key: Deno.KvKey; value?: unknown };

// Deno KV's limits per atomic operation, with room to spare.
const MAX_MUTATIONS = 900;
const MAX_BYTES = 700_000;

/** Reads and writes records in Deno KV. */
export class RecordStore {
  readonly kv: Deno.Kv;

  /** Wraps an open KV. */
  constructor(kv: Deno.Kv) {
    this.kv = kv;
  }

  /** The head of `author`'s log with its versionstamp, for optimistic checks. */
  async head(
    author: string,
  ): Promise<{ head: AuthorHead | null; versionstamp: string | null }> {
    const found = await this.kv.get<AuthorHead>(KEYS.head(author));
    return { head: found.value, versionstamp: found.versionstamp };
  }

  /** The stored entry with this id, its content (null if dropped) and whether it was retracted. */
  async get(
    id: string,
  ): Promise<
    { stored: StoredEntry; content: Content | null; retracted: boolean } | null
  > {
    const [stored, content, retracted] = await this.kv.getMany<
      [StoredEntry, Content, string]
    >([
      KEYS.entry(id),
      KEYS.content(id),
      KEYS.retracted(id),
    ]);
    if (!stored.value) return null;
    return {
      stored: stored.value,
      content: content.value,
      retracted: retracted.value !== null,
    };
  }

  /** Id of the canonical entry at `seq` of `author`'s log. */
  async idAt(author: string, seq: number): Promise<string | undefined> {
    return (await this.kv.get<string>(KEYS.log(author, seq))).value ??
      undefined;
  }

  /** Whether a retract naming `id` is stored. */
  async isRetracted(id: string): Promise<boolean> {
    return (await this.kv.get(KEYS.retracted(id))).value !== null;
  }

  /**
   * Entries of `author`'s log with seq above `after`, in order, with their
   * content (null where dropped), at most `limit`.
   */
  async *log(
    author: string,
    options: { after?: number; limit?: number } = {},
  ): AsyncGenerator<
    { entry: Entry; content: Content | null; id: string }
  > {
    const iterator = this.kv.list<string>({
      start: KEYS.log(author, (options.after ?? 0) + 1),
      end: [...KEYS.logPrefix(author), Number.MAX_SAFE_INTEGER],
    }, {
      limit: options.limit,
      batchSize: Math.min(options.limit ?? 500, 500),
    });
    for await (const { value: id } of iterator) {
      const [stored, content] = await this.kv.getMany<[StoredEntry, Content]>([
        KEYS.entry(id),
        KEYS.content(id),
      ]);
      if (!stored.value) continue;
      yield { entry: stored.value.entry, content: content.value, id };
    }
  }

  /** The newest `limit` entries of `author`'s log, newest first. */
  async newest(
    author: string,
    limit: number,
  ): Promise<{ entry: Entry; content: Content | null; id: string }[]> {
    const ids: string[] = [];
    for await (
      const { value } of this.kv.list<string>({
        prefix: KEYS.logPrefix(author),
      }, { reverse: true, limit })
    ) {
      ids.push(value);
    }
    return await this.#withContent(ids);
  }

  /** The newest posts and reposts of the whole instance, newest first. */
  async timeline(
    limit: number,
  ): Promise<{ entry: Entry; content: Content | null; id: string }[]> {
    const ids: string[] = [];
    for await (
      const { key } of this.kv.list({ prefix: ["timeline"] }, {
        reverse: true,
        limit,
      })
    ) {
      ids.push(key[2] as string);
    }
    return await this.#withContent(ids);
  }

  async #withContent(ids: string[]) {
    const found = [];
    for (const id of ids) {
      const [stored, content] = await this.kv.getMany<[StoredEntry, Content]>([
        KEYS.entry(id),
        KEYS.content(id),
      ]);
      if (stored.value) {
        found.push({ entry: stored.value.entry, content: content.value, id });
      }
    }
    return found;
  }

  /** Fork proofs stored against `author`. */
  async forks(author: string): Promise<ForkProof[]> {
    const proofs: ForkProof[] = [];
    for await (
      const { value } of this.kv.list<ForkProof>({
        prefix: KEYS.forkPrefix(author),
      })
    ) proofs.push(value);
    return proofs;
  }

  /**
   * Stores a fork proof and marks the author forked, atomically with a check
   * on the head.
   *
   * @returns false when the head changed meanwhile (retry).
   */
  async storeForkProof(proof: ForkProof, proofId: string): Promise<boolean> {
    const { head, versionstamp } = await this.head(proof.author);
    const atomic = this.kv.atomic().check({
      key: KEYS.head(proof.author),
      versionstamp,
    })
      .set(KEYS.fork(proof.author, proofId), proof);
    if (head) atomic.set(KEYS.head(proof.author), { ...head, forked: true });
    return (await atomic.commit()).ok;
  }

  /**
   * Commits appends in as few atomic operations as KV's limits allow. Each
   * operation checks the heads it extends, so a concurrent writer makes it
   * fail instead of forking the store.
   *
   * @returns how many appends were committed (a prefix of `appends`); fewer
   * than all means a head check failed and the rest must be re-prepared.
   */
  async commit(
    appends: Append[],
    checks: Map<string, string | null>,
  ): Promise<number> {
    let done = 0;
    while (done < appends.length) {
      const atomic = this.kv.atomic();
      const checked = new Set<string>();
      let mutations = 0;
      let bytes = 0;
      let taken = 0;
      for (const append of appends.slice(done)) {
        const list = mutationsOf(append);
        const size = list.reduce((sum, item) => sum + approximateSize(item), 0);
        if (
          taken > 0 &&
          (mutations + list.length + 1 > MAX_MUTATIONS ||
            bytes + size > MAX_BYTES)
        ) break;
        const author = append.record.entry.author;
        if (!checked.has(author)) {
          atomic.check({
            key: KEYS.head(author),
            versionstamp: checks.get(author) ?? null,
          });
          checked.add(author);
        }
        for (const item of list) {
          if (item.value === undefined) atomic.delete(item.key);
          else atomic.set(item.key, item.value);
        }
        mutations += list.length;
        bytes += size;
        taken++;
      }
      const result = await atomic.commit();
      if (!result.ok) return done;
      for (const author of checked) checks.set(author, result.versionstamp);
      done += taken;
    }
    return done;
  }
}

/** Every key an append writes or deletes. */
function mutationsOf(append: Append): Mutation[] {
  const { record, receivedAt, previousHead, retractTarget, retractedBefore } =
    append;
  const { entry, content, id } = record;
  // Authors claim their own ts; ordering by the earlier of claim and receipt
  // stops a future-dated entry from pinning itself to the top of timelines.
  const time = Math.min(entry.ts, receivedAt);
  const list: Mutation[] = [
    { key: KEYS.entry(id), value: { entry, receivedAt } satisfies StoredEntry },
    { key: KEYS.log(entry.author, entry.seq), value: id },
    {
      key: KEYS.head(entry.author),
      value: {
        seq: entry.seq,
        id,
        count: entry.seq,
        forked: previousHead?.forked ?? false,
      } satisfies AuthorHead,
    },
  ];
  if (content === null || retractedBefore) return list;
  list.push({ key: KEYS.content(id), value: content });
  list.push(...indexesOf(entry, content, id, time));
  if (entry.type === "retract" && retractTarget) {
    const target = (content as { target: string }).target;
    list.push({ key: KEYS.content(target), value: undefined });
    if (retractTarget.content) {
      const targetTime = Math.min(retractTarget.entry.ts, receivedAt);
      for (
        const item of indexesOf(
          retractTarget.entry,
          retractTarget.content,
          target,
          targetTime,
        )
      ) {
        // Only index entries are dropped; a retracted follow stays a follow
        // until an unfollow says otherwise.
        if (
          item.key[0] !== "follows" && item.key[0] !== "followers" &&
          item.key[0] !== "profile"
        ) {
          list.push({ key: item.key, value: undefined });
        }
      }
    }
  }
  if (entry.type === "retract") {
    list.push({
      key: KEYS.retracted((content as { target: string }).target),
      value: id,
    });
  }
  return list;
}

/** Index keys derived from one entry's content. */
function indexesOf(
  entry: Entry,
  content: Content,
  id: string,
  time: number,
): Mutation[] {
  const list: Mutation[] = [];
  const author = entry.author;
  switch (entry.type) {
    case "post": {
      const post = content as PostContent;
      list.push({ key: KEYS.timeline(time, id), value: author });
      if (post.root) {
        list.push({ key: KEYS.replies(post.root, time, id), value: author });
      }
      for (const tag of post.tags ?? []) {
        list.push({ key: KEYS.tag(tag, time, id), value: author });
      }
      for (const mentioned of post.mentions ?? []) {
        list.push({ key: KEYS.mention(mentioned, time, id), value: author });
      }
      break;
    }
    case "repost": {
      const target = (content as { target: string }).target;
      list.push({ key: KEYS.timeline(time, id), value: author }, {
        key: KEYS.repost(target, id),
        value: author,
      });
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
      break;
    }
    case "follow": {
      const target = (content as { target: string }).target;
      list.push({ key: KEYS.follows(author, target), value: entry.seq }, {
        key: KEYS.followers(target, author),
        value: entry.seq,
      });
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
    case "profile":
      list.push({
        key: KEYS.profile(author),
        value: { seq: entry.seq, id, profile: content },
      });
      break;
  }
  return list;
}

function approximateSize(item: Mutation): number {
  return JSON.stringify(item.key).length +
    (item.value === undefined ? 0 : JSON.stringify(item.value).length);
}
