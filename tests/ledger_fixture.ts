/**
 * A ledger for multi-process suites and benchmarks: validator key files,
 * a funded account and a genesis file in a temporary folder.
 *
 * @module
 */
import { join } from "node:path";
import { writeKeyFile } from "../lib/cli/key_file.ts";
import { generateKeyPair } from "../lib/crypto/mod.ts";
import {
  DEFAULT_PARAMS,
  type Genesis,
  ledgerIdOf,
  type LedgerParams,
} from "../lib/ledger/mod.ts";
import { testAuthor } from "./helpers.ts";

/** What {@linkcode makeLedger} wrote. */
export interface LedgerFixture {
  dir: string;
  id: string;
  genesis: Genesis;
  genesisPath: string;
  /** Key file paths and keys of the validators, in genesis order. */
  validators: { path: string; key: string }[];
  /** A funded account that can sign ledger entries. */
  staker: ReturnType<typeof testAuthor>;
}

/**
 * Flags of an instance honouring `ledger` as its validator number `index`
 * (default the first).
 */
export function validatorArgs(ledger: LedgerFixture, index = 0): string[] {
  return [
    "--genesis",
    ledger.genesisPath,
    "--validator-key",
    ledger.validators[index].path,
  ];
}

/**
 * Writes `count` validator key files (stake 100 each) and a genesis that
 * also funds one staker with `balance`.
 */
export async function makeLedger(
  count: number,
  options: { balance?: number; params?: Partial<LedgerParams> } = {},
): Promise<LedgerFixture> {
  const dir = await Deno.makeTempDir({ prefix: "kith-ledger-" });
  const validators: { path: string; key: string }[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `validator-${i}.json`);
    const { author } = await writeKeyFile(path, generateKeyPair().secretKey);
    validators.push({ path, key: author });
  }
  const staker = testAuthor();
  const genesis: Genesis = {
    kind: "kith-ledger",
    version: 1,
    name: "Test commons",
    time: Date.now() - 60_000,
    validators: validators.map(({ key }) => ({ key, stake: 100 })),
    accounts: [{ key: staker.key, balance: options.balance ?? 1_000 }],
    params: { ...DEFAULT_PARAMS, ...options.params },
  };
  const genesisPath = join(dir, "genesis.json");
  await Deno.writeTextFile(genesisPath, JSON.stringify(genesis, null, 2));
  return {
    dir,
    id: ledgerIdOf(genesis),
    genesis,
    genesisPath,
    validators,
    staker,
  };
}

/** `GET /api/ledgers/:id` of an instance, or null when it does not run it. */
export async function ledgerStatus(
  url: string,
  id: string,
): Promise<{ height: number; stateRoot: string } | null> {
  const response = await fetch(`${url}/api/ledgers/${id}`);
  if (!response.ok) {
    await response.body?.cancel();
    return null;
  }
  return await response.json();
}
