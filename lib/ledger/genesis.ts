/**
 * A ledger's genesis: its first validators and balances and the rules it
 * keeps for ever. A ledger is named by the hash of its genesis.
 *
 * @module
 */
import {
  check,
  hashId,
  isInteger,
  isKey,
  isObject,
  onlyFields,
} from "./_internal.ts";

/** The kinds of flag, in the order the spec lists them. */
export const FLAG_CATEGORIES = [
  "spam",
  "abuse",
  "illegal",
  "sexual",
  "violence",
  "impersonation",
  "other",
] as const;

/** One of {@linkcode FLAG_CATEGORIES}. */
export type FlagCategory = typeof FLAG_CATEGORIES[number];

/**
 * What flags of a category do once their bonds pass the threshold:
 * `hide` collapses the subject, `warn` puts it behind a label, `downrank`
 * only lowers it in ranked lists (and labels it).
 */
export type FlagEffect = "hide" | "warn" | "downrank";

/** The rules of a ledger; every amount is in stake units, shares in bps. */
export interface LedgerParams {
  /** Smallest bond of a flag. */
  flagBondMin: number;
  /** Smallest bond of an appeal. */
  appealBondMin: number;
  /** Active flag bonds on a subject at or above this share of all stake warn. */
  warnBps: number;
  /** Bonds of `hide` flags at or above this share hide the subject. */
  hideBps: number;
  /** Bonds of `downrank` flags at or above this share down-rank it. */
  downrankBps: number;
  /** Blocks an appeal stays open for votes. */
  appealBlocks: number;
  /** Share of all stake that must vote before an appeal can overturn. */
  appealQuorumBps: number;
  /** Share of an overturned flag's bond that is burned. */
  flagSlashBps: number;
  /** Share of an appeal's bond that is burned when the flags are upheld. */
  appealSlashBps: number;
  /** Share of an equivocating validator's stake (and delegations) burned. */
  equivocationSlashBps: number;
  /** Blocks after which evidence is too old to include. */
  evidenceMaxAge: number;
  /** Most transactions (records) in one block. */
  maxBlockTxs: number;
  /** Consensus timeouts in ms: base values and the increase per round. */
  timeoutProposeMs: number;
  timeoutPrevoteMs: number;
  timeoutPrecommitMs: number;
  timeoutDeltaMs: number;
  /** Least time between two blocks' timestamps, in ms. */
  blockIntervalMs: number;
  /** What each category does. */
  categories: Record<FlagCategory, FlagEffect>;
}

/** A genesis document. */
export interface Genesis {
  kind: "kith-ledger";
  version: 1;
  /** Human name shown on pages, at most 64 characters. */
  name: string;
  /** Genesis time in ms since the epoch; block 1 must be later. */
  time: number;
  /** The validator set: key and self-bonded stake (at least 1 each). */
  validators: { key: string; stake: number }[];
  /** Liquid balances. */
  accounts: { key: string; balance: number }[];
  params: LedgerParams;
}

/** Defaults for {@linkcode LedgerParams}, used by `kith ledger init`. */
export const DEFAULT_PARAMS: LedgerParams = {
  flagBondMin: 10,
  appealBondMin: 10,
  warnBps: 200,
  hideBps: 500,
  downrankBps: 200,
  appealBlocks: 20,
  appealQuorumBps: 1_000,
  flagSlashBps: 5_000,
  appealSlashBps: 5_000,
  equivocationSlashBps: 500,
  evidenceMaxAge: 1_000,
  maxBlockTxs: 500,
  timeoutProposeMs: 400,
  timeoutPrevoteMs: 200,
  timeoutPrecommitMs: 200,
  timeoutDeltaMs: 200,
  blockIntervalMs: 100,
  categories: {
    spam: "downrank",
    abuse: "hide",
    illegal: "hide",
    sexual: "warn",
    violence: "warn",
    impersonation: "warn",
    other: "warn",
  },
};

const MAX_VALIDATORS = 150;
const MAX_ACCOUNTS = 10_000;
const EFFECTS: readonly FlagEffect[] = ["hide", "warn", "downrank"];
const BPS_FIELDS = [
  "warnBps",
  "hideBps",
  "downrankBps",
  "appealQuorumBps",
  "flagSlashBps",
  "appealSlashBps",
  "equivocationSlashBps",
] as const;
const COUNT_FIELDS = [
  "flagBondMin",
  "appealBondMin",
  "appealBlocks",
  "evidenceMaxAge",
  "maxBlockTxs",
  "timeoutProposeMs",
  "timeoutPrevoteMs",
  "timeoutPrecommitMs",
  "timeoutDeltaMs",
  "blockIntervalMs",
] as const;

/**
 * Checks a genesis document: fields, keys, positive integer stakes, no
 * duplicate keys, parameters in range, total stake a safe integer.
 *
 * @throws {LedgerError} `bad_genesis`, e.g.
 * `Cannot accept genesis: validator 2 has stake 0, expected at least 1`.
 *
 * @example
 * ```ts
 * assertValidGenesis(JSON.parse(await Deno.readTextFile("genesis.json")));
 * ```
 */
export function assertValidGenesis(value: unknown): asserts value is Genesis {
  const fail = (message: string) => `Cannot accept genesis: ${message}`;
  check(isObject(value), "bad_genesis", fail("expected an object"));
  onlyFields(
    value,
    ["kind", "version", "name", "time", "validators", "accounts", "params"],
    "bad_genesis",
    "genesis",
  );
  check(
    value.kind === "kith-ledger",
    "bad_genesis",
    fail('kind must be "kith-ledger"'),
  );
  check(value.version === 1, "bad_genesis", fail("version must be 1"));
  check(
    typeof value.name === "string" && value.name.length >= 1 &&
      [...value.name].length <= 64,
    "bad_genesis",
    fail("name must have 1 to 64 characters"),
  );
  check(isInteger(value.time), "bad_genesis", fail("time must be ms ≥ 0"));
  const seen = new Set<string>();
  let total = 0;
  const list = (field: "validators" | "accounts", amount: string) => {
    const items = value[field];
    check(Array.isArray(items), "bad_genesis", fail(`${field} must be a list`));
    const max = field === "validators" ? MAX_VALIDATORS : MAX_ACCOUNTS;
    const min = field === "validators" ? 1 : 0;
    check(
      items.length >= min && items.length <= max,
      "bad_genesis",
      fail(`${field} must have ${min} to ${max} items, got ${items.length}`),
    );
    items.forEach((item: unknown, index: number) => {
      const at = `${field.slice(0, -1)} ${index + 1}`;
      check(isObject(item), "bad_genesis", fail(`${at} must be an object`));
      onlyFields(item, ["key", amount], "bad_genesis", `genesis ${at}`);
      check(isKey(item.key), "bad_genesis", fail(`${at} has a bad key`));
      check(
        isInteger(item[amount], 1),
        "bad_genesis",
        fail(`${at} has ${amount} ${item[amount]}, expected at least 1`),
      );
      const key = `${field}:${item.key}`;
      check(!seen.has(key), "bad_genesis", fail(`${at} repeats a key`));
      seen.add(key);
      total += item[amount] as number;
    });
  };
  list("validators", "stake");
  list("accounts", "balance");
  check(
    Number.isSafeInteger(total),
    "bad_genesis",
    fail("total stake is not a safe integer"),
  );
  assertValidParams(value.params);
}

function assertValidParams(params: unknown): asserts params is LedgerParams {
  const fail = (message: string) => `Cannot accept genesis: params.${message}`;
  check(
    isObject(params),
    "bad_genesis",
    "Cannot accept genesis: params must be an object",
  );
  onlyFields(
    params,
    [...BPS_FIELDS, ...COUNT_FIELDS, "categories"],
    "bad_genesis",
    "genesis params",
  );
  for (const field of BPS_FIELDS) {
    const v = params[field];
    check(
      isInteger(v) && v <= 10_000,
      "bad_genesis",
      fail(`${field} is ${v}, expected 0 to 10000`),
    );
  }
  for (const field of COUNT_FIELDS) {
    const v = params[field];
    check(
      isInteger(v, 1),
      "bad_genesis",
      fail(`${field} is ${v}, expected an integer ≥ 1`),
    );
  }
  const categories = params.categories;
  check(
    isObject(categories),
    "bad_genesis",
    fail("categories is not an object"),
  );
  onlyFields(categories, FLAG_CATEGORIES, "bad_genesis", "genesis categories");
  for (const category of FLAG_CATEGORIES) {
    check(
      EFFECTS.includes(categories[category] as FlagEffect),
      "bad_genesis",
      fail(`categories.${category} must be hide, warn or downrank`),
    );
  }
}

/**
 * The ledger id: SHA-256 of the canonical genesis, base64url.
 *
 * @throws {LedgerError} `bad_genesis` when the genesis is invalid.
 *
 * @example
 * ```ts
 * const id = ledgerIdOf(genesis); // 43 characters, e.g. for KITH_LEDGERS
 * ```
 */
export function ledgerIdOf(genesis: Genesis): string {
  assertValidGenesis(genesis);
  return hashId(genesis);
}
