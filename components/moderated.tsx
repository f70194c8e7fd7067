import type { ComponentChildren } from "preact";
import { AppealAction } from "../islands/ledger_actions.tsx";
import type { CardModeration } from "../lib/app/moderation.ts";

/**
 * A card a ledger hides or warns: collapsed in `<details>` behind the
 * reason ("Hidden by Commons: abuse flags bonding 7.1% of stake, block
 * 12") or the labels, so a click reveals it without JavaScript; below it,
 * the link to the flags in the ledger explorer and, for a signed-in
 * reader with JavaScript, "Appeal".
 */
export function Moderated(
  props: { moderation: CardModeration; children: ComponentChildren },
) {
  const { moderation } = props;
  return (
    <div class={`moderated moderated-${moderation.kind}`}>
      <details>
        <summary>
          <Worded moderation={moderation} />
        </summary>
        {props.children}
      </details>
      <p class="verdict-line">
        <a href={moderation.href}>
          {moderation.openAppeal
            ? "Appeal open: vote in "
            : "Why: the flags in "}
          <LedgerName name={moderation.name} />
        </a>
        {moderation.appealable && !moderation.openAppeal && (
          <AppealAction
            ledger={moderation.ledger}
            name={moderation.name}
            subject={moderation.subject}
            explorer={moderation.href}
          />
        )}
      </p>
    </div>
  );
}

/** The small label of a down-ranked card, linking to its flags. */
export function DownrankLabel(props: { moderation: CardModeration }) {
  return (
    <p class="verdict-label">
      <a href={props.moderation.href}>
        <Worded moderation={props.moderation} />
      </a>
    </p>
  );
}

/** What a verdict says, its ledger's name isolated. */
export function Worded(props: { moderation: CardModeration }) {
  const { around, name } = props.moderation;
  return (
    <>
      {around.before}
      <LedgerName name={name} />
      {around.after}
    </>
  );
}

// Characters written right to left (the blocks Unicode gives right-to-left
// by default, assigned or not) and those that set direction explicitly.
const REORDERING =
  /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

/**
 * A ledger's name (chosen by whoever wrote the ledger's genesis), in a
 * `<bdi>` when it holds anything that could reorder the words beside it. A
 * name of left-to-right letters, digits and punctuation cannot, on these
 * left-to-right pages, and stays plain text.
 */
export function LedgerName(props: { name: string }) {
  return REORDERING.test(props.name)
    ? <bdi>{props.name}</bdi>
    : <>{props.name}</>;
}
