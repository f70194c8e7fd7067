/**
 * The end of a block: appeals due at this height are decided by the
 * stake-weighted vote they collected.
 *
 * @module
 */
import { share } from "./_internal.ts";
import type { Touched } from "./apply.ts";
import { type Appeal, type LedgerState, subjectKey } from "./state.ts";

/**
 * The weight on each side of an appeal: the current holdings of its
 * voters, so stake counts once however often it moves between keys.
 */
export function tally(
  appeal: Appeal,
  state: LedgerState,
): { uphold: number; overturn: number } {
  const sides = { uphold: 0, overturn: 0 };
  for (const [voter, choice] of Object.entries(appeal.votes)) {
    sides[choice] += state.holdings(voter);
  }
  return sides;
}

/**
 * Closes the appeals due at the end of `height`. Without a quorum of
 * stake voting (`appealQuorumBps` of all stake) an appeal lapses: the
 * flags stay as they are. With one, the larger side wins (a tie upholds).
 * Overturned flags lose `flagSlashBps` of their bond and stop counting;
 * upheld flags get their bond back and keep counting. The appellant's bond
 * comes back whole when the flags are overturned, less `appealSlashBps`
 * otherwise (upheld or lapsed), so appeals cannot be repeated for free.
 *
 * @example
 * ```ts
 * endBlock(state, { height, touched });
 * ```
 */
export function endBlock(
  state: LedgerState,
  options: { height: number; touched?: Touched },
): void {
  const { height } = options;
  const params = state.params;
  for (const id of state.closing(height)) {
    const appeal = state.appeal(id)!;
    const { overturn, uphold } = tally(appeal, state);
    const quorum = overturn + uphold >=
      Math.max(1, share(state.meta.supply, params.appealQuorumBps));
    const overturned = quorum && overturn > uphold;
    const upheld = quorum && !overturned;
    const key = subjectKey(appeal.subject);
    const record = state.subject(key)!;
    let flags = record.flags;
    let burned = 0;
    for (const flagId of quorum ? appeal.flags : []) {
      const flag = state.flag(flagId)!;
      if (flag.status !== "active") continue;
      const cut = overturned ? share(flag.bond, params.flagSlashBps) : 0;
      burned += cut;
      const account = state.account(flag.flagger);
      state.setAccount(flag.flagger, {
        ...account,
        balance: account.balance + flag.bond - cut,
        locked: account.locked - flag.bond,
      });
      state.setFlag({ ...flag, status: overturned ? "overturned" : "upheld" });
      if (overturned) flags = flags.filter((f) => f !== flagId);
    }
    const cut = overturned ? 0 : share(appeal.bond, params.appealSlashBps);
    burned += cut;
    const account = state.account(appeal.appellant);
    state.setAccount(appeal.appellant, {
      ...account,
      balance: account.balance + appeal.bond - cut,
      locked: account.locked - appeal.bond,
    });
    state.setAppeal({
      ...appeal,
      status: overturned ? "overturned" : upheld ? "upheld" : "lapsed",
      decided: height,
    });
    state.setSubject(key, { ...record, flags });
    options.touched?.add(key);
    state.burn(burned);
  }
  state.setClosing(height, []);
}
