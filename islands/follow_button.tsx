import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { loadIdentity, type StoredIdentity } from "../lib/browser/key_store.ts";
import { publishEntry } from "../lib/browser/publish.ts";

/** Follows or unfollows `target`, signed in this browser. */
export function FollowButton(
  props: { target: string; following: boolean; compact?: boolean },
) {
  const identity = useSignal<StoredIdentity | null | undefined>(undefined);
  const following = useSignal(props.following);
  const busy = useSignal(false);
  const error = useSignal("");

  useEffect(() => {
    loadIdentity().then((found) => identity.value = found, () => {
      identity.value = null;
    });
  }, []);

  if (identity.value === null) {
    return props.compact
      ? null
      : <a href="/identity" class="button">Create an identity to follow</a>;
  }
  if (identity.value?.author === props.target) return null;
  const toggle = async () => {
    busy.value = true;
    error.value = "";
    try {
      await publishEntry(
        identity.value!,
        following.value ? "unfollow" : "follow",
        { target: props.target },
      );
      following.value = !following.value;
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };
  return (
    <span class="follow">
      <button
        type="button"
        class={`${following.value ? "button secondary" : "button"}${
          props.compact ? " small" : ""
        }`}
        aria-pressed={following.value}
        onClick={toggle}
        disabled={busy.value || identity.value === undefined}
      >
        {following.value ? "Following" : "Follow"}
      </button>
      {error.value && <span class="form-error" role="alert">{error.value}
      </span>}
    </span>
  );
}
