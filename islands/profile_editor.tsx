import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import {
  IDENTITY_EVENT,
  loadIdentity,
  type StoredIdentity,
} from "../lib/browser/key_store.ts";
import { publishEntry } from "../lib/browser/publish.ts";

/** Largest avatar data URL the protocol accepts (LIMITS.avatarDataChars). */
const MAX_AVATAR = 48_000;
const AVATAR_SIZE = 128;

/**
 * Edits the signed-in author's profile: name, bio and an avatar picture,
 * scaled in the browser to 128×128 and stored in the profile itself.
 */
export function ProfileEditor(
  props: { name?: string; bio?: string; avatar?: string },
) {
  const identity = useSignal<StoredIdentity | null | undefined>(undefined);
  const name = useSignal(props.name ?? "");
  const bio = useSignal(props.bio ?? "");
  const avatar = useSignal(
    props.avatar?.startsWith("data:") ? props.avatar : "",
  );
  const busy = useSignal(false);
  const error = useSignal("");
  const saved = useSignal(false);

  useEffect(() => {
    // Follows the identity panel: a created or restored key shows the
    // editor, a forgotten one hides it.
    const load = () =>
      loadIdentity().then((found) => identity.value = found, () => {
        identity.value = null;
      });
    load();
    addEventListener(IDENTITY_EVENT, load);
    return () => removeEventListener(IDENTITY_EVENT, load);
  }, []);
  if (!identity.value) return null;

  const pick = async (file: File | undefined) => {
    error.value = "";
    if (!file) return;
    try {
      avatar.value = await scaled(file);
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  };
  const save = async (event: Event) => {
    event.preventDefault();
    busy.value = true;
    error.value = "";
    saved.value = false;
    try {
      const content: Record<string, string> = {};
      if (name.value.trim()) content.name = name.value.trim();
      if (bio.value.trim()) content.bio = bio.value.trim();
      if (avatar.value) content.avatar = avatar.value;
      await publishEntry(identity.value!, "profile", content);
      saved.value = true;
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };
  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <form class="profile-form" onSubmit={save}>
        <label for="profile-name">Name</label>
        <input
          id="profile-name"
          maxLength={64}
          value={name.value}
          onInput={(event) => name.value = event.currentTarget.value}
        />
        <label for="profile-bio">Bio</label>
        <textarea
          id="profile-bio"
          rows={3}
          maxLength={1000}
          value={bio.value}
          onInput={(event) => bio.value = event.currentTarget.value}
        />
        <label for="profile-avatar">Avatar (PNG, JPEG or WebP)</label>
        <input
          id="profile-avatar"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          onChange={(event) => pick(event.currentTarget.files?.[0])}
        />
        {avatar.value && (
          <img class="avatar large" src={avatar.value} alt="Your avatar" />
        )}
        {error.value && <p class="form-error" role="alert">{error.value}</p>}
        {saved.value && <p class="notice" role="status">Profile saved.</p>}
        <button type="submit" class="button" disabled={busy.value}>
          Save profile
        </button>
      </form>
    </section>
  );
}

/** The picture cropped to a square, scaled to 128 px, as a small data URL. */
async function scaled(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new Error("Cannot read that picture: choose a PNG, JPEG or WebP");
  });
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = AVATAR_SIZE;
  const side = Math.min(bitmap.width, bitmap.height);
  canvas.getContext("2d")!.drawImage(
    bitmap,
    (bitmap.width - side) / 2,
    (bitmap.height - side) / 2,
    side,
    side,
    0,
    0,
    AVATAR_SIZE,
    AVATAR_SIZE,
  );
  for (const quality of [0.85, 0.7, 0.5, 0.3]) {
    const url = canvas.toDataURL("image/webp", quality);
    const fits = url.startsWith("data:image/webp")
      ? url
      : canvas.toDataURL("image/jpeg", quality);
    if (fits.length <= MAX_AVATAR) return fits;
  }
  throw new Error("That picture does not fit in a profile even when small");
}
