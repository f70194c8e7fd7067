import { type Signal, useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { loadIdentity, type StoredIdentity } from "../lib/browser/key_store.ts";
import { PublishError } from "../lib/browser/publish.ts";
import { LedgerRefusal, NOTE_LIMIT } from "../lib/browser/ledger_tx.ts";

/** What a submission says when no block includes it in time. */
export const NOT_YET =
  "Not in a block after a minute. It waits in the ledger's pool; the ledger leaves it out if it breaks a rule.";

/** The identity on this device: undefined while loading, null when none. */
export function useIdentity(): Signal<StoredIdentity | null | undefined> {
  const identity = useSignal<StoredIdentity | null | undefined>(undefined);
  useEffect(() => {
    loadIdentity().then((found) => identity.value = found, () => {
      identity.value = null;
    });
  }, []);
  return identity;
}

/** Busy, error and status of one signed transaction and its wait for a block. */
export function useSubmission() {
  const busy = useSignal(false);
  const error = useSignal("");
  const status = useSignal("");
  const run = async (work: () => Promise<void>) => {
    busy.value = true;
    error.value = "";
    status.value = "";
    try {
      await work();
    } catch (failure) {
      status.value = "";
      error.value =
        failure instanceof PublishError || failure instanceof LedgerRefusal
          ? `${failure.message} (${failure.reason})`
          : (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };
  return { busy, error, status, run };
}

/** The live status line and the error of a submission. */
export function progress(status: string, error: string) {
  return (
    <>
      <span class="ledger-status" role="status">{status}</span>
      {error && <span class="form-error" role="alert">{error}</span>}
    </>
  );
}

/**
 * The form flags and appeals share: extra fields, bond (with the signer's
 * balance and the minimum), note, buttons. Used inside other islands.
 */
export function BondForm(
  props: {
    legend: string;
    action: string;
    noteLabel: string;
    bond: Signal<string>;
    note: Signal<string>;
    min: number;
    balance: number | null;
    busy: boolean;
    onSubmit: () => void;
    onCancel: () => void;
    children?: ComponentChildren;
  },
) {
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  // The button that opened the form is gone: keyboard focus moves in.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>("select, input")?.focus();
  }, []);
  return (
    <form
      ref={form}
      class="ledger-form"
      // The island checks the bond itself, with the ledger's words.
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      <fieldset disabled={props.busy}>
        <legend>{props.legend}</legend>
        {props.children}
        <label for={`${id}-bond`}>Bond (stake)</label>
        <input
          id={`${id}-bond`}
          type="number"
          inputMode="numeric"
          min={props.min}
          max={props.balance ?? undefined}
          step={1}
          required
          value={props.bond.value}
          onInput={(e) => props.bond.value = e.currentTarget.value}
          aria-describedby={`${id}-help`}
        />
        <span id={`${id}-help`} class="muted">
          Your balance: {props.balance ?? "…"} · minimum {props.min}
        </span>
        <label for={`${id}-note`}>{props.noteLabel}</label>
        <textarea
          id={`${id}-note`}
          rows={2}
          maxLength={NOTE_LIMIT}
          value={props.note.value}
          onInput={(e) => props.note.value = e.currentTarget.value}
        />
        <span class="ledger-buttons">
          <button type="submit" class="button small">{props.action}</button>
          <button type="button" class="link-button" onClick={props.onCancel}>
            Cancel
          </button>
        </span>
      </fieldset>
    </form>
  );
}

/** The button that opens a form, absent while it is open. */
export function opener(label: string, open: Signal<boolean>, busy: boolean) {
  return !open.value && (
    <button
      type="button"
      class="link-button"
      aria-expanded="false"
      onClick={() => open.value = true}
      disabled={busy}
    >
      {label}
    </button>
  );
}
