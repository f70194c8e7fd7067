/**
 * The admin's choice of ledgers: honour one by id (its genesis fetched
 * from peers) or by its genesis document, or stop honouring one; every
 * bad input is a 400 with a reason the page and the API both show.
 *
 * @module
 */
import type { Ledgers, LedgerSummary } from "../ledgers/mod.ts";
import {
  assertValidGenesis,
  type Genesis,
  LedgerError,
  ledgerIdOf,
} from "../ledger/mod.ts";
import { HttpError } from "../web/http_error.ts";

const ID = /^[A-Za-z0-9_-]{43}$/;

/** What the admin asks for. */
export interface LedgerChoice {
  /** The ledger id; may be empty when `genesis` is given. */
  ledger: string;
  honour: boolean;
  /** The genesis document, as text (pasted) or as parsed JSON (API). */
  genesis?: string | unknown;
}

/**
 * Checks and applies `choice`; returns the ledger as lists show it.
 *
 * @throws {HttpError} 400 `bad_ledger` (malformed or missing id),
 * `bad_genesis` (not JSON, or breaks a rule: the LedgerError's message),
 * `genesis_mismatch` (the genesis hashes to another id).
 *
 * @example
 * ```ts
 * await chooseLedger(ledgers, { ledger: id, honour: true });
 * ```
 */
export async function chooseLedger(
  ledgers: Ledgers,
  choice: LedgerChoice,
): Promise<LedgerSummary> {
  const given = choice.ledger.trim();
  const genesis = choice.honour ? parseGenesis(choice.genesis) : undefined;
  if (given === "" && genesis === undefined) {
    throw new HttpError(
      400,
      "Give the ledger's id (43 base64url characters) or paste its genesis",
      { reason: "bad_ledger" },
    );
  }
  if (given !== "" && !ID.test(given)) {
    throw new HttpError(
      400,
      `"${given}" is not a ledger id; a ledger id has 43 base64url characters`,
      { reason: "bad_ledger" },
    );
  }
  const id = given || ledgerIdOf(genesis!);
  if (genesis !== undefined && ledgerIdOf(genesis) !== id) {
    throw new HttpError(
      400,
      `The genesis given hashes to ${
        ledgerIdOf(genesis)
      }, not ${id}: it belongs to another ledger`,
      { reason: "genesis_mismatch" },
    );
  }
  if (choice.honour) await ledgers.honour(id, genesis);
  else await ledgers.dishonour(id);
  const summary = (await ledgers.list()).find((ledger) => ledger.id === id);
  return summary ?? {
    id,
    name: null,
    honoured: false,
    running: false,
    height: 0,
    validator: false,
    source: "none",
  };
}

function parseGenesis(value: unknown): Genesis | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed = value;
  if (typeof value === "string") {
    if (value.trim() === "") return undefined;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new HttpError(
        400,
        `Cannot read the genesis: it is not JSON (${(error as Error).message})`,
        { reason: "bad_genesis" },
      );
    }
  }
  try {
    assertValidGenesis(parsed);
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    throw new HttpError(400, error.message, { reason: "bad_genesis" });
  }
  return parsed;
}
