import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

/**
 * Listens to the page's live stream. On timelines it shows "3 new posts"
 * and loads them when asked; on threads (`immediate`) it reloads at once
 * unless the reader is writing, so nothing typed is lost.
 */
export function LiveBanner(
  props: { stream: string; immediate?: boolean; noun?: string },
) {
  const count = useSignal(0);
  useEffect(() => {
    const source = new EventSource(
      `/api/live?stream=${encodeURIComponent(props.stream)}`,
    );
    source.addEventListener("entry", () => {
      count.value++;
      if (props.immediate && !writing()) location.reload();
    });
    return () => source.close();
  }, [props.stream]);
  const noun = props.noun ?? "post";
  // One live region, always present, so screen readers hear each change.
  return (
    <div class="live-banner" aria-live="polite">
      {count.value > 0 && (
        <button
          type="button"
          class="button"
          onClick={() => location.reload()}
        >
          {count.value} new{" "}
          {count.value === 1 ? noun : noun.replace(/y$/, "ie") + "s"}: show
        </button>
      )}
    </div>
  );
}

/** Whether the reader has unsent text in a form on the page. */
function writing(): boolean {
  return [...document.querySelectorAll("textarea, input[type=text]")].some(
    (field) => (field as HTMLTextAreaElement).value.trim() !== "",
  );
}
