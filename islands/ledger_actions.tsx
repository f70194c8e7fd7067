import { useSignal } from "@preact/signals";
import { useEffect, useId } from "preact/hooks";
import {
  accountOf,
  awaitInclusion,
  bondProblem,
  FLAG_CHOICES,
  NOTE_LIMIT,
  noteProblem,
  paramsOf,
  publishTransaction,
  subjectKeyOf,
  verdictOf,
  waitFor,
} from "../lib/browser/ledger_tx.ts";
import type { FlagCategory, Subject, Verdict } from "../lib/ledger/mod.ts";
import {
  BondForm,
  NOT_YET,
  opener,
  progress,
  useIdentity,
  useSubmission,
} from "./ledger_form.tsx";

function outcome(verdict: Verdict | null, noun: string, name: string): string {
  if (verdict?.status === "hidden") {
    return `this ${noun} is now hidden by ${name}.`;
  }
  if (verdict?.status === "warned") {
    return `this ${noun} is now behind a content warning in ${name}.`;
  }
  if (verdict?.downranked) return `this ${noun} is now down-ranked by ${name}.`;
  return `your flag counts; ${name} shows this ${noun} until flags reach its threshold.`;
}

/**
 * "Flag": choose a ledger, a category, a bond and a note, then sign a
 * `flag` transaction in this browser and wait for the block that
 * includes it. Renders nothing without JavaScript or an identity.
 */
export function FlagAction(
  props: {
    subject: Subject;
    ledgers: { id: string; name: string; flagBondMin: number }[];
  },
) {
  const identity = useIdentity();
  const open = useSignal(false);
  const ledgerId = useSignal(props.ledgers[0]?.id ?? "");
  const category = useSignal<FlagCategory>("spam");
  const bond = useSignal(String(props.ledgers[0]?.flagBondMin ?? 1));
  const note = useSignal("");
  const balance = useSignal<number | null>(null);
  const included = useSignal(false);
  const { busy, error, status, run } = useSubmission();
  const id = useId();
  const ledger = props.ledgers.find((l) => l.id === ledgerId.value) ??
    props.ledgers[0];
  const me = identity.value;

  useEffect(() => {
    if (!open.value || !me || !ledger) return;
    balance.value = null;
    accountOf(ledger.id, me.author).then(
      (account) => balance.value = account.balance,
      (failure) => error.value = (failure as Error).message,
    );
  }, [open.value, ledgerId.value, me]);

  if (!me || !ledger) return null;
  const noun = "post" in props.subject ? "post" : "author";
  const submit = () => {
    const problem =
      bondProblem(bond.value, ledger.flagBondMin, balance.value) ??
        noteProblem(note.value.trim());
    if (problem) {
      error.value = problem;
      return;
    }
    run(async () => {
      const key = subjectKeyOf(props.subject);
      const before = (await verdictOf(ledger.id, key)).verdict;
      if (before?.evidence.some((e) => e.flagger === me.author)) {
        throw new Error(`You already flag this ${noun} in ${ledger.name}.`);
      }
      const text = note.value.trim();
      const { id: flag } = await publishTransaction(me, ledger.id, {
        type: "flag",
        subject: props.subject,
        category: category.value,
        bond: Number(bond.value),
        ...(text ? { note: text } : {}),
      });
      open.value = false;
      status.value = "Submitted; waiting for block…";
      await awaitInclusion(ledger.id, flag);
      const found = await waitFor(async () => {
        const { verdict } = await verdictOf(ledger.id, key);
        const mine = verdict?.evidence.find((e) => e.flag === flag);
        return mine ? { height: mine.height, verdict } : null;
      });
      status.value = found
        ? `In block ${found.height}: ${
          outcome(found.verdict, noun, ledger.name)
        }`
        : NOT_YET;
      included.value = found !== null;
    });
  };
  return (
    <span class="ledger-action">
      {opener("Flag", open, busy.value)}
      {open.value && (
        <BondForm
          legend={`Flag this ${noun}`}
          action="Sign and flag"
          noteLabel={`Note (optional, up to ${NOTE_LIMIT} characters)`}
          bond={bond}
          note={note}
          min={ledger.flagBondMin}
          balance={balance.value}
          busy={busy.value}
          onSubmit={submit}
          onCancel={() => open.value = false}
        >
          <label for={`${id}-ledger`}>Ledger</label>
          <select
            id={`${id}-ledger`}
            value={ledgerId.value}
            onChange={(e) => {
              ledgerId.value = e.currentTarget.value;
              const chosen = props.ledgers.find((l) => l.id === ledgerId.value);
              if (chosen) bond.value = String(chosen.flagBondMin);
            }}
          >
            {props.ledgers.map((l) => (
              <option key={l.id} value={l.id}>{l.name}</option>
            ))}
          </select>
          <label for={`${id}-category`}>Category</label>
          <select
            id={`${id}-category`}
            value={category.value}
            onChange={(e) =>
              category.value = e.currentTarget.value as FlagCategory}
          >
            {FLAG_CHOICES.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </BondForm>
      )}
      {progress(status.value, error.value)}
      {included.value && (
        <button
          type="button"
          class="link-button"
          onClick={() => location.reload()}
        >
          Reload to see it
        </button>
      )}
    </span>
  );
}

/**
 * "Appeal" on a hidden or warned post: bond stake to put its flags to a
 * stake-weighted vote, signed in this browser.
 */
export function AppealAction(
  props: { ledger: string; name: string; subject: Subject; explorer: string },
) {
  const identity = useIdentity();
  const open = useSignal(false);
  const bond = useSignal("");
  const note = useSignal("");
  const min = useSignal(1);
  const balance = useSignal<number | null>(null);
  const done = useSignal(false);
  const { busy, error, status, run } = useSubmission();
  const me = identity.value;

  useEffect(() => {
    if (!open.value || !me) return;
    Promise.all([paramsOf(props.ledger), accountOf(props.ledger, me.author)])
      .then(([params, account]) => {
        min.value = params.appealBondMin;
        if (!bond.value) bond.value = String(params.appealBondMin);
        balance.value = account.balance;
      }, (failure) => error.value = (failure as Error).message);
  }, [open.value, me]);

  if (!me) return null;
  const submit = () => {
    const problem = bondProblem(bond.value, min.value, balance.value) ??
      noteProblem(note.value.trim());
    if (problem) {
      error.value = problem;
      return;
    }
    run(async () => {
      const text = note.value.trim();
      const { id: appeal } = await publishTransaction(me, props.ledger, {
        type: "appeal",
        subject: props.subject,
        bond: Number(bond.value),
        ...(text ? { note: text } : {}),
      });
      open.value = false;
      status.value = "Submitted; waiting for block…";
      await awaitInclusion(props.ledger, appeal);
      const key = subjectKeyOf(props.subject);
      const found = await waitFor(async () => {
        const { verdict } = await verdictOf(props.ledger, key);
        return verdict?.appeal?.id === appeal ? verdict.appeal : null;
      });
      status.value = found
        ? `Appeal open: stake holders vote until block ${found.closes}.`
        : NOT_YET;
      done.value = found !== null;
    });
  };
  return (
    <span class="ledger-action">
      {!done.value && opener("Appeal", open, busy.value)}
      {open.value && (
        <BondForm
          legend={`Appeal to ${props.name}`}
          action="Sign and appeal"
          noteLabel={`Why (optional, up to ${NOTE_LIMIT} characters)`}
          bond={bond}
          note={note}
          min={min.value}
          balance={balance.value}
          busy={busy.value}
          onSubmit={submit}
          onCancel={() => open.value = false}
        />
      )}
      {progress(status.value, error.value)}
      {done.value && <a href={props.explorer}>Follow the vote</a>}
    </span>
  );
}
