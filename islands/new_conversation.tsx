import { useSignal } from "@preact/signals";
import { loadIdentity } from "../lib/browser/key_store.ts";
import { sendMessage } from "../lib/browser/messages.ts";
import {
  groupIdOf,
  type Letter,
  MESSAGE_TEXT_CHARS,
  MessageKeys,
} from "../lib/messages/mod.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";

/** People a group can hold besides its creator (16 members in all). */
const MAX_RECIPIENTS = 15;
const KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * Starts a conversation: recipients by @handle or author key, an optional
 * group name, and the first message, sealed in this browser.
 */
export function NewConversation(props: { reader: string }) {
  const to = useSignal("");
  const name = useSignal("");
  const text = useSignal("");
  const busy = useSignal(false);
  const error = useSignal("");

  const submit = async (event: Event) => {
    event.preventDefault();
    busy.value = true;
    error.value = "";
    try {
      const identity = await loadIdentity();
      if (!identity || identity.author !== props.reader) {
        throw new Error("This browser does not hold your key");
      }
      const recipients = await resolveRecipients(to.value, identity.author);
      const keys = new MessageKeys(identity.secretKey);
      const groupName = name.value.trim();
      let letter: Letter;
      if (recipients.length > 1 || groupName) {
        const salt = encodeBase64Url(
          crypto.getRandomValues(new Uint8Array(16)),
        );
        letter = {
          to: recipients,
          conv: groupIdOf(identity.author, salt),
          payload: {
            kind: "message",
            text: text.value,
            group: groupName ? { salt, name: groupName } : { salt },
          },
        };
      } else {
        letter = {
          to: recipients,
          payload: { kind: "message", text: text.value },
        };
      }
      const { conversation } = await sendMessage(identity, keys, letter);
      location.href = `/messages/${conversation}`;
    } catch (failure) {
      error.value = (failure as Error).message;
      busy.value = false;
    }
  };

  return (
    <form class="new-conversation" onSubmit={submit}>
      <h2>New conversation</h2>
      <label for="message-to">To</label>
      <input
        id="message-to"
        type="text"
        required
        placeholder="@handle or author key; several make a group"
        value={to.value}
        onInput={(e) => to.value = (e.target as HTMLInputElement).value}
      />
      <label for="message-group-name">Group name (optional)</label>
      <input
        id="message-group-name"
        type="text"
        maxLength={64}
        value={name.value}
        onInput={(e) => name.value = (e.target as HTMLInputElement).value}
      />
      <label for="message-first-text">Message</label>
      <textarea
        id="message-first-text"
        required
        rows={3}
        maxLength={MESSAGE_TEXT_CHARS * 2}
        value={text.value}
        onInput={(e) => text.value = (e.target as HTMLTextAreaElement).value}
      />
      <button type="submit" class="button" disabled={busy.value}>
        {busy.value ? "Sending…" : "Send encrypted"}
      </button>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
    </form>
  );
}

/**
 * Author keys for the "To" field: keys as given, @handles looked up on this
 * instance (a handle two authors share resolves to nobody).
 */
async function resolveRecipients(
  field: string,
  reader: string,
): Promise<string[]> {
  const tokens = field.split(/[\s,]+/).map((token) => token.trim()).filter(
    Boolean,
  );
  if (tokens.length === 0) throw new Error("Name at least one recipient");
  const handles = tokens.filter((token) => !KEY.test(token)).map((token) =>
    token.replace(/^@/, "")
  );
  const found: Record<string, string | null> = {};
  if (handles.length > 0) {
    const response = await fetch(
      `/api/handles?h=${encodeURIComponent(handles.join(","))}`,
    );
    const body = await response.json();
    if (!response.ok) throw new Error(body.error);
    Object.assign(found, body);
  }
  const keys = tokens.map((token) => {
    if (KEY.test(token)) return token;
    const key = found[token.replace(/^@/, "")];
    if (!key) throw new Error(`Nobody here is known as ${token}`);
    return key;
  });
  const unique = [...new Set(keys)].filter((key) =>
    key !== reader || keys.length === 1
  );
  if (unique.length > MAX_RECIPIENTS) {
    throw new Error(
      `A group holds at most ${MAX_RECIPIENTS + 1} people, you included`,
    );
  }
  return unique;
}
