import type { ComponentChildren } from "preact";
import type { EntriesView } from "../lib/app/view.ts";
import { moderationOf } from "../lib/app/moderation.ts";
import { EmptyState } from "./empty_state.tsx";
import { EntryCard, sharedOf } from "./entry_card.tsx";

/** Entries with their profiles, a link to older ones, or an empty state. */
export function EntryList(
  props: {
    view: EntriesView;
    next: string | null;
    emptyTitle: string;
    children?: ComponentChildren;
    focused?: string;
    /** A later page: an empty one means "no older posts", not "none yet". */
    later?: boolean;
  },
) {
  const { view } = props;
  if (view.items.length === 0) {
    return (
      <>
        {props.later
          ? (
            <EmptyState title="No older posts">
              <p>
                <a href="?">Back to the newest</a>
              </p>
            </EmptyState>
          )
          : <EmptyState title={props.emptyTitle}>{props.children}</EmptyState>}
        {props.next && (
          // A bounded scan found nothing here; older posts may still exist.
          <nav class="pager" aria-label="More">
            <a href={props.next} rel="next" class="button">Look further back</a>
          </nav>
        )}
      </>
    );
  }
  return (
    <>
      <div class="entry-list">
        {view.items.map((item) => (
          <EntryCard
            key={item.id}
            {...item}
            profile={view.profiles.get(item.entry.author)}
            handles={view.handles}
            stats={view.stats.get(item.id)}
            shared={sharedOf(view, item)}
            now={view.now}
            offerFollow={view.reader !== undefined &&
              item.entry.author !== view.reader.author &&
              !view.reader.follows.has(item.entry.author)}
            focused={item.id === props.focused}
            moderation={moderationOf(view, item)}
          />
        ))}
      </div>
      {props.next && (
        <nav class="pager" aria-label="More">
          <a href={props.next} rel="next" class="button">Older posts</a>
        </nav>
      )}
    </>
  );
}
