import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { generateKeyPair } from "../lib/crypto/keys.ts";
import { fingerprint, handleOf } from "../lib/identity/handle.ts";
import {
  forgetIdentity,
  loadIdentity,
  saveIdentity,
} from "../lib/browser/key_store.ts";

type View = "loading" | "none" | "ready";

/**
 * Creates, shows, backs up, restores and forgets the identity kept in this
 * browser. The key never leaves the browser; backups are sealed with a
 * passphrase before they are shown or downloaded.
 */
export function IdentityPanel() {
  const view = useSignal<View>("loading");
  const author = useSignal<string | null>(null);
  const secret = useSignal<Uint8Array | null>(null);
  const message = useSignal("");
  const error = useSignal("");
  const backupText = useSignal("");
  const busy = useSignal(false);

  const show = (identity: { author: string; secretKey: Uint8Array } | null) => {
    author.value = identity?.author ?? null;
    secret.value = identity?.secretKey ?? null;
    view.value = identity ? "ready" : "none";
  };

  useEffect(() => {
    loadIdentity().then(show, (failure) => {
      error.value = String(failure.message ?? failure);
      view.value = "none";
    });
  }, []);

  const run = async (work: () => Promise<void>) => {
    busy.value = true;
    error.value = "";
    message.value = "";
    try {
      await work();
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };

  const create = () =>
    run(async () => {
      show(await saveIdentity(generateKeyPair().secretKey));
      message.value =
        "Your identity is ready. Make a backup now: without it, losing this browser's data loses the key.";
    });

  const exportBackup = (form: HTMLFormElement) =>
    run(async () => {
      const data = new FormData(form);
      const passphrase = String(data.get("passphrase") ?? "");
      if (passphrase !== String(data.get("confirm") ?? "")) {
        throw new Error("The two passphrases differ");
      }
      const { encryptBackup } = await import("../lib/identity/backup.ts");
      const text = await encryptBackup(secret.value!, passphrase);
      backupText.value = text;
      const link = document.createElement("a");
      link.href = URL.createObjectURL(
        new Blob([text + "\n"], { type: "application/json" }),
      );
      link.download = "kith-key-backup.json";
      link.click();
      URL.revokeObjectURL(link.href);
      message.value =
        "Backup made: the file is downloading, and the text is below.";
    });

  const restore = (form: HTMLFormElement) =>
    run(async () => {
      const data = new FormData(form);
      const file = data.get("file");
      const text = file instanceof File && file.size > 0
        ? await file.text()
        : String(data.get("backup") ?? "");
      const { decryptBackup } = await import("../lib/identity/backup.ts");
      const { secretKey } = await decryptBackup(
        text,
        String(data.get("passphrase") ?? ""),
      );
      show(await saveIdentity(secretKey));
      message.value =
        "Identity restored on this browser. If you posted through another instance, wait until this one shows your posts before posting here: signing on an incomplete log would fork it.";
    });

  const signOut = () =>
    run(async () => {
      const sure = confirm(
        "Forget your key on this browser? Without a backup you cannot post as this identity again.",
      );
      if (!sure) return;
      await forgetIdentity();
      backupText.value = "";
      show(null);
      message.value = "Signed out: the key is gone from this browser.";
    });

  return (
    <div
      class="identity-panel"
      aria-busy={busy.value || view.value === "loading"}
    >
      {message.value && <p class="notice" role="status">{message.value}</p>}
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      {view.value === "loading" && <p class="muted">Checking this browser…</p>}
      {view.value === "ready" && author.value && (
        <>
          <section aria-labelledby="you-heading">
            <h2 id="you-heading">You</h2>
            <p>
              <strong class="handle">{handleOf(author.value)}</strong>{" "}
              fingerprint{" "}
              <strong class="fingerprint">{fingerprint(author.value)}</strong>
            </p>
            <p class="author-key">{author.value}</p>
            <p>
              <a href={`/authors/${author.value}`}>Your page</a>
            </p>
          </section>
          <section aria-labelledby="backup-heading">
            <h2 id="backup-heading">Back up your key</h2>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                exportBackup(event.currentTarget);
              }}
            >
              <label for="backup-passphrase">Passphrase</label>
              <input
                id="backup-passphrase"
                name="passphrase"
                type="password"
                required
                autocomplete="new-password"
              />
              <label for="backup-confirm">Passphrase again</label>
              <input
                id="backup-confirm"
                name="confirm"
                type="password"
                required
                autocomplete="new-password"
              />
              <button type="submit" class="button" disabled={busy.value}>
                Make encrypted backup
              </button>
            </form>
            {backupText.value && (
              <>
                <label for="backup-text">Backup as text</label>
                <textarea
                  id="backup-text"
                  readOnly
                  rows={4}
                  value={backupText.value}
                />
              </>
            )}
          </section>
          <section aria-labelledby="signout-heading">
            <h2 id="signout-heading">Sign out</h2>
            <p class="muted">
              Signing out forgets the key on this browser. Make a backup first.
            </p>
            <button
              type="button"
              class="button danger"
              onClick={signOut}
              disabled={busy.value}
            >
              Sign out and forget the key
            </button>
          </section>
        </>
      )}
      {view.value === "none" && (
        <>
          <section aria-labelledby="create-heading">
            <h2 id="create-heading">Create an identity</h2>
            <p>
              Your key is made in this browser and never leaves it; your posts
              are signed with it.
            </p>
            <button
              type="button"
              class="button"
              onClick={create}
              disabled={busy.value}
            >
              Create identity
            </button>
          </section>
          <section aria-labelledby="restore-heading">
            <h2 id="restore-heading">Restore from a backup</h2>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                restore(event.currentTarget);
              }}
            >
              <label for="restore-file">Backup file</label>
              <input
                id="restore-file"
                name="file"
                type="file"
                accept="application/json,.json"
              />
              <label for="restore-text">…or backup text</label>
              <textarea id="restore-text" name="backup" rows={4} />
              <label for="restore-passphrase">Passphrase</label>
              <input
                id="restore-passphrase"
                name="passphrase"
                type="password"
                required
                autocomplete="current-password"
              />
              <button type="submit" class="button" disabled={busy.value}>
                Restore identity
              </button>
            </form>
          </section>
        </>
      )}
    </div>
  );
}
