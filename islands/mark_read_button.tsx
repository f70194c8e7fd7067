import { useSignal } from "@preact/signals";
import { loadIdentity } from "../lib/browser/key_store.ts";
import { sign } from "../lib/crypto/keys.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";

/**
 * Marks the reader's notifications read up to `upTo`, signing the receipt
 * with their key so nobody else can move the marker.
 */
export function MarkReadButton(props: { author: string; upTo: number }) {
  const busy = useSignal(false);
  const error = useSignal("");
  const mark = async () => {
    busy.value = true;
    error.value = "";
    try {
      const identity = await loadIdentity();
      if (!identity || identity.author !== props.author) {
        throw new Error("This browser does not hold the key of this reader");
      }
      const message = new TextEncoder().encode(
        `kith-notifications-read/v1/${props.author}/${props.upTo}`,
      );
      const response = await fetch("/api/notifications/read", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          author: props.author,
          upTo: props.upTo,
          sig: encodeBase64Url(sign(identity.secretKey, message)),
        }),
      });
      if (!response.ok) throw new Error((await response.json()).error);
      location.reload();
    } catch (failure) {
      error.value = (failure as Error).message;
      busy.value = false;
    }
  };
  return (
    <span>
      <button
        type="button"
        class="button secondary"
        onClick={mark}
        disabled={busy.value}
      >
        Mark all as read
      </button>
      {error.value && <span class="form-error" role="alert">{error.value}
      </span>}
    </span>
  );
}
