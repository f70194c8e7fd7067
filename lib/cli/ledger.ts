/**
 * Ledger commands of the CLI: write a genesis file, and sign a ledger
 * transaction as the next entry of your log.
 *
 * @module
 */
import {
  assertValidGenesis,
  assertValidTransaction,
  DEFAULT_PARAMS,
  type Genesis,
  ledgerIdOf,
} from "../ledger/mod.ts";
import { decodeBase64Url } from "../protocol/mod.ts";
import { readKeyFile } from "./key_file.ts";

/**
 * Builds a genesis from `--validator` and `--account` values. A validator
 * is `<key or key file>[=stake]` (stake 100 by default); an account is
 * `<key or key file>=<balance>`.
 *
 * @throws {Error} For a bad key, amount or resulting genesis, e.g.
 * `Cannot make genesis: account "x=5" needs a 43-character key or a key file`.
 *
 * @example
 * ```ts
 * const genesis = await makeGenesis({ name: "Commons", validators: ["v.json"], accounts: [] }, Date.now());
 * ```
 */
export async function makeGenesis(
  options: { name: string; validators: string[]; accounts: string[] },
  time: number,
): Promise<Genesis> {
  const parse = async (
    value: string,
    fallback: number | null,
    what: string,
  ) => {
    const at = value.lastIndexOf("=");
    const who = at > 0 ? value.slice(0, at) : value;
    const amountText = at > 0 ? value.slice(at + 1) : null;
    const amount = amountText === null ? fallback : Number(amountText);
    if (amount === null || !Number.isSafeInteger(amount) || amount < 1) {
      throw new Error(
        `Cannot make genesis: ${what} "${value}" needs an amount: an integer ≥ 1 after "="`,
      );
    }
    let key = who;
    if (!decodeBase64Url(who, { expectedBytes: 32 })) {
      try {
        key = (await readKeyFile(who)).author;
      } catch {
        throw new Error(
          `Cannot make genesis: ${what} "${value}" needs a 43-character key or a key file`,
        );
      }
    }
    return { key, amount };
  };
  const validators = [];
  for (const value of options.validators) {
    const { key, amount } = await parse(value, 100, "validator");
    validators.push({ key, stake: amount });
  }
  const accounts = [];
  for (const value of options.accounts) {
    const { key, amount } = await parse(value, null, "account");
    accounts.push({ key, balance: amount });
  }
  const genesis: Genesis = {
    kind: "kith-ledger",
    version: 1,
    name: options.name,
    time,
    validators,
    accounts,
    params: DEFAULT_PARAMS,
  };
  try {
    assertValidGenesis(genesis);
  } catch (error) {
    throw new Error(`Cannot make genesis: ${(error as Error).message}`);
  }
  return genesis;
}

/**
 * Writes `genesis` to `path` (never over an existing file) and returns its
 * ledger id.
 */
export async function writeGenesis(
  path: string,
  genesis: Genesis,
): Promise<string> {
  try {
    await Deno.writeTextFile(path, JSON.stringify(genesis, null, 2) + "\n", {
      createNew: true,
    });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new Error(
        `Cannot write genesis: ${path} exists; choose another path with --out`,
      );
    }
    throw error;
  }
  return ledgerIdOf(genesis);
}

/**
 * Parses a transaction given as JSON on the command line.
 *
 * @throws {Error} `Cannot sign transaction: …` with the LedgerError message.
 */
export function parseTransaction(text: string): Record<string, unknown> {
  let tx: unknown;
  try {
    tx = JSON.parse(text);
  } catch {
    throw new Error("Cannot sign transaction: it is not JSON");
  }
  try {
    assertValidTransaction(tx);
  } catch (error) {
    throw new Error(`Cannot sign transaction: ${(error as Error).message}`);
  }
  return tx as unknown as Record<string, unknown>;
}
