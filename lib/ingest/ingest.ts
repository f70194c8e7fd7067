/**
 * The one ingest pipeline. The HTTP API, the CLI and replication all hand
 * record lines here: decode -> limits -> validate -> signature -> chain and
 * fork check -> commit. Nothing reaches the store any other way.
 *
 * @module
 */
import {
  chainVerdict,
  type ForkProof,
  forkProofId,
  makeForkProof,
} from "../log/mod.ts";
import {
  decodeBase64Url,
  type DecodedRecord,
  decodeRecord,
  ProtocolError,
  type VerifySignature,
} from "../protocol/mod.ts";
import {
  type Append,
  type AuthorHead,
  KEYS,
  type RecordStore,
} from "../store/mod.ts";
import type { Entry, PostContent } from "../protocol/mod.ts";
import { CheckPool } from "./check_pool.ts";

/** Where records come from. */
export type IngestSource =
  /** An author's own client (HTTP POST): a conflicting seq is a stale write, not a fork. */
  | "client"
  /** A peer, a backfill or an import: a conflicting seq is a fork. */
  | "peer";

/** What happened to one record. */
export type IngestOutcome =
  | { status: "created"; id: string }
  | { status: "duplicate"; id: string }
  /** Ahead of the log; kept in memory until the gap fills. */
  | { status: "held"; id: string; missingFrom: number }
  | { status: "rejected"; error: ProtocolError; id?: string };

/** Options of {@linkcode Ingest}. */
export interface IngestOptions {
  verify: VerifySignature;
  now: () => number;
  /** Out-of-order entries kept in memory at most (default 10,000). */
  maxHeld?: number;
  /** Out-of-order entries of one author at most (default 1,000). */
  maxHeldPerAuthor?: number;
  /** Bytes of out-of-order records at most (default 64 MiB). */
  maxHeldBytes?: number;
  /**
   * Workers that decode and verify batches of 64 lines or more off the
   * main thread (default 0: all inline). `close()` the ingest when set.
   */
  workers?: number;
  /**
   * Told about every entry appended, after its commit, with where it came
   * from: what replication publishes. Called synchronously; errors thrown
   * by it are ignored.
   */
  onCommit?: (appended: CommittedRecord[]) => void;
  /** Told about each fork proof stored (ledgers turn them into evidence). */
  onForkProof?: (proof: ForkProof) => void;
  /**
   * Whether this instance blocks `author` (lib/store/blocks.ts): their
   * records are refused with `blocked_author` before their signature is
   * checked, so none is verified or stored.
   */
  isBlocked?: (author: string) => boolean;
  /**
   * Told what happened to every submitted record, once per submission
   * (metrics count them), with the submitted lines (`outcomes[i]` is
   * `lines[i]`'s) and their source. Errors thrown by it are ignored.
   */
  onOutcomes?: (
    outcomes: readonly IngestOutcome[],
    submitted: { lines: readonly string[]; source: IngestSource },
  ) => void;
}

/** An entry that was just appended to its author's log. */
export interface CommittedRecord {
  record: DecodedRecord;
  source: IngestSource;
  /** Authors notified of a reply, beyond what the content names. */
  notify?: string[];
}

/** A peer's entry conflicting with a stored one: becomes a fork proof after the commit. */
type Placed =
  | IngestOutcome
  | { status: "fork"; id: string; storedId?: string; other?: Entry };

/** Author heads kept in memory between applies. */
const MAX_CACHED_HEADS = 50_000;

/** Smallest batch worth sending to a worker. */
const POOL_THRESHOLD = 64;
/** Records checked by a worker carry no signing bytes: they were used there. */
const EMPTY = new Uint8Array(0);

/** One submission waiting in line. */
interface Job {
  source: IngestSource;
  /** Set once decoded and verified. */
  items?: (DecodedRecord | ProtocolError)[];
  /** Set when checking failed unexpectedly. */
  failure?: unknown;
  resolve: (outcomes: IngestOutcome[]) => void;
  reject: (error: unknown) => void;
}

interface Held {
  record: DecodedRecord;
  source: IngestSource;
}

/** Validates records and commits them to a {@linkcode RecordStore}. */
export class Ingest {
  readonly #store: RecordStore;
  readonly #options: Required<IngestOptions>;
  readonly #queue: Job[] = [];
  #pool?: CheckPool;
  #draining = false;
  /** Settles when a submission is answered: what `close()` waits for. */
  readonly #unsettled = new Set<Promise<void>>();
  #closed = false;
  readonly #heads = new Map<
    string,
    { head: AuthorHead | null; versionstamp: string | null }
  >();
  readonly #held = new Map<string, Map<number, Held>>();
  #heldCount = 0;
  #heldBytes = 0;

  /** Creates the pipeline over `store`. */
  constructor(store: RecordStore, options: IngestOptions) {
    this.#store = store;
    this.#options = {
      onCommit: () => {},
      onForkProof: () => {},
      isBlocked: () => false,
      onOutcomes: () => {},
      maxHeld: 10_000,
      maxHeldPerAuthor: 1_000,
      maxHeldBytes: 64 * 1024 * 1024,
      workers: 0,
      ...options,
    };
  }

  /** Entries waiting for earlier ones. */
  get heldCount(): number {
    return this.#heldCount;
  }

  /**
   * Ingests record lines in order and says what happened to each. Lines of
   * one author may arrive in any order; entries ahead of the log are held.
   *
   * @example
   * ```ts
   * const [outcome] = await ingest.submit([line], { source: "client" });
   * ```
   */
  async submit(
    lines: string[],
    options: {
      source: IngestSource;
      /**
       * When one line fails decoding or verification, refuse them all with
       * its error (a segment from a peer is valid only as a whole).
       */
      allOrNothing?: boolean;
    },
  ): Promise<IngestOutcome[]> {
    // The job takes its place now, so submissions apply in call order even
    // when a later one finishes its checks first; meanwhile earlier jobs
    // commit, overlapping this one's decoding and verification.
    if (this.#closed) {
      throw new Error("Cannot ingest records: the pipeline is closed");
    }
    const job: Job = {
      source: options.source,
      resolve: () => {},
      reject: () => {},
    };
    const result = new Promise<IngestOutcome[]>((resolve, reject) => {
      job.resolve = resolve;
      job.reject = reject;
    });
    this.#queue.push(job);
    const settled: Promise<void> = result.then(() => {}, () => {}).then(() => {
      this.#unsettled.delete(settled);
    });
    this.#unsettled.add(settled);
    try {
      const items = await this.#check(lines);
      const failed = options.allOrNothing
        ? items.find((item) => item instanceof ProtocolError)
        : undefined;
      job.items = failed
        ? items.map((item) =>
          item instanceof ProtocolError ? item : new ProtocolError(
            failed.code,
            `Cannot accept record: it came with a record that failed (${failed.message})`,
          )
        )
        : items;
    } catch (error) {
      job.items = [];
      job.failure = error;
    }
    if (!this.#draining) this.#drain();
    const outcomes = await result;
    try {
      this.#options.onOutcomes(outcomes, { lines, source: options.source });
    } catch {
      // As for onCommit: a listener cannot fail ingest.
    }
    return outcomes;
  }

  /**
   * Refuses new submissions, waits until every one already submitted is
   * committed (or failed) and answered, then stops the check workers: what
   * a graceful shutdown needs before it closes KV.
   *
   * @example
   * ```ts
   * await ingest.close();
   * kv.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#unsettled.size > 0) await Promise.all(this.#unsettled);
    this.#pool?.close();
    this.#pool = undefined;
  }

  /** Decodes and verifies lines: everything that needs no store. */
  async #check(lines: string[]): Promise<(DecodedRecord | ProtocolError)[]> {
    const now = this.#options.now();
    if (this.#options.workers > 0 && lines.length >= POOL_THRESHOLD) {
      this.#pool ??= new CheckPool(this.#options.workers);
      const results = await this.#pool.check(lines, now);
      return results.map((result, i) => {
        if ("entry" in result) {
          // The workers decode and verify in one step; refused all the same.
          if (this.#options.isBlocked(result.entry.author)) return blocked();
          return { ...result, line: lines[i], signed: EMPTY };
        }
        if (result.code === "internal") throw new Error(result.message);
        return new ProtocolError(result.code, result.message);
      });
    }
    const decoded = lines.map((line): DecodedRecord | ProtocolError => {
      try {
        return decodeRecord(line, { now });
      } catch (error) {
        if (error instanceof ProtocolError) return error;
        throw error;
      }
    });
    // Signatures are checked concurrently: WebCrypto works off the JS thread.
    return await Promise.all(decoded.map(async (item) => {
      if (item instanceof ProtocolError) return item;
      const { entry } = item;
      if (this.#options.isBlocked(entry.author)) return blocked();
      const ok = await this.#options.verify(
        decodeBase64Url(entry.author)!,
        item.signed,
        decodeBase64Url(entry.sig)!,
      );
      return ok ? item : new ProtocolError(
        "invalid_signature",
        "Cannot accept entry: the signature does not verify for its author",
      );
    }));
  }

  /**
   * Applies checked submissions from the front of the queue, a group at a
   * time: submissions that became ready while a group committed share the
   * next commit, so many concurrent single-record POSTs cost a few KV
   * commits, not one each.
   */
  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue[0]?.items !== undefined) {
        let ready = 0;
        while (this.#queue[ready]?.items !== undefined) ready++;
        const group = this.#queue.splice(0, ready);
        for (const job of group.filter((job) => job.failure !== undefined)) {
          job.reject(job.failure);
        }
        const jobs = group.filter((job) => job.failure === undefined);
        const items = jobs.flatMap((job) => job.items!);
        const sources = jobs.flatMap((job) => job.items!.map(() => job.source));
        try {
          const outcomes = await this.#apply(
            items,
            sources,
            this.#options.now(),
          );
          let offset = 0;
          for (const job of jobs) {
            job.resolve(outcomes.slice(offset, offset += job.items!.length));
          }
        } catch (error) {
          for (const job of jobs) job.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #apply(
    items: (DecodedRecord | ProtocolError)[],
    sources: IngestSource[],
    receivedAt: number,
  ): Promise<IngestOutcome[]> {
    try {
      const outcomes = await this.#place(items, sources, receivedAt);
      // Evict only between applies: a batch relies on the heads it moved.
      if (this.#heads.size > MAX_CACHED_HEADS) this.#heads.clear();
      return outcomes;
    } catch (error) {
      // The cached heads may include appends that were never committed.
      this.#heads.clear();
      throw error;
    }
  }

  async #place(
    items: (DecodedRecord | ProtocolError)[],
    sources: IngestSource[],
    receivedAt: number,
  ): Promise<IngestOutcome[]> {
    const outcomes: IngestOutcome[] = new Array(items.length);
    const pending: Append[] = [];
    const forks: {
      index: number;
      record: DecodedRecord;
      storedId?: string;
      other?: Entry;
    }[] = [];
    const pendingIds = new Map<string, Append>();
    // Appends that extend a log (fills do not), with their source.
    const appended = new Map<Append, IngestSource>();
    // Entries a retract named before they arrived: read for the whole batch
    // at once, then kept current as retracts are appended.
    const inBatch = new Set(items);
    const [retracted, parents, reacted] = await Promise.all([
      this.#store.retractedAmong(
        items.flatMap((item) => item instanceof ProtocolError ? [] : [item.id]),
      ),
      // Authors of the posts replied to, to notify: one read per ten replies.
      this.#authorsOf(
        items.flatMap((item) => {
          const parent = item instanceof ProtocolError
            ? undefined
            : parentOf(item);
          return parent ? [parent] : [];
        }),
      ),
      // Reactions already counted: one of each kind per author and target.
      this.#reactedAmong(items),
    ]);

    const fill = async (record: DecodedRecord) => {
      if (pendingIds.has(record.id)) return;
      const stored = await this.#store.get(record.id);
      if (!stored || stored.content !== null || stored.retracted) return;
      const retract = await this.#retractInfo(record, pendingIds);
      if (retract instanceof ProtocolError) return;
      const append: Append = {
        record,
        receivedAt: stored.receivedAt,
        previousHead: null,
        retractTarget: retract,
        retractedBefore: false,
        fill: true,
        notify: await this.#replyNotify(record, pendingIds, parents),
        uncounted: !countReaction(record, reacted),
      };
      pending.push(append);
      pendingIds.set(record.id, append);
    };

    const place = async (
      record: DecodedRecord,
      itemSource: IngestSource,
    ): Promise<Placed> => {
      const { entry, id } = record;
      const state = await this.#headOf(entry.author);
      const head = state.head;
      const storedIdAt = entry.seq <= (head?.seq ?? 0)
        ? (await this.#idAt(entry.author, entry.seq, pending))
        : undefined;
      const verdict = chainVerdict(head && { seq: head.seq, id: head.id }, {
        seq: entry.seq,
        prev: entry.prev,
        id,
      }, () => storedIdAt);
      switch (verdict.kind) {
        case "duplicate":
          // A record that brings content for a slot stored without it (a relay
          // sent the entry alone first) fills the slot.
          if (record.content !== null) await fill(record);
          return { status: "duplicate", id };
        case "conflict":
          if (itemSource === "client") {
            return reject(
              "stale_seq",
              `Cannot accept entry: seq ${entry.seq} is taken (the log is at ${
                head!.seq
              }); sign again on top of the head`,
              id,
            );
          }
          return { status: "fork", id, storedId: storedIdAt! };
        case "prev_mismatch":
          return reject(
            "prev_mismatch",
            `Cannot accept entry: prev does not name entry ${
              head?.seq ?? 0
            } of this log`,
            id,
          );
        case "gap":
          return this.#hold(record, itemSource, verdict.missingFrom);
      }
      const retract = await this.#retractInfo(record, pendingIds);
      if (retract instanceof ProtocolError) {
        return { status: "rejected", error: retract, id };
      }
      const append: Append = {
        record,
        receivedAt,
        previousHead: head,
        retractTarget: retract,
        // A retract counts only if its author wrote the entry. Held
        // entries released here were not in the batch's read.
        retractedBefore: (retracted.get(id) ??
          (inBatch.has(record)
            ? undefined
            : (await this.#store.retractedAmong([id])).get(id))) ===
          entry.author,
        notify: await this.#replyNotify(record, pendingIds, parents),
        uncounted: !countReaction(record, reacted),
      };
      if (entry.type === "retract" && record.content) {
        retracted.set(
          (record.content as { target: string }).target,
          entry.author,
        );
      }
      pending.push(append);
      pendingIds.set(id, append);
      appended.set(append, itemSource);
      state.head = {
        seq: entry.seq,
        id,
        count: entry.seq,
        forked: head?.forked ?? false,
      };
      return { status: "created", id };
    };

    const placeWithHeld = async (
      record: DecodedRecord,
      itemSource: IngestSource,
    ): Promise<Placed> => {
      const outcome = await place(record, itemSource);
      if (outcome.status === "created") {
        // An append may release entries that were waiting for it.
        let next = this.#takeHeld(record.entry.author, record.entry.seq + 1);
        while (next) {
          const released = await place(next.record, next.source);
          if (released.status !== "created") break;
          next = this.#takeHeld(record.entry.author, next.record.entry.seq + 1);
        }
      }
      return outcome;
    };

    for (const [index, item] of items.entries()) {
      if (item instanceof ProtocolError) {
        outcomes[index] = { status: "rejected", error: item };
        continue;
      }
      const outcome = await placeWithHeld(item, sources[index]);
      if (outcome.status === "fork") {
        forks.push({
          index,
          record: item,
          storedId: outcome.storedId,
          other: outcome.other,
        });
      } else outcomes[index] = outcome;
    }
    await this.#commit(pending);
    if (appended.size > 0) {
      try {
        this.#options.onCommit(
          [...appended].map(([append, source]) => ({
            record: append.record,
            source,
            notify: append.notify,
          })),
        );
      } catch {
        // A listener's failure must not undo or fail a commit.
      }
    }
    for (const { index, record, storedId, other } of forks) {
      const first = other ?? (await this.#store.get(storedId!))!.entry;
      const proof = makeForkProof(first, record.entry);
      // The head moves under a concurrent writer; retry a few times.
      for (let attempt = 0; attempt < 3; attempt++) {
        if (await this.#store.storeForkProof(proof, forkProofId(proof))) break;
      }
      try {
        this.#options.onForkProof(proof);
      } catch {
        // As for onCommit: a listener cannot fail ingest.
      }
      this.#heads.delete(record.entry.author);
      outcomes[index] = reject(
        "fork",
        `Cannot accept entry: seq ${record.entry.seq} of this author already holds another entry; a fork proof is stored`,
        record.id,
      );
    }
    return outcomes;
  }

  async #commit(pending: Append[]): Promise<void> {
    if (pending.length === 0) return;
    const checks = new Map<string, string | null>();
    for (const append of pending) {
      const author = append.record.entry.author;
      if (!checks.has(author)) {
        checks.set(author, this.#heads.get(author)?.versionstamp ?? null);
      }
    }
    const done = await this.#store.commit(pending, checks);
    for (const [author, versionstamp] of checks) {
      const cached = this.#heads.get(author);
      if (cached) cached.versionstamp = versionstamp;
    }
    if (done < pending.length) {
      // Another process wrote these logs meanwhile: forget what we knew.
      this.#heads.clear();
      throw new Error(
        "Cannot commit records: the store changed underneath this ingest; submit them again",
      );
    }
  }

  async #headOf(author: string) {
    let state = this.#heads.get(author);
    if (!state) {
      state = await this.#store.head(author);
      this.#heads.set(author, state);
    }
    return state;
  }

  async #idAt(
    author: string,
    seq: number,
    pending: Append[],
  ): Promise<string | undefined> {
    const inBatch = pending.find((item) =>
      item.record.entry.author === author && item.record.entry.seq === seq
    );
    return inBatch?.record.id ?? await this.#store.idAt(author, seq);
  }

  async #retractInfo(
    record: DecodedRecord,
    pendingIds: Map<string, Append>,
  ): Promise<Append["retractTarget"] | ProtocolError> {
    if (record.entry.type !== "retract" || record.content === null) {
      return undefined;
    }
    const target = (record.content as { target: string }).target;
    const inBatch = pendingIds.get(target);
    const found = inBatch
      ? {
        entry: inBatch.record.entry,
        content: inBatch.record.content,
        id: target,
        receivedAt: inBatch.receivedAt,
      }
      : await this.#store.get(target);
    if (!found) return undefined;
    if (found.entry.author !== record.entry.author) {
      return new ProtocolError(
        "retract_not_own",
        "Cannot accept entry: it retracts an entry by another author",
      );
    }
    const { entry, content, id, receivedAt } = found;
    if (
      entry.type === "post" || entry.type === "react" || entry.type === "repost"
    ) {
      // The notification goes with it: the parent's (or target's) author
      // again, as written in this batch or looked up as it was then.
      const notify = inBatch
        ? inBatch.notify
        : await this.#replyNotify(found, pendingIds, new Map());
      // A reaction's counters come down only if it was the counted one.
      const key = reactionKey(found);
      const counted = !key
        ? undefined
        : inBatch
        ? !inBatch.uncounted
        : (await this.#store.kv.get(KEYS.reactedBy(...key.parts))).value ===
          id;
      return { entry, content, id, receivedAt, notify, counted };
    }
    if (entry.type !== "profile") return { entry, content, id, receivedAt };
    // Dropping a profile drops it as the author's current one only if no
    // later profile replaced it (in this batch or already stored).
    const laterInBatch = [...pendingIds.values()].some((item) =>
      item.record.entry.author === entry.author &&
      item.record.entry.type === "profile" && item.record.entry.seq > entry.seq
    );
    const currentProfile = !laterInBatch &&
      (inBatch !== undefined ||
        await this.#store.currentProfileId(entry.author) === id);
    return { entry, content, id, receivedAt, currentProfile };
  }

  /**
   * The author of the post `record` replies to, to notify, unless it is the
   * replier: from an append earlier in this batch, from `parents` (read for
   * the batch), or read now (records released from the out-of-order queue).
   */
  /**
   * For the reactions among `items`: whether each (target, author,
   * reaction) is counted already, keyed by `reactionKey`.
   */
  async #reactedAmong(
    items: (DecodedRecord | ProtocolError)[],
  ): Promise<Map<string, boolean>> {
    const keys = items.flatMap((item) => {
      const key = item instanceof ProtocolError ? null : reactionKey(item);
      return key ? [key] : [];
    });
    const known = new Map<string, boolean>();
    for (let i = 0; i < keys.length; i += 10) {
      const group = keys.slice(i, i + 10);
      const found = await this.#store.kv.getMany(
        group.map((key) => KEYS.reactedBy(...key.parts)),
      );
      group.forEach((key, j) => known.set(key.text, found[j].value !== null));
    }
    return known;
  }

  async #replyNotify(
    record: Pick<DecodedRecord, "entry" | "content">,
    pendingIds: Map<string, Append>,
    parents: Map<string, string | null>,
  ): Promise<string[] | undefined> {
    const parent = parentOf(record);
    if (!parent) return undefined;
    let author = pendingIds.get(parent)?.record.entry.author ??
      parents.get(parent);
    if (author === undefined) {
      author = (await this.#authorsOf([parent])).get(parent);
    }
    return author && author !== record.entry.author ? [author] : undefined;
  }

  /** The author of each stored entry of `ids` (null when not stored), ten per read, concurrently. */
  async #authorsOf(ids: string[]): Promise<Map<string, string | null>> {
    const unique = [...new Set(ids)];
    const groups: string[][] = [];
    for (let i = 0; i < unique.length; i += 10) {
      groups.push(unique.slice(i, i + 10));
    }
    const results = await Promise.all(
      groups.map((group) =>
        this.#store.kv.getMany<{ author: string }[]>(group.map(KEYS.entry))
      ),
    );
    return new Map(
      results.flat().map((item) => [
        item.key[1] as string,
        item.value?.author ?? null,
      ]),
    );
  }

  #hold(
    record: DecodedRecord,
    source: IngestSource,
    missingFrom: number,
  ): Placed {
    const { author, seq } = record.entry;
    let queue = this.#held.get(author);
    const waiting = queue?.get(seq);
    if (waiting) {
      if (waiting.record.id === record.id) {
        return { status: "held", id: record.id, missingFrom };
      }
      // Two different entries at one seq are a fork already, held or not.
      return source === "client"
        ? reject(
          "stale_seq",
          `Cannot accept entry: seq ${seq} is taken by another entry waiting for seq ${missingFrom}`,
          record.id,
        )
        : { status: "fork", id: record.id, other: waiting.record.entry };
    }
    const { maxHeld, maxHeldPerAuthor, maxHeldBytes } = this.#options;
    if (
      this.#heldCount >= maxHeld || (queue?.size ?? 0) >= maxHeldPerAuthor ||
      this.#heldBytes + record.line.length > maxHeldBytes
    ) {
      return reject(
        "gap",
        `Cannot accept entry: seq ${seq} is ahead of the log (missing from ${missingFrom}) and the queue of out-of-order entries is full; send the earlier entries first`,
        record.id,
      );
    }
    if (!queue) this.#held.set(author, queue = new Map());
    queue.set(seq, { record, source });
    this.#heldCount++;
    this.#heldBytes += record.line.length;
    return { status: "held", id: record.id, missingFrom };
  }

  #takeHeld(author: string, seq: number): Held | undefined {
    const queue = this.#held.get(author);
    const held = queue?.get(seq);
    if (!held) return undefined;
    queue!.delete(seq);
    if (queue!.size === 0) this.#held.delete(author);
    this.#heldCount--;
    this.#heldBytes -= held.record.line.length;
    return held;
  }
}

/** The id of the post `record` replies to, if it is a reply with content. */
/**
 * The entry whose author a record notifies by id: a reply's parent, or
 * the target of a reaction or repost.
 */
function parentOf(
  record: Pick<DecodedRecord, "entry" | "content">,
): string | undefined {
  if (!record.content) return undefined;
  const { type } = record.entry;
  if (type === "post") return (record.content as PostContent).parent;
  if (type === "react" || type === "repost") {
    return (record.content as { target: string }).target;
  }
  return undefined;
}

function reject(
  code: ProtocolError["code"],
  message: string,
  id?: string,
): IngestOutcome {
  return { status: "rejected", error: new ProtocolError(code, message), id };
}

/** The refusal of a record by an author this instance blocks. */
function blocked(): ProtocolError {
  return new ProtocolError(
    "blocked_author",
    "Cannot accept entry: its author is blocked on this instance",
  );
}

/** The (target, author, reaction) of a reaction, as parts and as text. */
function reactionKey(
  record: Pick<DecodedRecord, "entry" | "content">,
): { parts: [string, string, string]; text: string } | null {
  if (record.entry.type !== "react" || !record.content) return null;
  const { target, reaction } = record.content as {
    target: string;
    reaction: string;
  };
  const parts: [string, string, string] = [
    target,
    record.entry.author,
    reaction,
  ];
  return { parts, text: parts.join("\n") };
}

/**
 * Whether a reaction adds to its target's counters: not when the same
 * author's same reaction to the same target is counted already (stored, or
 * earlier in this batch). Marks it counted. Other entries: true.
 */
function countReaction(
  record: Pick<DecodedRecord, "entry" | "content">,
  reacted: Map<string, boolean>,
): boolean {
  const key = reactionKey(record);
  if (!key) return true;
  if (reacted.get(key.text)) return false;
  reacted.set(key.text, true);
  return true;
}
