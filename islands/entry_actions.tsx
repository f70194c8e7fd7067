import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { loadIdentity, type StoredIdentity } from "../lib/browser/key_store.ts";
import { publishEntry } from "../lib/browser/publish.ts";

const EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢"];

/**
 * Like, react, repost and (for one's own post) delete, signed in this
 * browser. Counts come from the server and move as the reader acts.
 */
export function EntryActions(
  props: {
    id: string;
    author: string;
    likes: number;
    reposts: number;
    reactions: Record<string, number>;
  },
) {
  const identity = useSignal<StoredIdentity | null>(null);
  const likes = useSignal(props.likes);
  const reposts = useSignal(props.reposts);
  const reactions = useSignal(props.reactions);
  const busy = useSignal(false);
  const error = useSignal("");
  const gone = useSignal(false);
  const picking = useSignal(false);
  // Reactions this reader made here: each counts once per author.
  const mine = useSignal<string[]>([]);

  useEffect(() => {
    loadIdentity().then((found) => identity.value = found, () => {});
  }, []);

  const act = async (work: (me: StoredIdentity) => Promise<void>) => {
    if (!identity.value) {
      error.value = "Create or restore your identity first (see You).";
      return;
    }
    busy.value = true;
    error.value = "";
    try {
      await work(identity.value);
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };
  const react = (reaction: string) =>
    act(async (me) => {
      await publishEntry(me, "react", {
        target: props.id,
        targetAuthor: props.author,
        reaction,
      });
      mine.value = [...mine.value, reaction];
      if (reaction === "like") likes.value++;
      else {
        reactions.value = {
          ...reactions.value,
          [reaction]: (reactions.value[reaction] ?? 0) + 1,
        };
      }
      picking.value = false;
    });
  const repost = () =>
    act(async (me) => {
      await publishEntry(me, "repost", {
        target: props.id,
        targetAuthor: props.author,
      });
      reposts.value++;
    });
  const retract = () =>
    act(async (me) => {
      if (!confirm("Delete this post? Every instance will drop its text.")) {
        return;
      }
      await publishEntry(me, "retract", { target: props.id });
      gone.value = true;
    });

  if (gone.value) {
    return <p class="notice" role="status">Deleted.</p>;
  }
  const own = identity.value?.author === props.author;
  return (
    <div class="entry-buttons">
      <button
        type="button"
        class="link-button"
        onClick={() => react("like")}
        disabled={busy.value || mine.value.includes("like")}
        aria-label={`Like (${likes.value})`}
      >
        ♥ {likes.value}
      </button>
      <button
        type="button"
        class="link-button"
        onClick={repost}
        disabled={busy.value}
        aria-label={`Repost (${reposts.value})`}
      >
        ⟳ {reposts.value}
      </button>
      {Object.entries(reactions.value).map(([emoji, count]) => (
        <span key={emoji} class="reaction">{emoji} {count}</span>
      ))}
      <button
        type="button"
        class="link-button"
        aria-expanded={picking.value}
        onClick={() => picking.value = !picking.value}
        disabled={busy.value}
      >
        React
      </button>
      {picking.value && (
        <span role="group" aria-label="Reactions">
          {EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class="link-button"
              onClick={() => react(emoji)}
              disabled={mine.value.includes(emoji)}
              aria-label={`React ${emoji}`}
            >
              {emoji}
            </button>
          ))}
        </span>
      )}
      {own && (
        <button
          type="button"
          class="link-button danger-text"
          onClick={retract}
          disabled={busy.value}
        >
          Delete
        </button>
      )}
      {error.value && <span class="form-error" role="alert">{error.value}
      </span>}
    </div>
  );
}
