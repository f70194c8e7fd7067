/**
 * The end of a block: appeals due at this height are decided by the
 * stake-weighted vote they collected.
 *
 * @module
 */
import { share } from "./_internal.ts";
import type { Touched } from "./apply.ts";
import { type LedgerState, subjectKey } from "./state.ts";

/**
 * Closes the appeals due at the end of `height`: overturned flags lose
 * `flagSlashBps` of their bond and stop counting; upheld flags get their
 * bond back and keep counting; the appellant's bond comes back, less
 * `appealSlashBps` when the flags are upheld.
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
    let overturn = 0;
    let uphold = 0;
    for (const vote of Object.values(appeal.votes)) {
      if (vote.choice === "overturn") overturn += vote.weight;
      else uphold += vote.weight;
    }
    const turnout = overturn + uphold;
    const overturned = overturn > uphold &&
      turnout >= share(state.meta.supply, params.appealQuorumBps);
    const key = subjectKey(appeal.subject);
    const record = state.subject(key)!;
    let flags = record.flags;
    let burned = 0;
    for (const flagId of appeal.flags) {
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
      status: overturned ? "overturned" : "upheld",
      decided: height,
    });
    state.setSubject(key, { ...record, flags });
    options.touched?.add(key);
    state.burn(burned);
  }
  state.setClosing(height, []);
}
