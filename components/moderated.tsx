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
        <summary>{moderation.text}</summary>
        {props.children}
      </details>
      <p class="verdict-line">
        <a href={moderation.href}>
          {moderation.openAppeal
            ? `Appeal open: vote in ${moderation.name}`
            : `Why: the flags in ${moderation.name}`}
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
      <a href={props.moderation.href}>{props.moderation.text}</a>
    </p>
  );
}
