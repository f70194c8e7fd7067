import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

const LABELS = { copied: "Copied", failed: "Copy failed: select the text" };

/**
 * Copies `text` to the clipboard. Rendered disabled on the server, since
 * it cannot work without JavaScript; enabled once hydrated.
 */
export function CopyButton(props: { text: string; label?: string }) {
  const ready = useSignal(false);
  const status = useSignal<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    ready.value = true;
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      status.value = "copied";
    } catch {
      status.value = "failed";
    }
  };
  return (
    <button
      type="button"
      class="button copy-button"
      disabled={!ready.value}
      onClick={copy}
      aria-live="polite"
    >
      {status.value === "idle" ? props.label ?? "Copy" : LABELS[status.value]}
    </button>
  );
}
