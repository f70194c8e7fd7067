/**
 * Ledger transactions from the browser: the checks the form makes before
 * signing (the ledger's own rules, so a refused transaction is rare), the
 * signed entry itself, and polling the instance until a block includes
 * it. Browser-safe.
 *
 * @module
 */
import type {
  Appeal,
  Flag,
  FlagCategory,
  Subject,
  Transaction,
  Verdict,
} from "../ledger/mod.ts";
import { publishEntry } from "./publish.ts";

/**
 * The flag categories, in lib/ledger's order (its FLAG_CATEGORIES; the
 * value is repeated so the browser bundle leaves the ledger core out).
 */
export const FLAG_CHOICES: readonly FlagCategory[] = [
  "spam",
  "abuse",
  "illegal",
  "sexual",
  "violence",
  "impersonation",
  "other",
];

/** Most characters of a flag's or appeal's note (lib/ledger's NOTE_CHARS). */
export const NOTE_LIMIT = 280;

/** What an account holds in a ledger, as `/api/ledgers/:id/accounts/:key` says. */
export interface LedgerAccount {
  balance: number;
  locked: number;
  /** Weight in appeal votes: everything the key holds. */
  holdings: number;
}

/** The key of a subject: `post:<id>` or `author:<key>`. */
export function subjectKeyOf(subject: Subject): string {
  return "post" in subject
    ? `post:${subject.post}`
    : `author:${subject.author}`;
}

/**
 * Why `bond` cannot be bonded, or null when it can: a whole number, at
 * least `min`, at most the liquid `balance` (when known).
 *
 * @example
 * ```ts
 * bondProblem("5", 10, 700); // "The bond must be at least 10."
 * ```
 */
export function bondProblem(
  bond: string,
  min: number,
  balance: number | null,
): string | null {
  const amount = Number(bond);
  if (!/^\d{1,15}$/.test(bond.trim()) || !Number.isSafeInteger(amount)) {
    return "The bond must be a whole number of stake units.";
  }
  if (amount < min) return `The bond must be at least ${min}.`;
  if (balance !== null && amount > balance) {
    return `The bond is more than your balance (${balance}).`;
  }
  return null;
}

/** Why `note` cannot go with a flag or appeal, or null. */
export function noteProblem(note: string): string | null {
  return [...note].length > NOTE_LIMIT
    ? `The note has ${[...note].length} characters; at most ${NOTE_LIMIT} fit.`
    : null;
}

/**
 * Signs `tx` as a `ledger` entry of the identity's log and posts it; the
 * entry id names the flag or appeal it makes.
 *
 * @throws {PublishError} With the instance's reason and message.
 */
export function publishTransaction(
  identity: { author: string; secretKey: Uint8Array },
  ledger: string,
  tx: Transaction,
): Promise<{ id: string; seq: number }> {
  return publishEntry(identity, "ledger", {
    ledger,
    tx: tx as unknown as Record<string, unknown>,
  });
}

/**
 * GETs JSON from the instance.
 *
 * @throws {Error} With the instance's message, e.g. "This instance does
 * not honour that ledger (or has not got its genesis yet)".
 */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, {
    headers: { Accept: "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(
      typeof body.error === "string"
        ? body.error
        : `The instance answered ${response.status}`,
    );
  }
  return body as T;
}

/** What `key` holds in `ledger`. */
export function accountOf(ledger: string, key: string): Promise<LedgerAccount> {
  return getJson(`/api/ledgers/${ledger}/accounts/${key}`);
}

/** The ledger's rules that forms need. */
export async function paramsOf(
  ledger: string,
): Promise<{ flagBondMin: number; appealBondMin: number }> {
  const overview = await getJson<
    { params: { flagBondMin: number; appealBondMin: number } }
  >(`/api/ledgers/${ledger}`);
  return overview.params;
}

/** The ledger's verdict on a subject key, and its height. */
export async function verdictOf(
  ledger: string,
  key: string,
): Promise<{ height: number; verdict: Verdict | null }> {
  const body = await getJson<
    { height: number; verdicts: Record<string, Verdict | null> }
  >(`/api/ledgers/${ledger}/verdicts?subject=${encodeURIComponent(key)}`);
  return { height: body.height, verdict: body.verdicts[key] ?? null };
}

/** The newest flags and appeals of a ledger. */
export function flagsAndAppealsOf(
  ledger: string,
): Promise<{ flags: Flag[]; appeals: Appeal[] }> {
  return getJson(`/api/ledgers/${ledger}/flags`);
}

/** The ledger refuses a submitted transaction in its current state. */
export class LedgerRefusal extends Error {
  /** The ledger's reason, e.g. `insufficient_stake`. */
  readonly reason: string;

  /** Creates the error from the instance's answer. */
  constructor(reason: string, message: string) {
    super(`The ledger will not include it: ${message}`);
    this.name = "LedgerRefusal";
    this.reason = reason;
  }
}

/**
 * Polls `/api/ledgers/:ledger/transactions/:id` until the entry is in a
 * block (resolves its height) or time runs out (null).
 *
 * @throws {LedgerRefusal} When the ledger's current state refuses it, with
 * the ledger's reason and message.
 *
 * @example
 * ```ts
 * const height = await awaitInclusion(ledger, id);
 * ```
 */
export async function awaitInclusion(
  ledger: string,
  entryId: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<number | null> {
  let refusal: LedgerRefusal | null = null;
  const height = await waitFor(async () => {
    const status = await getJson<
      { status: string; height?: number; reason?: string; message?: string }
    >(`/api/ledgers/${ledger}/transactions/${entryId}`);
    if (status.status === "included") return status.height!;
    if (status.status === "refused") {
      refusal = new LedgerRefusal(status.reason!, status.message!);
      return -1;
    }
    return null;
  }, options);
  if (refusal) throw refusal;
  return height;
}

/**
 * Asks `probe` every `intervalMs` until it returns a value, for at most
 * `timeoutMs`; null when time runs out. Failed probes count as "not yet".
 *
 * @example
 * ```ts
 * const flag = await waitFor(async () => (await flagsAndAppealsOf(id)).flags.find((f) => f.id === mine) ?? null);
 * ```
 */
export async function waitFor<T>(
  probe: () => Promise<T | null>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T | null> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const interval = options.intervalMs ?? 1_000;
  while (true) {
    const found = await probe().catch(() => null);
    if (found !== null) return found;
    if (Date.now() + interval > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
