import { type ComponentChildren, Fragment } from "preact";
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
          <Named text={moderation.text} name={moderation.name} />
        </summary>
        {props.children}
      </details>
      <p class="verdict-line">
        <a href={moderation.href}>
          <Named
            text={moderation.openAppeal
              ? `Appeal open: vote in ${moderation.name}`
              : `Why: the flags in ${moderation.name}`}
            name={moderation.name}
          />
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
        <Named text={props.moderation.text} name={props.moderation.name} />
      </a>
    </p>
  );
}

// Letters written right to left, and the characters that set direction.
const REORDERING =
  /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;

/**
 * `text` with each occurrence of the ledger's `name` (chosen by whoever
 * wrote the ledger's genesis) in a `<bdi>` when the name could reorder
 * the words after it; other names are left as plain text.
 */
function Named(props: { text: string; name: string }) {
  const { text, name } = props;
  if (name === "" || !REORDERING.test(name)) return <>{text}</>;
  return (
    <>
      {text.split(name).map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <bdi>{name}</bdi>}
          {part}
        </Fragment>
      ))}
    </>
  );
}
