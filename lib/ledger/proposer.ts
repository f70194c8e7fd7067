/**
 * Validator sets and proposer selection: stake-weighted round robin with
 * CometBFT's proposer priorities. Every round each active validator's
 * priority grows by its power; the highest (ties: the smallest key)
 * proposes and pays the total power back.
 *
 * @module
 */
import type { LedgerState } from "./state.ts";

/** The validators that vote at a height, with their power. */
export interface ValidatorSet {
  members: { key: string; power: number }[];
  total: number;
}

/** The active validators (power > 0) of a state, sorted by key. */
export function validatorSet(state: LedgerState): ValidatorSet {
  const members = state.validatorKeys
    .map((key) => ({ key, power: state.power(key) }))
    .filter((member) => member.power > 0);
  return { members, total: members.reduce((sum, m) => sum + m.power, 0) };
}

/** Whether `power` is more than 2/3 of `total`. */
export function isQuorum(power: number, total: number): boolean {
  return 3 * power > 2 * total;
}

/** Whether `power` is more than 1/3 of `total`. */
export function isOneThird(power: number, total: number): boolean {
  return 3 * power > total;
}

/**
 * Runs `round + 1` increments from the state's priorities: the proposer
 * of height `state.meta.height + 1` at `round`, and the priorities the
 * next state keeps if that block is decided.
 *
 * @example
 * ```ts
 * const { proposer } = proposerOf(state, 0);
 * ```
 */
export function proposerOf(
  state: LedgerState,
  round: number,
): { proposer: string; priorities: Record<string, number> } {
  const { members, total } = validatorSet(state);
  if (members.length === 0) {
    throw new Error("Cannot choose a proposer: no validator has power");
  }
  const stored = state.priorities;
  const priorities: Record<string, number> = {};
  for (const { key } of members) priorities[key] = stored[key] ?? 0;
  // Centring keeps priorities small when the set changes.
  const mean = Math.floor(
    members.reduce((sum, m) => sum + priorities[m.key], 0) / members.length,
  );
  for (const { key } of members) priorities[key] -= mean;
  let proposer = members[0].key;
  for (let step = 0; step <= round; step++) {
    let best = -Infinity;
    for (const { key, power } of members) {
      priorities[key] += power;
      if (priorities[key] > best) {
        best = priorities[key];
        proposer = key;
      }
    }
    priorities[proposer] -= total;
  }
  return { proposer, priorities };
}
