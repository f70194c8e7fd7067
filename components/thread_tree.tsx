import type { ThreadNode } from "../lib/app/timelines.ts";
import type { EntriesView } from "../lib/app/view.ts";
import { type FlagLedger, moderationOf } from "../lib/app/moderation.ts";
import { EntryCard, sharedOf } from "./entry_card.tsx";

/**
 * A thread as nested lists, the focused post marked (and offering to flag
 * it in `flagLedgers`).
 */
export function ThreadTree(
  props: {
    nodes: ThreadNode[];
    view: EntriesView;
    focused: string;
    flagLedgers?: FlagLedger[];
  },
) {
  const { view } = props;
  return (
    <ol class="thread">
      {props.nodes.map((node) => (
        <li key={node.item.id}>
          <EntryCard
            {...node.item}
            profile={view.profiles.get(node.item.entry.author)}
            handles={view.handles}
            stats={view.stats.get(node.item.id)}
            shared={sharedOf(view, node.item)}
            now={view.now}
            offerFollow={view.reader !== undefined &&
              node.item.entry.author !== view.reader.author &&
              !view.reader.follows.has(node.item.entry.author)}
            focused={node.item.id === props.focused}
            moderation={moderationOf(view, node.item)}
            flagLedgers={node.item.id === props.focused
              ? props.flagLedgers
              : undefined}
          />
          {node.replies.length > 0 && (
            <ThreadTree
              nodes={node.replies}
              view={view}
              focused={props.focused}
              flagLedgers={props.flagLedgers}
            />
          )}
        </li>
      ))}
    </ol>
  );
}
