/**
 * The record store on Deno KV: author logs, heads, indexes and fork proofs.
 * Writes come only from lib/ingest, as batches of appends committed
 * atomically together with every index they touch.
 *
 * Each log slot holds the record's canonical line as bytes. Reading a log
 * is then one range scan that yields exactly what was verified, and a value
 * is as large as its UTF-8 (at most 62,000 bytes): stored as a JS object, a
 * 60,000-byte text with one non-Latin-1 character would serialize as
 * UTF-16 and break KV's 64 KiB value limit.
 *
 * @module
 */
import type { ForkProof } from "../log/mod.ts";
import {
  type Content,
  type DecodedRecord,
  encodeRecord,
  type Entry,
  entryIdOfLine,
  parseCanonical,
} from "../protocol/mod.ts";
import { indexesOf, type Mutation } from "./indexes.ts";
import { KEYS } from "./schema.ts";
import { addUsage, addUsageTo, type Usage } from "./usage.ts";

/** The end of an author's log. */
export interface AuthorHead {
  seq: number;
  id: string;
  /** Entries stored (equals seq: logs are gap-free). */
  count: number;
  /** Whether a fork proof against this author is stored. */
  forked: boolean;
}

/** An entry with its content (null where dropped or never held). */
export interface EntryWithContent {
  entry: Entry;
  content: Content | null;
  id: string;
  /** The canonical record line. */
  line: string;
}

/** One append, prepared by the ingest pipeline. */
export interface Append {
  record: DecodedRecord;
  receivedAt: number;
  /** The head before this append, as read (null for a new author). */
  previousHead: AuthorHead | null;
  /** For a retract: the target, when it is stored and by the same author. */
  retractTarget?: {
    entry: Entry;
    content: Content | null;
    id: string;
    receivedAt: number;
    /** For a profile: whether it is the author's current one (then it is dropped too). */
    currentProfile?: boolean;
    /** For a reply, reaction or repost: the author notified, as `notify` of its append (that notification is dropped too). */
    notify?: string[];
    /** For a reaction: whether it was the counted one (false: nothing to undo). */
    counted?: boolean;
  };
  /** Whether an earlier retract by the same author names this entry: store no content. */
  retractedBefore: boolean;
  /**
   * A reaction the same author already made to the same target: stored and
   * indexed, but not counted again.
   */
  uncounted?: boolean;
  /**
   * The entry is stored already without content, and this record brings
   * it: rewrite the slot and write its indexes; location and head stay.
   */
  fill?: boolean;
  /**
   * For a reply: the author of the parent post, looked up by the ingest
   * pipeline (an entry names its parent by id only), to notify.
   */
  notify?: string[];
}

/** What `["retracted", id]` holds: the retract entry and its author. */
export interface RetractMarker {
  id: string;
  author: string;
}

/** What `["entry", id]` holds: where the entry sits, and since when. */
interface Location {
  author: string;
  seq: number;
  /** When this instance accepted it (ms). */
  receivedAt: number;
}

// Deno KV's limits per atomic operation, with room to spare (and for the
// usage counters: two per entry type).
const MAX_MUTATIONS = 880;
const MAX_BYTES = 700_000;
/** Checks (one per author) per atomic operation; KV allows 100. */
const MAX_CHECKS = 90;
/** Total key bytes per atomic operation; KV allows 81,920. */
const MAX_KEY_BYTES = 70_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads and writes records in Deno KV. */
export class RecordStore {
  readonly kv: Deno.Kv;
  readonly #onCommitTime?: (seconds: number) => void;

  /**
   * Wraps an open KV; `onCommitTime` is told how long each atomic commit
   * of {@linkcode RecordStore.commit} took, in seconds (for metrics).
   */
  constructor(
    kv: Deno.Kv,
    options: { onCommitTime?: (seconds: number) => void } = {},
  ) {
    this.kv = kv;
    this.#onCommitTime = options.onCommitTime;
  }

  /** The head of `author`'s log with its versionstamp, for optimistic checks. */
  async head(
    author: string,
  ): Promise<{ head: AuthorHead | null; versionstamp: string | null }> {
    const found = await this.kv.get<AuthorHead>(KEYS.head(author));
    return { head: found.value, versionstamp: found.versionstamp };
  }

  /** The entry with this id, its content (null if dropped), when it arrived and whether it was retracted. */
  async get(
    id: string,
  ): Promise<
    (EntryWithContent & { receivedAt: number; retracted: boolean }) | null
  > {
    const location = (await this.kv.get<Location>(KEYS.entry(id))).value;
    if (!location) return null;
    const [slot, marker] = await this.kv.getMany<[Uint8Array, RetractMarker]>([
      KEYS.log(location.author, location.seq),
      KEYS.retracted(id),
    ]);
    if (!slot.value) return null;
    return {
      ...unpack(slot.value, id),
      receivedAt: location.receivedAt,
      // A retract by anyone but the author has no effect.
      retracted: marker.value?.author === location.author,
    };
  }

  /** Id of the canonical entry at `seq` of `author`'s log. */
  async idAt(author: string, seq: number): Promise<string | undefined> {
    const slot = (await this.kv.get<Uint8Array>(KEYS.log(author, seq))).value;
    return slot ? entryIdOfLine(decoder.decode(slot)) : undefined;
  }

  /**
   * The author of the stored retract naming each of `ids`, where there is
   * one (read ten at a time, concurrently).
   */
  async retractedAmong(ids: string[]): Promise<Map<string, string>> {
    const groups: string[][] = [];
    for (let i = 0; i < ids.length; i += 10) groups.push(ids.slice(i, i + 10));
    const results = await Promise.all(
      groups.map((group) =>
        this.kv.getMany<RetractMarker[]>(group.map(KEYS.retracted))
      ),
    );
    return new Map(
      results.flat().filter((item) => item.value !== null).map((
        item,
      ) => [item.key[1] as string, item.value!.author]),
    );
  }

  /** Id of the profile entry that is `author`'s current profile. */
  async currentProfileId(author: string): Promise<string | undefined> {
    return (await this.kv.get<{ id: string }>(KEYS.profile(author))).value?.id;
  }

  /**
   * Canonical record lines of `author`'s log with seq above `after`, in
   * order, at most `limit`: one range scan, nothing decoded. What export,
   * verification and the log API serve.
   */
  async *lines(
    author: string,
    options: { after?: number; limit?: number } = {},
  ): AsyncGenerator<string> {
    const slots = this.kv.list<Uint8Array>(
      {
        start: KEYS.log(author, (options.after ?? 0) + 1),
        end: [...KEYS.logPrefix(author), Infinity],
      },
      { limit: options.limit, batchSize: Math.min(options.limit ?? 500, 500) },
    );
    for await (const { value } of slots) yield decoder.decode(value);
  }

  /** Entries of `author`'s log with seq above `after`, decoded, in order. */
  async *log(
    author: string,
    options: { after?: number; limit?: number } = {},
  ): AsyncGenerator<EntryWithContent> {
    for await (const line of this.lines(author, options)) yield unpack(line);
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
   * fail instead of forking the store, and writes each head once.
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
      const heads = new Map<string, AuthorHead>();
      const usage: Usage = {};
      let mutations = 0;
      let bytes = 0;
      let keyBytes = 0;
      let taken = 0;
      for (const append of appends.slice(done)) {
        const list = mutationsOf(append);
        const size = list.reduce((sum, item) => sum + sizeOf(item), 0);
        const keys = list.reduce((sum, item) => sum + keySize(item.key), 0);
        const author = append.record.entry.author;
        const newAuthor = !append.fill && !heads.has(author);
        const extra = newAuthor ? 2 : 0;
        const full = mutations + list.length + extra > MAX_MUTATIONS ||
          bytes + size > MAX_BYTES ||
          keyBytes + keys + 2 * keySize(KEYS.head(author)) > MAX_KEY_BYTES ||
          (newAuthor && heads.size >= MAX_CHECKS);
        if (taken > 0 && full) break;
        if (newAuthor) {
          atomic.check({
            key: KEYS.head(author),
            versionstamp: checks.get(author) ?? null,
          });
        }
        if (!append.fill) {
          const { entry, id } = append.record;
          heads.set(author, {
            seq: entry.seq,
            id,
            count: entry.seq,
            forked: append.previousHead?.forked ?? false,
          });
        }
        for (const item of list) {
          if (item.sum !== undefined) {
            atomic.sum(item.key, BigInt.asUintN(64, item.sum));
          } else if (item.value === undefined) atomic.delete(item.key);
          else atomic.set(item.key, item.value);
        }
        usageOf(append, list, usage);
        mutations += list.length + extra;
        bytes += size;
        keyBytes += keys + (newAuthor ? 2 * keySize(KEYS.head(author)) : 0);
        taken++;
      }
      for (const [author, head] of heads) atomic.set(KEYS.head(author), head);
      addUsageTo(atomic, usage);
      const started = performance.now();
      const result = await atomic.commit();
      this.#onCommitTime?.((performance.now() - started) / 1000);
      if (!result.ok) return done;
      for (const author of heads.keys()) {
        checks.set(author, result.versionstamp);
      }
      done += taken;
    }
    return done;
  }
}

/** Decodes a stored log slot (internal to lib/store). */
export function unpack(
  slot: Uint8Array | string,
  knownId?: string,
): EntryWithContent {
  const line = typeof slot === "string" ? slot : decoder.decode(slot);
  // A stored line is canonical; parseCanonical re-checks lines with escapes,
  // which V8's JSON.parse can misread (see lib/protocol/_internal.ts).
  const parsed = line.includes("\\") ? parseCanonical(line) : JSON.parse(line);
  const { entry, content } = parsed as {
    entry: Entry;
    content: Content | null;
  };
  return { entry, content, id: knownId ?? entryIdOfLine(line), line };
}

/** Every key an append writes or deletes, its head aside. */
function mutationsOf(append: Append): Mutation[] {
  const { record, receivedAt, retractTarget, retractedBefore } = append;
  const { entry, content, id } = record;
  const kept = retractedBefore ? null : content;
  const list: Mutation[] = [{
    key: KEYS.log(entry.author, entry.seq),
    value: encoder.encode(
      kept === content ? record.line : encodeRecord(entry, null),
    ),
  }];
  if (!append.fill) {
    list.push({
      key: KEYS.entry(id),
      value: {
        author: entry.author,
        seq: entry.seq,
        receivedAt,
      } satisfies Location,
    });
  }
  if (kept === null) return list;
  list.push(
    ...indexesOf(entry, kept, id, receivedAt, append.notify, {
      counted: !append.uncounted,
    }),
  );
  const target = (kept as { target?: string }).target;
  if (entry.type === "retract" && target) {
    // The marker names its author: only that author's entry is affected
    // when it arrives later.
    list.push({
      key: KEYS.retracted(target),
      value: { id, author: entry.author } satisfies RetractMarker,
    });
    if (retractTarget) {
      // Rewrite the target's slot without content, and drop what it indexed
      // (its notifications too); a retracted follow stays a follow until an
      // unfollow says otherwise, but no longer notifies.
      const {
        entry: old,
        content: oldContent,
        receivedAt: oldReceived,
        currentProfile,
        notify,
      } = retractTarget;
      list.push({
        key: KEYS.log(old.author, old.seq),
        value: encoder.encode(encodeRecord(old, null)),
      });
      if (oldContent) {
        for (
          const item of indexesOf(
            old,
            oldContent,
            target,
            oldReceived,
            notify,
            {
              counted: retractTarget.counted ?? true,
            },
          )
        ) {
          const kind = item.key[0];
          if (kind === "follows" || kind === "followers") continue;
          if (kind === "profile" && !currentProfile) continue;
          // A counter goes down by what the entry added; keys are deleted.
          list.push(
            item.sum !== undefined
              ? { key: item.key, sum: -item.sum }
              : { key: item.key, value: undefined },
          );
        }
      }
    }
  }
  return list;
}

/**
 * Adds what an append changes in the stored log slots to `usage`: a new
 * entry, a slot filled with its content, or a retracted target's slot
 * rewritten without it (lib/store/usage.ts).
 */
function usageOf(append: Append, list: Mutation[], usage: Usage): void {
  const { entry } = append.record;
  const slot = (list[0].value as Uint8Array).length;
  const before = append.fill
    ? encoder.encode(encodeRecord(entry, null)).length
    : 0;
  addUsage(usage, entry.type, {
    entries: append.fill ? 0 : 1,
    bytes: slot - before,
  });
  const target = append.retractTarget;
  if (!target || append.retractedBefore) return;
  const rewritten = list.find((item) =>
    item.key[0] === "log" && item.key[1] === target.entry.author &&
    item.key[2] === target.entry.seq
  );
  if (!rewritten) return;
  addUsage(usage, target.entry.type, {
    entries: 0,
    bytes: (rewritten.value as Uint8Array).length -
      encoder.encode(encodeRecord(target.entry, target.content)).length,
  });
}

/** An upper estimate of a key's encoded size. */
function keySize(key: Deno.KvKey): number {
  let size = 0;
  for (const part of key) {
    if (typeof part !== "string") {
      size += 10;
    } else {
      // Keys are mostly ASCII (author keys, ids); only tags need encoding.
      const ascii = !/[\u0080-\uffff]/.test(part);
      size += (ascii ? part.length : encoder.encode(part).length) + 2;
    }
  }
  return size;
}

/**
 * A cheap upper estimate of a mutation's size against KV's 800 KB per
 * atomic operation: slots count their bytes, profiles their JSON, every
 * other value and key at most a few hundred bytes.
 */
function sizeOf(item: Mutation): number {
  const value = item.value;
  if (value instanceof Uint8Array) return value.length + 256;
  if (item.key[0] === "profile" && value !== undefined) {
    return JSON.stringify(value).length + 256;
  }
  return 384;
}
