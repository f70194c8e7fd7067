import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { loginMessage } from "../lib/app/admin_messages.ts";
import { sign } from "../lib/crypto/keys.ts";
import { loadIdentity, type StoredIdentity } from "../lib/browser/key_store.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import { postSigned } from "../lib/browser/admin_post.ts";

/**
 * Signs the server's single-use `nonce` with the key in this browser; the
 * server opens a session only for the owner's key.
 */
export function OwnerLogin(props: { nonce: string }) {
  const identity = useSignal<StoredIdentity | null | undefined>(undefined);
  const busy = useSignal(false);
  const error = useSignal("");

  useEffect(() => {
    loadIdentity().then((found) => identity.value = found, () => {
      identity.value = null;
    });
  }, []);

  if (identity.value === undefined) return <p class="muted">Loading…</p>;
  if (identity.value === null) {
    return (
      <p>
        There is no identity in this browser. Restore the owner's key on{" "}
        <a href="/identity">your identity page</a>, then come back.
      </p>
    );
  }
  const me = identity.value;
  const signIn = async () => {
    busy.value = true;
    error.value = "";
    const origin = location.origin;
    const signature = encodeBase64Url(
      sign(
        me.secretKey,
        loginMessage(origin, { nonce: props.nonce, author: me.author }),
      ),
    );
    const failure = await postSigned("/admin/login", {
      nonce: props.nonce,
      author: me.author,
      signature,
      origin,
    });
    if (failure) {
      error.value = failure;
      busy.value = false;
      return;
    }
    location.assign("/admin");
  };
  return (
    <div class="owner-login">
      <p>
        Signed in as <code class="wrap">{me.author}</code>.
      </p>
      <button
        type="button"
        class="button"
        onClick={signIn}
        disabled={busy.value}
      >
        Sign in as the owner
      </button>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
    </div>
  );
}
