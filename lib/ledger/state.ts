/**
 * A ledger's state: typed records over a {@linkcode StateTable}, built
 * from a genesis. Every field here is committed to by the state root.
 *
 * @module
 */
import type { FlagCategory, Genesis, LedgerParams } from "./genesis.ts";
import { hashId } from "./_internal.ts";
import { StateTable } from "./state_table.ts";

/** Height, last block and the stake totals. */
export interface Meta {
  ledger: string;
  /** Height of the last applied block (0 at genesis). */
  height: number;
  /** Timestamp of the last block (genesis time at 0). */
  time: number;
  /** All stake in existence: balances, delegations, bonds, self-stake. */
  supply: number;
  /** Stake burned by slashing so far. */
  burned: number;
}

/** An account: its liquid balance, what it delegated, and its bonds. */
export interface Account {
  balance: number;
  delegated: number;
  /** Bonded in open flags and appeals. */
  locked: number;
}

/** A validator: self-bonded and delegated stake; jailed after equivocation. */
export interface Validator {
  self: number;
  delegated: number;
  jailed: boolean;
}

/** What a flag or appeal is about. */
export type Subject = { post: string; author: string } | { author: string };

/** A flag as kept in state; `id` is the id of the entry that made it. */
export interface Flag {
  id: string;
  flagger: string;
  subject: Subject;
  category: FlagCategory;
  bond: number;
  /** Block height that included it. */
  height: number;
  status: "active" | "retracted" | "upheld" | "overturned";
  note?: string;
}

/** An appeal: a stake-weighted vote on the flags of one subject. */
export interface Appeal {
  id: string;
  appellant: string;
  subject: Subject;
  bond: number;
  opened: number;
  /** The height whose end decides it. */
  closes: number;
  /** The flags it covers (active when it opened). */
  flags: string[];
  /**
   * Each voter's choice. Weights are the voters' holdings when counted, not
   * when cast: stake moved to another key after voting moves its weight.
   */
  votes: Record<string, "uphold" | "overturn">;
  /** `lapsed`: closed without quorum; the flags stay active. */
  status: "open" | "upheld" | "overturned" | "lapsed";
  decided: number | null;
  note?: string;
}

/** Per-subject index: its live flags and its appeal. */
export interface SubjectRecord {
  subject: Subject;
  /** Ids of active and upheld flags. */
  flags: string[];
  appeal: string | null;
}

/** An author proved forked. */
export interface Forked {
  seq: number;
  height: number;
  proof: string;
}

/** A finalized checkpoint of an author's log head. */
export interface Checkpoint {
  seq: number;
  id: string;
  height: number;
}

/** The key of a subject: `post:<id>` or `author:<key>`. */
export function subjectKey(subject: Subject): string {
  return "post" in subject
    ? `post:${subject.post}`
    : `author:${subject.author}`;
}

/**
 * A ledger state. Reads and writes go through typed accessors; `fork()`
 * gives a speculative copy whose `commit()` writes back.
 *
 * @example
 * ```ts
 * const state = LedgerState.fromGenesis(genesis);
 * state.account(key).balance; // from genesis accounts
 * ```
 */
export class LedgerState {
  /** The genesis, whose params are the rules. */
  readonly genesis: Genesis;
  /**
   * Id of the last applied block (null at genesis). Not in the state root:
   * the next block's `prev` commits to it.
   */
  blockId: string | null = null;
  readonly #table: StateTable;
  readonly #base: LedgerState | undefined;

  /** Wraps `table` (use {@linkcode LedgerState.fromGenesis}). */
  constructor(genesis: Genesis, table: StateTable, base?: LedgerState) {
    this.genesis = genesis;
    this.#table = table;
    this.#base = base;
    this.blockId = base?.blockId ?? null;
  }

  /**
   * The state at height 0. Does not check the genesis; see
   * assertValidGenesis.
   */
  static fromGenesis(genesis: Genesis): LedgerState {
    const state = new LedgerState(genesis, new StateTable());
    let supply = 0;
    for (const { key, balance } of genesis.accounts) {
      state.setAccount(key, { ...state.account(key), balance });
      supply += balance;
    }
    const keys: string[] = [];
    for (const { key, stake } of genesis.validators) {
      state.setValidator(key, { self: stake, delegated: 0, jailed: false });
      keys.push(key);
      supply += stake;
    }
    keys.sort();
    state.#table.set("validators", keys);
    state.#table.set("priorities", Object.fromEntries(keys.map((k) => [k, 0])));
    state.setMeta({
      ledger: hashId(genesis),
      height: 0,
      time: genesis.time,
      supply,
      burned: 0,
    });
    return state;
  }

  /** The rules. */
  get params(): LedgerParams {
    return this.genesis.params;
  }

  /** Height, last block and totals. */
  get meta(): Meta {
    return this.#table.get<Meta>("meta")!;
  }

  /** Replaces the meta record. */
  setMeta(meta: Meta): void {
    this.#table.set("meta", meta);
  }

  /** Removes `amount` from all stake (slashing burns it). */
  burn(amount: number): void {
    if (amount === 0) return;
    const meta = this.meta;
    this.setMeta({
      ...meta,
      supply: meta.supply - amount,
      burned: meta.burned + amount,
    });
  }

  /** An account (zeroes when unknown). */
  account(key: string): Account {
    return this.#table.get<Account>(`account:${key}`) ??
      { balance: 0, delegated: 0, locked: 0 };
  }

  /** Stores an account; an all-zero account is removed. */
  setAccount(key: string, account: Account): void {
    if (account.balance + account.delegated + account.locked === 0) {
      this.#table.delete(`account:${key}`);
    } else this.#table.set(`account:${key}`, account);
  }

  /** Sorted keys of every validator, jailed ones included. */
  get validatorKeys(): string[] {
    return this.#table.get<string[]>("validators") ?? [];
  }

  /** A validator, or undefined. */
  validator(key: string): Validator | undefined {
    return this.#table.get<Validator>(`validator:${key}`);
  }

  /** Stores a validator. */
  setValidator(key: string, validator: Validator): void {
    this.#table.set(`validator:${key}`, validator);
  }

  /** Voting power of validator `key`: 0 when jailed or unknown. */
  power(key: string): number {
    const validator = this.validator(key);
    return !validator || validator.jailed
      ? 0
      : validator.self + validator.delegated;
  }

  /** Proposer priorities (see proposer.ts). */
  get priorities(): Record<string, number> {
    return this.#table.get<Record<string, number>>("priorities") ?? {};
  }

  /** Stores proposer priorities. */
  setPriorities(priorities: Record<string, number>): void {
    this.#table.set("priorities", priorities);
  }

  /** Amount `delegator` delegated to `validator`. */
  delegation(validator: string, delegator: string): number {
    return this.#table.get<number>(`delegation:${validator}:${delegator}`) ?? 0;
  }

  /** Sets a delegation; 0 removes it. */
  setDelegation(validator: string, delegator: string, amount: number): void {
    const key = `delegation:${validator}:${delegator}`;
    if (amount === 0) this.#table.delete(key);
    else this.#table.set(key, amount);
  }

  /** Delegators of `validator` with their amounts, by delegator key. */
  delegationsTo(validator: string): [string, number][] {
    const prefix = `delegation:${validator}:`;
    return [...this.#table.keys(prefix)].sort().map((key) => [
      key.slice(prefix.length),
      this.#table.get<number>(key)!,
    ]);
  }

  /** Weight of `key` in appeal votes: everything it holds. */
  holdings(key: string): number {
    const account = this.account(key);
    const validator = this.validator(key);
    return account.balance + account.delegated + account.locked +
      (validator && !validator.jailed ? validator.self : 0);
  }

  /** Last entry seq of `author` applied (0 when none). */
  nonce(author: string): number {
    return this.#table.get<number>(`nonce:${author}`) ?? 0;
  }

  /** Records `seq` as `author`'s last applied. */
  setNonce(author: string, seq: number): void {
    this.#table.set(`nonce:${author}`, seq);
  }

  /** A flag by id. */
  flag(id: string): Flag | undefined {
    return this.#table.get<Flag>(`flag:${id}`);
  }

  /** Stores a flag. */
  setFlag(flag: Flag): void {
    this.#table.set(`flag:${flag.id}`, flag);
  }

  /** The index record of a subject key. */
  subject(key: string): SubjectRecord | undefined {
    return this.#table.get<SubjectRecord>(`subject:${key}`);
  }

  /** Stores a subject record; one without flags or appeal is removed. */
  setSubject(key: string, record: SubjectRecord): void {
    if (record.flags.length === 0 && record.appeal === null) {
      this.#table.delete(`subject:${key}`);
    } else this.#table.set(`subject:${key}`, record);
  }

  /** Keys of every subject with flags or an appeal. */
  subjectKeys(): string[] {
    return [...this.#table.keys("subject:")].map((key) => key.slice(8));
  }

  /** An appeal by id. */
  appeal(id: string): Appeal | undefined {
    return this.#table.get<Appeal>(`appeal:${id}`);
  }

  /** Stores an appeal. */
  setAppeal(appeal: Appeal): void {
    this.#table.set(`appeal:${appeal.id}`, appeal);
  }

  /** Ids of appeals that close at the end of `height`. */
  closing(height: number): string[] {
    return this.#table.get<string[]>(`closing:${height}`) ?? [];
  }

  /** Sets the appeals closing at `height`. */
  setClosing(height: number, ids: string[]): void {
    if (ids.length === 0) this.#table.delete(`closing:${height}`);
    else this.#table.set(`closing:${height}`, ids);
  }

  /** Whether and when `author` was proved forked. */
  forked(author: string): Forked | undefined {
    return this.#table.get<Forked>(`forked:${author}`);
  }

  /** Marks `author` forked. */
  setForked(author: string, forked: Forked): void {
    this.#table.set(`forked:${author}`, forked);
  }

  /** The finalized checkpoint of `author`'s log, if any. */
  checkpoint(author: string): Checkpoint | undefined {
    return this.#table.get<Checkpoint>(`checkpoint:${author}`);
  }

  /** Stores a checkpoint. */
  setCheckpoint(author: string, checkpoint: Checkpoint): void {
    this.#table.set(`checkpoint:${author}`, checkpoint);
  }

  /** The equivocation that jailed `validator`: its height and the block's. */
  punished(validator: string): { at: number; height: number } | undefined {
    return this.#table.get(`punished:${validator}`);
  }

  /** Records that equivocation at `at` jailed `validator` in block `height`. */
  setPunished(
    validator: string,
    punishment: { at: number; height: number },
  ): void {
    this.#table.set(`punished:${validator}`, punishment);
  }

  /** Every flag id in state. */
  flagIds(): string[] {
    return [...this.#table.keys("flag:")].map((key) => key.slice(5));
  }

  /** Every appeal id in state. */
  appealIds(): string[] {
    return [...this.#table.keys("appeal:")].map((key) => key.slice(7));
  }

  /** Every forked author. */
  forkedAuthors(): string[] {
    return [...this.#table.keys("forked:")].map((key) => key.slice(7));
  }

  /** A speculative copy (only of a base state). */
  fork(): LedgerState {
    return new LedgerState(this.genesis, this.#table.fork(), this);
  }

  /** Writes a speculative copy's changes (and block id) into its base. */
  commit(): void {
    this.#table.commit();
    if (this.#base) this.#base.blockId = this.blockId;
  }

  /** Number of keys in the table (for benchmarks and status). */
  get size(): number {
    return this.#table.size;
  }

  /** The state root (see state_table.ts). */
  root(): string {
    return this.#table.root();
  }
}
