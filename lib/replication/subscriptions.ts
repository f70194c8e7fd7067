/**
 * Which authors this instance replicates: its local authors (anyone who
 * published through this instance's API), the authors they follow and,
 * with depth 2, the authors those follow; and the writers of honoured
 * ledgers and correspondents (who message local authors, or whom they
 * message), as they are discovered.
 *
 * @module
 */
import { KEYS } from "../store/mod.ts";

/** KV key marking `author` as local. */
const localKey = (author: string) => ["replication", "local", author];
/** KV key marking `author` as a writer of an honoured ledger. */
const ledgerWriterKey = (author: string) => [
  "replication",
  "ledger-writer",
  author,
];

/** KV key marking `author` as someone who messaged a local author. */
const correspondentKey = (author: string) => [
  "replication",
  "correspondent",
  author,
];

/** Options of {@linkcode Subscriptions}. */
export interface SubscriptionOptions {
  /** 1: local authors and whom they follow; 2: also whom those follow. */
  followDepth: 1 | 2;
  /** Called with authors that just joined the set. */
  onAdded: (authors: string[]) => void;
  /** Ids of honoured ledgers (default none). */
  ledgers?: string[];
}

/** The set of replicated authors, kept in step with follows. */
export class Subscriptions {
  readonly #kv: Deno.Kv;
  readonly #options: SubscriptionOptions;
  #locals = new Set<string>();
  #ledgerWriters = new Set<string>();
  #correspondents = new Set<string>();
  readonly #ledgers: Set<string>;
  #authors = new Set<string>();
  #refreshing: Promise<void> | null = null;
  #again = false;

  /** Reads nothing yet; call {@linkcode Subscriptions.load}. */
  constructor(kv: Deno.Kv, options: SubscriptionOptions) {
    this.#kv = kv;
    this.#options = options;
    this.#ledgers = new Set(options.ledgers ?? []);
  }

  /** Ids of the ledgers this instance honours. */
  get ledgers(): ReadonlySet<string> {
    return this.#ledgers;
  }

  /** Honours `ledger` from now on: its writers are recruited when seen. */
  honour(ledger: string): void {
    this.#ledgers.add(ledger);
  }

  /** Stops honouring `ledger` (writers already recruited stay). */
  dishonour(ledger: string): void {
    this.#ledgers.delete(ledger);
  }

  /** Adds (and persists) a writer of an honoured ledger. */
  async addLedgerWriter(author: string): Promise<void> {
    if (this.#ledgerWriters.has(author)) return;
    this.#ledgerWriters.add(author);
    await this.#kv.set(ledgerWriterKey(author), true);
    await this.refresh();
  }

  /**
   * Adds (and persists) a correspondent: someone who messaged a local
   * author, or whom a local author messaged, so replies and their history
   * arrive even without a follow.
   */
  async addCorrespondent(author: string): Promise<void> {
    if (this.#correspondents.has(author) || this.#locals.has(author)) return;
    this.#correspondents.add(author);
    await this.#kv.set(correspondentKey(author), true);
    await this.refresh();
  }

  /** Loads local authors and computes the set. */
  async load(): Promise<void> {
    for await (
      const { key } of this.#kv.list({ prefix: ["replication", "local"] })
    ) {
      this.#locals.add(key[2] as string);
    }
    for await (
      const { key } of this.#kv.list({
        prefix: ["replication", "ledger-writer"],
      })
    ) {
      this.#ledgerWriters.add(key[2] as string);
    }
    for await (
      const { key } of this.#kv.list({
        prefix: ["replication", "correspondent"],
      })
    ) {
      this.#correspondents.add(key[2] as string);
    }
    await this.refresh();
  }

  /** Whether records of `author` are replicated here. */
  has(author: string): boolean {
    return this.#authors.has(author);
  }

  /** Every replicated author. */
  authors(): string[] {
    return [...this.#authors];
  }

  /** Whether `author` published through this instance. */
  isLocal(author: string): boolean {
    return this.#locals.has(author);
  }

  /** Marks `author` local (persisted) and refreshes the set if new. */
  async addLocal(author: string): Promise<void> {
    if (this.#locals.has(author)) return;
    this.#locals.add(author);
    await this.#kv.set(localKey(author), true);
    await this.refresh();
  }

  /**
   * Whether a follow or unfollow by `author` can change the set: it is
   * local, or one step away when following two steps deep.
   */
  affectsSet(author: string): boolean {
    if (this.#locals.has(author)) return true;
    return this.#options.followDepth === 2 && this.#authors.has(author);
  }

  /** Recomputes the set from the follow index; coalesces concurrent calls. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          await this.#recompute();
        } while (this.#again);
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async #recompute(): Promise<void> {
    const next = new Set(this.#locals);
    let frontier = [...this.#locals];
    for (let depth = 0; depth < this.#options.followDepth; depth++) {
      const found: string[] = [];
      for (const follower of frontier) {
        for await (
          const { key } of this.#kv.list({ prefix: followsOf(follower) })
        ) {
          const target = key[2] as string;
          if (!next.has(target)) {
            next.add(target);
            found.push(target);
          }
        }
      }
      frontier = found;
    }
    for (const writer of this.#ledgerWriters) next.add(writer);
    for (const correspondent of this.#correspondents) next.add(correspondent);
    const added = [...next].filter((author) => !this.#authors.has(author));
    this.#authors = next;
    if (added.length > 0) this.#options.onAdded(added);
  }
}

function followsOf(follower: string): Deno.KvKey {
  return KEYS.follows(follower, "").slice(0, 2);
}
