import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { claimMessage, tokenHash } from "../lib/app/admin_messages.ts";
import { sign } from "../lib/crypto/keys.ts";
import { loadIdentity, type StoredIdentity } from "../lib/browser/key_store.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import { postSigned } from "../lib/browser/admin_post.ts";

/**
 * Claims the instance for the identity in this browser: reads the claim
 * token from the link's fragment (never sent to the server in a request
 * line), signs the claim challenge and lands on /admin.
 */
export function ClaimPanel() {
  const identity = useSignal<StoredIdentity | null | undefined>(undefined);
  const token = useSignal("");
  const busy = useSignal(false);
  const error = useSignal("");

  useEffect(() => {
    token.value = location.hash.slice(1);
    loadIdentity().then((found) => identity.value = found, () => {
      identity.value = null;
    });
  }, []);

  if (identity.value === undefined) return <p class="muted">Loading…</p>;
  if (!token.value) {
    return (
      <p class="form-error" role="alert">
        This link has no claim token. Open the whole link printed when the
        instance started (it ends with <code>#</code> and the token).
      </p>
    );
  }
  if (identity.value === null) {
    return (
      <div class="claim">
        <p>
          You need an identity in this browser to own the instance. Create or
          restore one, then open the claim link again.
        </p>
        <a href="/identity" class="button">Create an identity</a>
      </div>
    );
  }
  const me = identity.value;
  const claim = async () => {
    busy.value = true;
    error.value = "";
    const origin = location.origin;
    const hash = tokenHash(token.value);
    const signature = encodeBase64Url(
      sign(
        me.secretKey,
        claimMessage(origin, { tokenHash: hash, author: me.author }),
      ),
    );
    const failure = await postSigned("/admin/claim", {
      token: token.value,
      author: me.author,
      signature,
      origin,
    });
    if (failure) {
      error.value = failure;
      busy.value = false;
      return;
    }
    // The token is used up; keep it out of the history all the same.
    history.replaceState(null, "", "/admin/claim");
    location.assign("/admin");
  };
  return (
    <div class="claim">
      <p>
        You are signed in as{" "}
        <code class="wrap">{me.author}</code>. Claiming makes this key the
        owner: only it can open the admin pages.
      </p>
      <button
        type="button"
        class="button"
        onClick={claim}
        disabled={busy.value}
      >
        Claim this instance
      </button>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
    </div>
  );
}
