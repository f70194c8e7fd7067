import type { ComponentChildren } from "preact";

/** A friendly placeholder for a list with nothing in it yet. */
export function EmptyState(
  props: { title: string; children?: ComponentChildren },
) {
  return (
    <div class="empty-state" role="status">
      <h3>{props.title}</h3>
      {props.children}
    </div>
  );
}
