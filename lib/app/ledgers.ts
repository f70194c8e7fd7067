/**
 * Ledger views for the explorer and the API: overview, validators,
 * accounts, open flags and appeals, and the sentences that say why a post
 * is hidden or warned.
 *
 * @module
 */
import { HttpError } from "../web/http_error.ts";
import type { LedgerNode, Ledgers, LedgerVerdict } from "../ledgers/mod.ts";
import {
  type Appeal,
  type FinalizedBlock,
  type Flag,
  validatorSet,
  type Verdict,
} from "../ledger/mod.ts";

const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The running node of ledger `param`.
 *
 * @throws {HttpError} 400 `bad_ledger` for a malformed id, 404
 * `unknown_ledger` when this instance does not honour (or run) it.
 */
export function ledgerNodeOf(ledgers: Ledgers, param: string): LedgerNode {
  if (!ID.test(param)) {
    throw new HttpError(
      400,
      `"${param}" is not a ledger id; use the 43-character base64url id`,
      { reason: "bad_ledger" },
    );
  }
  const node = ledgers.node(param);
  if (!node) {
    throw new HttpError(
      404,
      "This instance does not honour that ledger (or has not got its genesis yet)",
      { reason: "unknown_ledger" },
    );
  }
  return node;
}

/**
 * The finalized block at height `param` of `node`'s ledger.
 *
 * @throws {HttpError} 400 `bad_height` for anything but an integer ≥ 1,
 * 404 `unknown_block` when it is not finalized here (yet).
 */
export async function finalizedBlockOf(
  node: LedgerNode,
  param: string,
): Promise<FinalizedBlock> {
  const height = Number(param);
  if (!/^\d{1,15}$/.test(param) || height < 1) {
    throw new HttpError(400, "The height must be an integer ≥ 1", {
      reason: "bad_height",
    });
  }
  const finalized = await node.finalized(height);
  if (!finalized) {
    throw new HttpError(
      404,
      `Block ${height} is not finalized here yet (height ${node.height})`,
      { reason: "unknown_block" },
    );
  }
  return finalized;
}

/** A validator row of the explorer. */
export interface ValidatorView {
  key: string;
  power: number;
  self: number;
  delegated: number;
  jailed: boolean;
  /** Share of all voting power, in basis points. */
  shareBps: number;
}

/** The overview of a ledger. */
export interface LedgerOverview {
  id: string;
  name: string;
  height: number;
  time: number;
  supply: number;
  burned: number;
  totalPower: number;
  validators: ValidatorView[];
  pendingTransactions: number;
  pendingEvidence: number;
  validating: boolean;
  stateRoot: string;
  params: LedgerNode["genesis"]["params"];
  /** This instance's consensus: the height being decided, round and step. */
  consensus: LedgerNode["consensus"];
  /** Recent blocks: ms from proposal time to finality here, and the round. */
  finality: { height: number; round: number; ms: number }[];
}

/**
 * The overview of `node`'s ledger.
 *
 * @example
 * ```ts
 * const overview = ledgerOverview(ledgerNodeOf(ledgers, id));
 * ```
 */
export function ledgerOverview(node: LedgerNode): LedgerOverview {
  const { state } = node;
  const meta = state.meta;
  const { total } = validatorSet(state);
  const validators = state.validatorKeys.map((key) => {
    const v = state.validator(key)!;
    const power = state.power(key);
    return {
      key,
      power,
      self: v.self,
      delegated: v.delegated,
      jailed: v.jailed,
      shareBps: total ? Math.floor((power * 10_000) / total) : 0,
    };
  }).sort((a, b) => b.power - a.power || a.key.localeCompare(b.key));
  return {
    id: node.id,
    name: node.genesis.name,
    height: meta.height,
    time: meta.time,
    supply: meta.supply,
    burned: meta.burned,
    totalPower: total,
    validators,
    pendingTransactions: node.pending.length,
    pendingEvidence: node.pendingEvidence.length,
    validating: node.isValidator,
    stateRoot: state.root(),
    params: node.genesis.params,
    finality: node.finality,
    consensus: node.consensus,
  };
}

/** Flags and appeals of a ledger, newest first. */
export function flagsAndAppeals(
  node: LedgerNode,
  options: { open?: boolean; limit?: number } = {},
): { flags: Flag[]; appeals: Appeal[] } {
  const { state } = node;
  const limit = options.limit ?? 100;
  const flags = state.flagIds().map((id) => state.flag(id)!)
    .filter((f) => !options.open || f.status === "active")
    .sort((a, b) => b.height - a.height || a.id.localeCompare(b.id))
    .slice(0, limit);
  const appeals = state.appealIds().map((id) => state.appeal(id)!)
    .filter((a) => !options.open || a.status === "open")
    .sort((a, b) => b.opened - a.opened || a.id.localeCompare(b.id))
    .slice(0, limit);
  return { flags, appeals };
}

/** What an account holds in a ledger. */
export function accountView(node: LedgerNode, key: string) {
  const { state } = node;
  const account = state.account(key);
  const delegations = state.validatorKeys
    .map((validator) => ({
      validator,
      amount: state.delegation(validator, key),
    }))
    .filter((d) => d.amount > 0);
  return {
    key,
    ...account,
    holdings: state.holdings(key),
    nonce: state.nonce(key),
    validator: state.validator(key) ?? null,
    power: state.power(key),
    delegations,
  };
}

/** Percent of `part` in `whole` with one decimal, e.g. "7.1%". */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return "0%";
  return `${(Math.floor((part * 1000) / whole) / 10).toFixed(1)}%`;
}

/**
 * Why a ledger's verdict is what it is, in one sentence, e.g.
 * `Hidden by Commons: abuse flags bonding 7.1% of stake, block 1042`.
 */
export function verdictReason(item: LedgerVerdict): string {
  const { verdict, name } = item;
  const what = verdict.status === "hidden"
    ? "Hidden"
    : verdict.status === "warned"
    ? "Warned"
    : verdict.downranked
    ? "Down-ranked"
    : "Flagged";
  const stake = verdict.status === "hidden"
    ? verdict.stake.hide
    : verdict.downranked && verdict.status === "visible"
    ? verdict.stake.downrank
    : verdict.stake.warn;
  const parts: string[] = [];
  const labels = verdict.labels.filter((l) => l !== "forked");
  if (verdict.forked) {
    parts.push(`author proved forked at seq ${verdict.forked.seq}`);
  }
  if (labels.length > 0) {
    parts.push(
      `${labels.join(", ")} flags bonding ${
        percent(stake, verdict.stake.supply)
      } of stake`,
    );
  }
  const height = lastHeight(verdict);
  return `${what} by ${name}: ${parts.join("; ")}${
    height ? `, block ${height}` : ""
  }`;
}

function lastHeight(verdict: Verdict): number {
  return Math.max(
    0,
    verdict.forked?.height ?? 0,
    ...verdict.evidence.map((e) => e.height),
    verdict.appeal?.decided ?? 0,
  );
}

/**
 * The strongest verdict among ledgers: hidden beats warned beats
 * down-ranked; null when none applies.
 */
export function strongestVerdict(
  verdicts: LedgerVerdict[] | undefined,
): LedgerVerdict | null {
  if (!verdicts || verdicts.length === 0) return null;
  const rank = (v: Verdict) =>
    v.status === "hidden"
      ? 3
      : v.status === "warned"
      ? 2
      : v.downranked
      ? 1
      : 0;
  const best =
    [...verdicts].sort((a, b) => rank(b.verdict) - rank(a.verdict))[0];
  return rank(best.verdict) > 0 ? best : null;
}
