/**
 * The ledgers of an instance: which it honours (configuration, then the
 * admin's choices), their genesis (from files, or fetched from peers and
 * checked by hash), one {@linkcode LedgerNode} each, the channel they
 * talk over, and the verdicts pages show.
 *
 * @module
 */
import { readKeyFile } from "../cli/key_file.ts";
import type { ForkProof } from "../log/mod.ts";
import {
  assertValidGenesis,
  type FinalizedBlock,
  type Genesis,
  ledgerIdOf,
  type Verdict,
} from "../ledger/mod.ts";
import type { CommittedRecord } from "../ingest/mod.ts";
import type { Replicator } from "../replication/mod.ts";
import { fetchBlocks, fetchGenesis } from "./catch_up.ts";
import { LedgerNode } from "./ledger_node.ts";
import { LedgerStore } from "./ledger_store.ts";

/** Options of {@linkcode Ledgers}. */
export interface LedgersOptions {
  kv: Deno.Kv;
  replication: Replicator;
  /** Ids honoured by configuration. */
  ids: string[];
  /** Genesis files honoured by configuration. */
  genesisFiles: string[];
  /** Key file of this instance's validator. */
  validatorKey?: string;
  now?: () => number;
  /** Told when a ledger finalizes a block. */
  onDecided?: (
    ledger: string,
    finalized: FinalizedBlock,
    changed: string[],
  ) => void;
}

/** One ledger as lists and admin pages show it. */
export interface LedgerSummary {
  id: string;
  name: string | null;
  honoured: boolean;
  /** Whether its genesis is known here (an honoured id may wait for it). */
  running: boolean;
  height: number;
  validator: boolean;
  /** Why honouring came about: configuration or the admin page. */
  source: "config" | "admin" | "none";
}

/** A ledger's verdict on a subject, with the ledger's name. */
export interface LedgerVerdict {
  ledger: string;
  name: string;
  verdict: Verdict;
}

/** How often honoured ledgers without a genesis ask peers for it. */
const GENESIS_RETRY_MS = 5_000;

/** The ledgers of an instance; see the module doc. */
export class Ledgers {
  readonly store: LedgerStore;
  readonly #options: LedgersOptions;
  readonly #nodes = new Map<string, LedgerNode>();
  readonly #honoured = new Map<string, "config" | "admin">();
  readonly #stopping = new AbortController();
  #validator?: { key: string; secretKey: Uint8Array };
  #retry?: ReturnType<typeof setTimeout>;
  #closed = false;

  /** Prepares; nothing runs before {@linkcode start}. */
  constructor(options: LedgersOptions) {
    this.#options = options;
    this.store = new LedgerStore(options.kv);
  }

  /**
   * Loads the validator key and genesis files, applies the admin's
   * choices, and starts every honoured ledger whose genesis is known.
   *
   * @throws {Error} When a genesis file or the key file cannot be read,
   * e.g. `Cannot read genesis file g.json: Cannot accept genesis: …`.
   */
  async start(): Promise<void> {
    const { validatorKey, genesisFiles, ids, replication } = this.#options;
    if (validatorKey) {
      const { author, secretKey } = await readKeyFile(validatorKey);
      this.#validator = { key: author, secretKey };
    }
    for (const path of genesisFiles) {
      const genesis = await readGenesisFile(path);
      const id = ledgerIdOf(genesis);
      await this.store.saveGenesis(id, genesis);
      this.#honoured.set(id, "config");
    }
    for (const id of ids) this.#honoured.set(id, "config");
    for (const [id, honoured] of await this.store.honourChoices()) {
      if (honoured) this.#honoured.set(id, "admin");
      else this.#honoured.delete(id);
    }
    replication.setLedgerHandler((ledger, value) =>
      this.#nodes.get(ledger)?.receive(value) ?? Promise.resolve(false)
    );
    for (const id of this.#honoured.keys()) {
      replication.honourLedger(id);
      await this.#run(id);
    }
    this.#scheduleGenesisRetry();
  }

  /** Every ledger known here, honoured ones first. */
  async list(): Promise<LedgerSummary[]> {
    const ids = new Set([
      ...this.#honoured.keys(),
      ...await this.store.knownIds(),
    ]);
    const out: LedgerSummary[] = [];
    for (const id of ids) {
      const node = this.#nodes.get(id);
      const genesis = node?.genesis ?? await this.store.genesis(id);
      out.push({
        id,
        name: genesis?.name ?? null,
        honoured: this.#honoured.has(id),
        running: node !== undefined,
        height: node?.height ?? await this.store.height(id),
        validator: node?.isValidator ?? false,
        source: this.#honoured.get(id) ?? "none",
      });
    }
    return out.sort((a, b) =>
      Number(b.honoured) - Number(a.honoured) || a.id.localeCompare(b.id)
    );
  }

  /** The running node of an honoured ledger. */
  node(id: string): LedgerNode | undefined {
    return this.#nodes.get(id);
  }

  /** Running nodes. */
  get nodes(): LedgerNode[] {
    return [...this.#nodes.values()];
  }

  /**
   * Honours ledger `id` (from the admin page): with `genesis` given it is
   * checked against the id, otherwise fetched from peers when unknown.
   *
   * @throws {Error} When `genesis` is invalid or hashes to another id.
   */
  async honour(id: string, genesis?: unknown): Promise<void> {
    if (genesis !== undefined) {
      assertValidGenesis(genesis);
      if (ledgerIdOf(genesis) !== id) {
        throw new Error(
          `Cannot honour ledger ${id}: the genesis given hashes to ${
            ledgerIdOf(genesis)
          }`,
        );
      }
      await this.store.saveGenesis(id, genesis);
    }
    await this.store.setHonoured(id, true);
    this.#honoured.set(id, "admin");
    this.#options.replication.honourLedger(id);
    await this.#run(id);
  }

  /** Stops honouring ledger `id` (its blocks stay stored). */
  async dishonour(id: string): Promise<void> {
    await this.store.setHonoured(id, false);
    this.#honoured.delete(id);
    this.#options.replication.honourLedger(id, false);
    await this.#nodes.get(id)?.close();
    this.#nodes.delete(id);
  }

  /**
   * Verdicts of every running ledger on these subject keys
   * (`post:<id>`, `author:<key>`), by subject key.
   */
  verdicts(keys: string[]): Map<string, LedgerVerdict[]> {
    const out = new Map<string, LedgerVerdict[]>();
    for (const node of this.#nodes.values()) {
      for (const key of keys) {
        const verdict = node.verdicts.get(key);
        if (!verdict) continue;
        const list = out.get(key) ?? [];
        list.push({ ledger: node.id, name: node.genesis.name, verdict });
        out.set(key, list);
      }
    }
    return out;
  }

  /** Called by ingest after each commit: ledger entries go to their pools. */
  onCommit(records: CommittedRecord[]): void {
    for (const { record } of records) {
      if (record.entry.type !== "ledger" || !record.content) continue;
      const ledger = (record.content as { ledger: string }).ledger;
      const node = this.#nodes.get(ledger);
      if (node) node.addTransaction(record.id, record.line).catch(() => {});
    }
  }

  /** Called by ingest for each fork proof: it becomes evidence. */
  onForkProof(proof: ForkProof): void {
    for (const node of this.#nodes.values()) {
      node.addEvidence({ kind: "fork", proof }).catch(() => {});
    }
  }

  /** Stops every ledger. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#stopping.abort();
    await Promise.all([...this.#nodes.values()].map((node) => node.close()));
  }

  async #run(id: string): Promise<void> {
    if (this.#nodes.has(id) || this.#closed) return;
    let genesis = await this.store.genesis(id);
    if (!genesis) {
      genesis = await this.#fetchGenesis(id);
      if (!genesis) return;
      await this.store.saveGenesis(id, genesis);
    }
    const { replication } = this.#options;
    const node = await LedgerNode.open({
      id,
      genesis,
      store: this.store,
      validator: this.#validator,
      now: this.#options.now,
      send: (message) => replication.sendLedger(id, message),
      fetchBlocks: (from) =>
        fetchBlocks(replication.peerOrigins, id, {
          from,
          signal: this.#stopping.signal,
        }),
      onDecided: (finalized, changed) =>
        this.#options.onDecided?.(id, finalized, changed),
    });
    if (this.#closed || !this.#honoured.has(id)) return;
    this.#nodes.set(id, node);
    node.start();
  }

  async #fetchGenesis(id: string): Promise<Genesis | null> {
    for (const origin of this.#options.replication.peerOrigins) {
      const genesis = await fetchGenesis(origin, id, {
        signal: this.#stopping.signal,
      });
      if (genesis) return genesis;
    }
    return null;
  }

  #scheduleGenesisRetry(): void {
    if (this.#closed) return;
    this.#retry = setTimeout(async () => {
      for (const id of this.#honoured.keys()) {
        if (!this.#nodes.has(id)) await this.#run(id).catch(() => {});
      }
      this.#scheduleGenesisRetry();
    }, GENESIS_RETRY_MS);
  }
}

/**
 * Reads and checks a genesis file.
 *
 * @throws {Error} `Cannot read genesis file <path>: <why>`.
 */
export async function readGenesisFile(path: string): Promise<Genesis> {
  try {
    const genesis = JSON.parse(await Deno.readTextFile(path));
    assertValidGenesis(genesis);
    return genesis;
  } catch (error) {
    throw new Error(
      `Cannot read genesis file ${path}: ${(error as Error).message}`,
    );
  }
}
