/**
 * What a ledger keeps in Deno KV: its genesis, finalized blocks with their
 * commits, the transactions waiting for a block, the admin's choice to
 * honour it, and the validator's sign guard.
 *
 * | Key | Value |
 * | --- | --- |
 * | `["ledger", id, "genesis"]` | the genesis document |
 * | `["ledger", id, "height"]` | height of the last stored block |
 * | `["ledger", id, "block", height, chunk]` | canonical FinalizedBlock JSON, UTF-8, in 60,000-byte chunks |
 * | `["ledger", id, "pool", entryId]` | record line of a pending transaction |
 * | `["ledger", id, "signed", height, round, type]` | block id this validator voted for |
 * | `["ledger-honour", id]` | the admin's choice: true (honour) or false |
 *
 * @module
 */
import type { FinalizedBlock, Genesis, Vote } from "../ledger/mod.ts";
import { canonicalize, entryIdOfLine } from "../protocol/mod.ts";

const CHUNK = 60_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** KV persistence of ledgers; see the module doc. */
export class LedgerStore {
  readonly #kv: Deno.Kv;

  /** A store over `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Stores a (checked) genesis under its id. */
  async saveGenesis(id: string, genesis: Genesis): Promise<void> {
    await this.#kv.set(["ledger", id, "genesis"], genesis);
  }

  /** The genesis of ledger `id`, if known. */
  async genesis(id: string): Promise<Genesis | null> {
    return (await this.#kv.get<Genesis>(["ledger", id, "genesis"])).value;
  }

  /** Ids of every ledger whose genesis is stored. */
  async knownIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const { key } of this.#kv.list({ prefix: ["ledger"] })) {
      if (key[2] === "genesis") ids.push(key[1] as string);
    }
    return ids;
  }

  /** The admin's honour choices: id -> honoured. */
  async honourChoices(): Promise<Map<string, boolean>> {
    const choices = new Map<string, boolean>();
    for await (
      const { key, value } of this.#kv.list<boolean>({
        prefix: ["ledger-honour"],
      })
    ) choices.set(key[1] as string, value);
    return choices;
  }

  /** Records the admin's choice for `id`. */
  async setHonoured(id: string, honoured: boolean): Promise<void> {
    await this.#kv.set(["ledger-honour", id], honoured);
  }

  /** Height of the last stored block (0 when none). */
  async height(id: string): Promise<number> {
    return (await this.#kv.get<number>(["ledger", id, "height"])).value ?? 0;
  }

  /**
   * Appends a finalized block at the next height; refuses a gap or an
   * overwrite (two writers cannot both store a height).
   *
   * @throws {Error} `Cannot store block 7 of <id>: the stored height is 5`.
   */
  async appendBlock(id: string, finalized: FinalizedBlock): Promise<void> {
    const height = finalized.block.height;
    const heightKey = ["ledger", id, "height"];
    const stored = await this.#kv.get<number>(heightKey);
    if ((stored.value ?? 0) !== height - 1) {
      throw new Error(
        `Cannot store block ${height} of ${id}: the stored height is ${
          stored.value ?? 0
        }`,
      );
    }
    const bytes = encoder.encode(canonicalize(finalized));
    const atomic = this.#kv.atomic().check(stored).set(heightKey, height);
    for (let chunk = 0; chunk * CHUNK < bytes.length; chunk++) {
      atomic.set(
        ["ledger", id, "block", height, chunk],
        bytes.subarray(chunk * CHUNK, (chunk + 1) * CHUNK),
      );
    }
    // Included transactions leave the pool in the same commit.
    for (const line of finalized.block.txs) {
      const entryId = entryIdOf(line);
      if (entryId) atomic.delete(["ledger", id, "pool", entryId]);
    }
    const result = await atomic.commit();
    if (!result.ok) {
      throw new Error(
        `Cannot store block ${height} of ${id}: stored meanwhile`,
      );
    }
  }

  /** The finalized block at `height`, or null. */
  async block(id: string, height: number): Promise<FinalizedBlock | null> {
    const parts: Uint8Array[] = [];
    for await (
      const { value } of this.#kv.list<Uint8Array>({
        prefix: ["ledger", id, "block", height],
      })
    ) parts.push(value);
    if (parts.length === 0) return null;
    const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return JSON.parse(decoder.decode(bytes));
  }

  /** Finalized blocks from `from` on, at most `limit`. */
  async *blocks(
    id: string,
    options: { from: number; limit?: number },
  ): AsyncIterable<FinalizedBlock> {
    const last = await this.height(id);
    const end = Math.min(last, options.from + (options.limit ?? last) - 1);
    for (let height = Math.max(1, options.from); height <= end; height++) {
      const finalized = await this.block(id, height);
      if (!finalized) return;
      yield finalized;
    }
  }

  /** Adds a pending transaction (its record line) to the pool. */
  async addToPool(id: string, entryId: string, line: string): Promise<void> {
    await this.#kv.set(["ledger", id, "pool", entryId], line);
  }

  /** Pending transactions, oldest key first. */
  async pool(id: string): Promise<Map<string, string>> {
    const pool = new Map<string, string>();
    for await (
      const { key, value } of this.#kv.list<string>({
        prefix: ["ledger", id, "pool"],
      })
    ) pool.set(key[3] as string, value);
    return pool;
  }

  /** Drops transactions from the pool. */
  async dropFromPool(id: string, entryIds: string[]): Promise<void> {
    for (let i = 0; i < entryIds.length; i += 500) {
      const atomic = this.#kv.atomic();
      for (const entryId of entryIds.slice(i, i + 500)) {
        atomic.delete(["ledger", id, "pool", entryId]);
      }
      await atomic.commit();
    }
  }

  /**
   * The sign guard: records that this validator signs `vote`, unless it
   * already signed a different block at the same height, round and type
   * (after a restart, for instance). Returns false then: the vote must not
   * be sent, or it would be equivocation.
   */
  async guardVote(id: string, vote: Vote): Promise<boolean> {
    const key = ["ledger", id, "signed", vote.height, vote.round, vote.type];
    const seen = await this.#kv.get<string | null>(key);
    if (seen.versionstamp !== null) return seen.value === vote.block;
    const result = await this.#kv.atomic().check(seen).set(key, vote.block)
      .commit();
    if (result.ok) return true;
    return (await this.#kv.get<string | null>(key)).value === vote.block;
  }

  /** Forgets sign-guard records below `height` (they can no longer conflict). */
  async pruneGuard(id: string, height: number): Promise<void> {
    const atomic = this.#kv.atomic();
    let count = 0;
    for await (
      const { key } of this.#kv.list({
        start: ["ledger", id, "signed", 0],
        end: ["ledger", id, "signed", height],
      })
    ) {
      atomic.delete(key);
      if (++count >= 500) break;
    }
    if (count > 0) await atomic.commit();
  }
}

function entryIdOf(line: string): string | null {
  try {
    return entryIdOfLine(line);
  } catch {
    return null;
  }
}
