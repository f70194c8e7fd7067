import { useSignal } from "@preact/signals";
import {
  accountOf,
  awaitInclusion,
  flagsAndAppealsOf,
  publishTransaction,
  waitFor,
} from "../lib/browser/ledger_tx.ts";
import {
  NOT_YET,
  progress,
  useIdentity,
  useSubmission,
} from "./ledger_form.tsx";

/**
 * "Uphold" and "Overturn" on an open appeal: a stake-weighted `vote`
 * signed in this browser (a later vote replaces an earlier one). Renders
 * nothing without JavaScript or an identity; the appeal's parties (its
 * appellant and flaggers) may not vote and are told so.
 */
export function VoteButtons(
  props: { ledger: string; appeal: string; parties: string[] },
) {
  const identity = useIdentity();
  const { busy, error, status, run } = useSubmission();
  const me = identity.value;
  if (!me) return null;
  if (props.parties.includes(me.author)) {
    return (
      <span class="muted">
        You are a party to this appeal, so you do not vote on it.
      </span>
    );
  }
  const vote = (choice: "uphold" | "overturn") =>
    run(async () => {
      const account = await accountOf(props.ledger, me.author);
      if (account.holdings <= 0) {
        throw new Error(
          "You hold no stake in this ledger, so you cannot vote.",
        );
      }
      const { id } = await publishTransaction(me, props.ledger, {
        type: "vote",
        appeal: props.appeal,
        choice,
      });
      status.value = "Submitted; waiting for block…";
      await awaitInclusion(props.ledger, id);
      const appeal = await waitFor(async () => {
        const { appeals } = await flagsAndAppealsOf(props.ledger);
        const found = appeals.find((a) => a.id === props.appeal);
        return found &&
            (found.votes[me.author] === choice || found.status !== "open")
          ? found
          : null;
      });
      status.value = !appeal
        ? NOT_YET
        : appeal.status === "open"
        ? `Your vote (${choice}, weight ${account.holdings}) is in; the appeal closes at block ${appeal.closes}.`
        : appeal.status === "lapsed"
        ? "The appeal closed without a quorum: the flags stay."
        : `The appeal is decided: the flags are ${appeal.status}.`;
    });
  return (
    <span class="ledger-action vote-buttons">
      <button
        type="button"
        class="button small"
        onClick={() => vote("uphold")}
        disabled={busy.value}
      >
        Uphold
      </button>
      <button
        type="button"
        class="button small secondary"
        onClick={() => vote("overturn")}
        disabled={busy.value}
      >
        Overturn
      </button>
      {progress(status.value, error.value)}
    </span>
  );
}

/**
 * "Retract" on one's own active flag: its bond comes back once a block
 * includes the retraction. Renders only for the flag's signer.
 */
export function RetractButton(
  props: { ledger: string; flag: string; flagger: string },
) {
  const identity = useIdentity();
  const done = useSignal(false);
  const { busy, error, status, run } = useSubmission();
  const me = identity.value;
  if (!me || me.author !== props.flagger) return null;
  const retract = () =>
    run(async () => {
      if (!confirm("Retract your flag? Its bond comes back to you.")) return;
      const { id } = await publishTransaction(me, props.ledger, {
        type: "retract",
        flag: props.flag,
      });
      status.value = "Submitted; waiting for block…";
      await awaitInclusion(props.ledger, id);
      const flag = await waitFor(async () => {
        const { flags } = await flagsAndAppealsOf(props.ledger);
        const found = flags.find((f) => f.id === props.flag);
        return found?.status === "retracted" ? found : null;
      });
      status.value = flag
        ? "Retracted: your flag no longer counts and its bond is yours again."
        : NOT_YET;
      done.value = flag !== null;
    });
  return (
    <span class="ledger-action">
      {!done.value && (
        <button
          type="button"
          class="link-button danger-text"
          onClick={retract}
          disabled={busy.value}
        >
          Retract
        </button>
      )}
      {progress(status.value, error.value)}
    </span>
  );
}
