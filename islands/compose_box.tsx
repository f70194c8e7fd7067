import { useComputed, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { loadIdentity, type StoredIdentity } from "../lib/browser/key_store.ts";
import { publishEntry } from "../lib/browser/publish.ts";
import { tagsOf, tokenize } from "../lib/app/rich_text.ts";

/** Characters a post may hold (LIMITS.textChars). */
const MAX_CHARS = 5_000;

/**
 * Writes a post or a reply: counts characters, takes an optional content
 * warning, signs in this browser and publishes through this instance.
 */
export function ComposeBox(
  props: { root?: string; parent?: string; label?: string },
) {
  const identity = useSignal<StoredIdentity | null | undefined>(undefined);
  const text = useSignal("");
  const cw = useSignal("");
  const withCw = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal("");
  const posted = useSignal<string | null>(null);
  const count = useComputed(() => [...text.value].length);

  useEffect(() => {
    loadIdentity().then((found) => identity.value = found, () => {
      identity.value = null;
    });
  }, []);

  if (identity.value === null) {
    return (
      <p class="notice">
        <a href="/identity">Create or restore your identity</a> to post.
      </p>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!identity.value) return;
    busy.value = true;
    error.value = "";
    try {
      const content: Record<string, unknown> = { text: text.value };
      const tags = tagsOf(text.value);
      if (tags.length) content.tags = tags;
      if (withCw.value && cw.value.trim()) content.cw = cw.value.trim();
      const mentions = await mentionsIn(text.value, identity.value.author);
      if (mentions.length) content.mentions = mentions;
      if (props.root && props.parent) {
        content.root = props.root;
        content.parent = props.parent;
      }
      const { id } = await publishEntry(
        identity.value,
        "post",
        content as { text: string },
      );
      text.value = "";
      cw.value = "";
      posted.value = id;
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };
  const over = count.value > MAX_CHARS;
  return (
    <form class="compose" onSubmit={submit} aria-busy={busy.value}>
      <label for="compose-text">{props.label ?? "What's happening?"}</label>
      <textarea
        id="compose-text"
        name="text"
        rows={4}
        required
        value={text.value}
        onInput={(event) => text.value = event.currentTarget.value}
        aria-describedby="compose-count"
        aria-invalid={over}
      />
      <div class="compose-row">
        <label class="inline">
          <input
            type="checkbox"
            checked={withCw.value}
            onChange={(event) => withCw.value = event.currentTarget.checked}
          />{" "}
          Content warning
        </label>
        <span id="compose-count" class={over ? "count over" : "count"}>
          {count.value} / {MAX_CHARS}
        </span>
      </div>
      {withCw.value && (
        <>
          <label for="compose-cw">Warning shown before the text</label>
          <input
            id="compose-cw"
            name="cw"
            value={cw.value}
            onInput={(event) => cw.value = event.currentTarget.value}
          />
        </>
      )}
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      {posted.value && (
        <p class="notice" role="status">
          Posted. <a href={`/posts/${posted.value}`}>See it</a>
        </p>
      )}
      <button
        type="submit"
        class="button"
        disabled={busy.value || over || identity.value === undefined ||
          text.value.trim() === ""}
      >
        {props.parent ? "Reply" : "Post"}
      </button>
    </form>
  );
}

/** Keys of the authors `@mentioned` in `text` that this instance knows. */
async function mentionsIn(text: string, self: string): Promise<string[]> {
  const handles = [
    ...new Set(
      tokenize(text).flatMap((token) =>
        token.kind === "mention" ? [token.handle] : []
      ),
    ),
  ].slice(0, 50);
  if (handles.length === 0) return [];
  const response = await fetch(
    `/api/handles?h=${encodeURIComponent(handles.join(","))}`,
  );
  if (!response.ok) return [];
  const found = await response.json() as Record<string, string | null>;
  const keys = Object.values(found).filter((key): key is string =>
    typeof key === "string" && key !== self
  );
  return [...new Set(keys)];
}
