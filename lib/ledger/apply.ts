/**
 * Transactions change state: each checks every rule before it writes, so
 * a refused transaction leaves the state as it was.
 *
 * @module
 */
import { check } from "./_internal.ts";
import { tally } from "./appeals.ts";
import type { SignedTransaction } from "./transaction.ts";
import {
  type Appeal,
  type Flag,
  type LedgerState,
  subjectKey,
} from "./state.ts";

/** Subject keys whose moderation may have changed. */
export type Touched = Set<string>;

/**
 * Applies one signed transaction at `height`. Signatures are the caller's
 * to check first (see block.ts).
 *
 * @throws {LedgerError} `stale_nonce`, `insufficient_stake`,
 * `unknown_target` or `not_allowed`, e.g.
 * `Cannot apply flag: balance 5 is below the bond 10`.
 *
 * @example
 * ```ts
 * applyTransaction(state, { id, signer, seq, tx }, { height: 7, touched });
 * ```
 */
export function applyTransaction(
  state: LedgerState,
  signed: SignedTransaction,
  options: { height: number; touched?: Touched },
): void {
  const { signer, seq, tx, id } = signed;
  const { height } = options;
  const touched = options.touched ?? new Set();
  const params = state.params;
  check(
    seq > state.nonce(signer),
    "stale_nonce",
    `Cannot apply ${tx.type}: seq ${seq} is not above ${
      state.nonce(signer)
    }, the signer's last`,
  );
  const account = state.account(signer);
  const needBalance = (amount: number, what: string) =>
    check(
      account.balance >= amount,
      "insufficient_stake",
      `Cannot apply ${tx.type}: balance ${account.balance} is below the ${what} ${amount}`,
    );
  switch (tx.type) {
    case "transfer": {
      needBalance(tx.amount, "amount");
      check(
        tx.to !== signer,
        "not_allowed",
        "Cannot apply transfer: to is the signer",
      );
      state.setAccount(signer, {
        ...account,
        balance: account.balance - tx.amount,
      });
      const to = state.account(tx.to);
      state.setAccount(tx.to, { ...to, balance: to.balance + tx.amount });
      break;
    }
    case "delegate": {
      const validator = state.validator(tx.validator);
      check(
        validator,
        "unknown_target",
        "Cannot apply delegate: no such validator",
      );
      check(
        !validator.jailed,
        "not_allowed",
        "Cannot apply delegate: the validator is jailed",
      );
      needBalance(tx.amount, "amount");
      state.setAccount(signer, {
        ...account,
        balance: account.balance - tx.amount,
        delegated: account.delegated + tx.amount,
      });
      state.setValidator(tx.validator, {
        ...validator,
        delegated: validator.delegated + tx.amount,
      });
      state.setDelegation(
        tx.validator,
        signer,
        state.delegation(tx.validator, signer) + tx.amount,
      );
      break;
    }
    case "undelegate": {
      const validator = state.validator(tx.validator);
      const held = state.delegation(tx.validator, signer);
      check(
        validator && held > 0,
        "unknown_target",
        "Cannot apply undelegate: no delegation to that validator",
      );
      check(
        held >= tx.amount,
        "insufficient_stake",
        `Cannot apply undelegate: delegated ${held}, asked ${tx.amount}`,
      );
      state.setAccount(signer, {
        ...account,
        balance: account.balance + tx.amount,
        delegated: account.delegated - tx.amount,
      });
      state.setValidator(tx.validator, {
        ...validator,
        delegated: validator.delegated - tx.amount,
      });
      state.setDelegation(tx.validator, signer, held - tx.amount);
      break;
    }
    case "flag": {
      check(
        tx.bond >= params.flagBondMin,
        "insufficient_stake",
        `Cannot apply flag: bond ${tx.bond} is below the minimum ${params.flagBondMin}`,
      );
      needBalance(tx.bond, "bond");
      const key = subjectKey(tx.subject);
      const record = state.subject(key) ??
        { subject: tx.subject, flags: [], appeal: null };
      check(
        !record.flags.some((flagId) => state.flag(flagId)!.flagger === signer),
        "not_allowed",
        "Cannot apply flag: the signer already flags this subject",
      );
      const flag: Flag = {
        id,
        flagger: signer,
        subject: tx.subject,
        category: tx.category,
        bond: tx.bond,
        height,
        status: "active",
        ...(tx.note ? { note: tx.note } : {}),
      };
      state.setAccount(signer, {
        ...account,
        balance: account.balance - tx.bond,
        locked: account.locked + tx.bond,
      });
      state.setFlag(flag);
      state.setSubject(key, { ...record, flags: [...record.flags, id] });
      touched.add(key);
      break;
    }
    case "retract": {
      const flag = state.flag(tx.flag);
      check(flag, "unknown_target", "Cannot apply retract: no such flag");
      check(
        flag.flagger === signer,
        "not_allowed",
        "Cannot apply retract: the flag is someone else's",
      );
      check(
        flag.status === "active" || flag.status === "upheld",
        "not_allowed",
        `Cannot apply retract: the flag is already ${flag.status}`,
      );
      const key = subjectKey(flag.subject);
      const record = state.subject(key)!;
      const appeal = record.appeal ? state.appeal(record.appeal) : undefined;
      check(
        !(appeal?.status === "open" && appeal.flags.includes(flag.id)),
        "not_allowed",
        "Cannot apply retract: an open appeal covers this flag",
      );
      if (flag.status === "active") {
        state.setAccount(signer, {
          ...account,
          balance: account.balance + flag.bond,
          locked: account.locked - flag.bond,
        });
      }
      state.setFlag({ ...flag, status: "retracted" });
      state.setSubject(key, {
        ...record,
        flags: record.flags.filter((flagId) => flagId !== flag.id),
      });
      touched.add(key);
      break;
    }
    case "appeal": {
      check(
        tx.bond >= params.appealBondMin,
        "insufficient_stake",
        `Cannot apply appeal: bond ${tx.bond} is below the minimum ${params.appealBondMin}`,
      );
      needBalance(tx.bond, "bond");
      const key = subjectKey(tx.subject);
      const record = state.subject(key);
      const covered = (record?.flags ?? []).filter((flagId) =>
        state.flag(flagId)!.status === "active"
      );
      check(
        covered.length > 0,
        "not_allowed",
        "Cannot apply appeal: the subject has no active flags",
      );
      const previous = record!.appeal
        ? state.appeal(record!.appeal)
        : undefined;
      check(
        previous?.status !== "open",
        "not_allowed",
        "Cannot apply appeal: an appeal is already open",
      );
      const appeal: Appeal = {
        id,
        appellant: signer,
        subject: tx.subject,
        bond: tx.bond,
        opened: height,
        closes: height + params.appealBlocks,
        flags: covered,
        votes: {},
        status: "open",
        decided: null,
        ...(tx.note ? { note: tx.note } : {}),
      };
      state.setAccount(signer, {
        ...account,
        balance: account.balance - tx.bond,
        locked: account.locked + tx.bond,
      });
      state.setAppeal(appeal);
      state.setClosing(appeal.closes, [...state.closing(appeal.closes), id]);
      state.setSubject(key, { ...record!, appeal: id });
      touched.add(key);
      break;
    }
    case "vote": {
      const appeal = state.appeal(tx.appeal);
      check(appeal, "unknown_target", "Cannot apply vote: no such appeal");
      check(
        appeal.status === "open",
        "not_allowed",
        `Cannot apply vote: the appeal is ${appeal.status}`,
      );
      check(
        signer !== appeal.appellant &&
          !appeal.flags.some((id) => state.flag(id)!.flagger === signer),
        "not_allowed",
        "Cannot apply vote: the signer is a party to the appeal",
      );
      check(
        state.holdings(signer) > 0,
        "insufficient_stake",
        "Cannot apply vote: the signer holds no stake",
      );
      const votes = { ...appeal.votes, [signer]: tx.choice };
      let closes = appeal.closes;
      // A side holding more than half of all stake decides at once.
      const side = tally({ ...appeal, votes }, state)[tx.choice];
      if (2 * side > state.meta.supply && closes > height) {
        state.setClosing(
          closes,
          state.closing(closes).filter((a) => a !== appeal.id),
        );
        closes = height;
        state.setClosing(height, [...state.closing(height), appeal.id]);
      }
      state.setAppeal({ ...appeal, votes, closes });
      break;
    }
    case "checkpoint": {
      check(
        state.power(signer) > 0,
        "not_allowed",
        "Cannot apply checkpoint: only validators checkpoint",
      );
      for (const head of tx.heads) {
        const known = state.checkpoint(head.author);
        check(
          !known || head.seq > known.seq,
          "not_allowed",
          `Cannot apply checkpoint: ${head.author} is already checkpointed at seq ${known?.seq}`,
        );
      }
      for (const head of tx.heads) {
        state.setCheckpoint(head.author, {
          seq: head.seq,
          id: head.id,
          height,
        });
      }
      break;
    }
  }
  state.setNonce(signer, seq);
}
