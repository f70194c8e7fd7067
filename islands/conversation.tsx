import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { loadIdentity, type StoredIdentity } from "../lib/browser/key_store.ts";
import {
  blockedAuthors,
  markRead,
  setBlocked,
} from "../lib/browser/message_store.ts";
import {
  fetchMessages,
  openLine,
  sendMessage,
} from "../lib/browser/messages.ts";
import {
  formatTime,
  nameOf,
  plainTextOf,
  previewOf,
  titleOf,
} from "../lib/browser/conversations.ts";
import { TextParts } from "../components/text_parts.tsx";
import {
  type ConversationView,
  foldConversation,
  MESSAGE_TEXT_CHARS,
  MessageKeys,
  type MessageKeys as Keys,
  type OpenedMessage,
} from "../lib/messages/mod.ts";

type Loaded = {
  identity: StoredIdentity;
  keys: Keys;
  opened: Map<string, OpenedMessage>;
  blocked: Set<string>;
};

/**
 * One conversation, decrypted in this browser: messages oldest first (a
 * message that fails to decrypt shows a marker), a composer, leaving a
 * group and blocking people. New messages arrive live.
 */
export function Conversation(
  props: {
    reader: string;
    conversation: string;
  },
) {
  const listedNames = useSignal<Record<string, string>>({});
  const view = useSignal<ConversationView | null>(null);
  const status = useSignal<"loading" | "ready" | "no-identity" | "error">(
    "loading",
  );
  const error = useSignal("");
  const text = useSignal("");
  const busy = useSignal(false);
  const loaded = useRef<Loaded | null>(null);
  const { reader, conversation } = props;
  const names = listedNames.value;

  const refold = () => {
    const state = loaded.current;
    if (!state) return;
    const folded = foldConversation(conversation, [...state.opened.values()], {
      reader,
      blocked: state.blocked,
    });
    view.value = folded;
    const newest = folded.messages[folded.messages.length - 1];
    if (newest) {
      markRead(reader, conversation, { upTo: newest.ts }).catch(() => {});
    }
  };

  useEffect(() => {
    let source: EventSource | null = null;
    let stopped = false;
    (async () => {
      const identity = await loadIdentity();
      if (!identity || identity.author !== reader) {
        status.value = "no-identity";
        return;
      }
      // Marks let benchmarks time opening: fetch and decrypt, then render.
      performance.mark("kith:conversation-open");
      const keys = new MessageKeys(identity.secretKey);
      const [{ messages, names: listed }, blocked] = await Promise.all([
        fetchMessages(`/api/messages/${conversation}?limit=1000`, keys),
        blockedAuthors(reader),
      ]);
      if (stopped) return;
      performance.mark("kith:conversation-decrypted");
      listedNames.value = listed;
      loaded.current = {
        identity,
        keys,
        blocked,
        opened: new Map(messages.map((message) => [message.id, message])),
      };
      refold();
      status.value = "ready";
      source = new EventSource(`/api/live?stream=messages:${reader}`);
      source.addEventListener("entry", async (event) => {
        const data = JSON.parse((event as MessageEvent).data);
        if (data.conversation !== conversation) return;
        const response = await fetch(`/api/records/${data.id}`);
        if (!response.ok || !loaded.current) return;
        const line = await response.text();
        loaded.current.opened.set(
          data.id,
          openLine(loaded.current.keys, line, { id: data.id }),
        );
        refold();
      });
    })().catch((failure) => {
      status.value = "error";
      error.value = (failure as Error).message;
    });
    return () => {
      stopped = true;
      source?.close();
    };
  }, [reader, conversation]);

  useEffect(() => {
    if (!view.value) return;
    // Newest at the bottom, as in every messenger.
    document.getElementById("message-end")?.scrollIntoView({ block: "end" });
    if (
      performance.getEntriesByName("kith:conversation-rendered").length === 0
    ) {
      performance.mark("kith:conversation-rendered");
    }
  }, [view.value?.messages.length]);

  if (status.value === "no-identity") {
    return (
      <p class="notice">
        This browser does not hold your key.{" "}
        <a href="/identity">Restore your identity</a>{" "}
        to read this conversation: messages are decrypted only on your device.
      </p>
    );
  }
  if (status.value === "error") {
    return <p class="form-error" role="alert">{error.value}</p>;
  }
  const current = view.value;
  if (!current) {
    return <p class="muted" role="status">Decrypting messages…</p>;
  }

  const isMember = current.members.includes(reader);
  const others = current.members.filter((member) => member !== reader);
  const send = async (
    payload: { kind: "message"; text: string } | { kind: "leave" },
  ) => {
    const state = loaded.current;
    if (!state) return;
    busy.value = true;
    error.value = "";
    try {
      const to = others.length > 0 ? others : [reader];
      const { id } = await sendMessage(state.identity, state.keys, {
        to,
        ...(current.kind === "group" ? { conv: conversation } : {}),
        payload,
      });
      const response = await fetch(`/api/records/${id}`);
      if (response.ok) {
        state.opened.set(
          id,
          openLine(state.keys, await response.text(), { id }),
        );
        refold();
      }
      if (payload.kind === "message") text.value = "";
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };
  const toggleBlock = async (author: string) => {
    const state = loaded.current;
    if (!state) return;
    const blocking = !state.blocked.has(author);
    if (
      blocking &&
      !confirm(plainTextOf([
        "Block ",
        { isolate: nameOf(author, names) },
        "? Their messages will be hidden.",
      ]))
    ) return;
    state.blocked = await setBlocked(reader, author, { blocked: blocking });
    refold();
  };
  const leave = () => {
    if (confirm("Leave this group? You will no longer see its messages.")) {
      send({ kind: "leave" });
    }
  };
  const blockedNow = loaded.current?.blocked ?? new Set<string>();

  return (
    <div class="conversation">
      <div class="conversation-header">
        <h2>
          <TextParts parts={titleOf(current, reader, names)} />
        </h2>
        <ul class="member-list" aria-label="People in this conversation">
          {[...new Set([...current.members, ...current.left])].map((member) => (
            <li key={member}>
              <a href={`/authors/${member}`}>
                <bdi>{nameOf(member, names)}</bdi>
              </a>
              {current.left.includes(member) && " (left)"}
              {member !== reader && (
                <button
                  type="button"
                  class="button secondary small"
                  onClick={() => toggleBlock(member)}
                >
                  {blockedNow.has(member) ? "Unblock" : "Block"}
                  <span class="visually-hidden">
                    {" "}
                    <bdi>{nameOf(member, names)}</bdi>
                  </span>
                </button>
              )}
            </li>
          ))}
        </ul>
        {current.kind === "group" && isMember && (
          <button type="button" class="button secondary" onClick={leave}>
            Leave group
          </button>
        )}
      </div>
      {!current.started && (
        <p class="notice" role="note">
          This group's first message has not arrived: who belongs to it cannot
          be checked yet.
        </p>
      )}
      {current.hidden.blocked > 0 && (
        <p class="muted">
          {current.hidden.blocked}{" "}
          {current.hidden.blocked === 1 ? "message" : "messages"}{" "}
          from people you blocked hidden.
        </p>
      )}
      <ol class="messages" aria-live="polite">
        {current.messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            reader={reader}
            names={names}
          />
        ))}
      </ol>
      <div id="message-end" />
      {isMember
        ? (
          <form
            class="message-composer"
            onSubmit={(event) => {
              event.preventDefault();
              send({ kind: "message", text: text.value });
            }}
          >
            <label for="message-text">Message</label>
            <textarea
              id="message-text"
              rows={2}
              required
              value={text.value}
              onInput={(e) =>
                text.value = (e.target as HTMLTextAreaElement).value}
            />
            <span class="muted">
              {[...text.value].length} / {MESSAGE_TEXT_CHARS}
            </span>
            <button type="submit" class="button" disabled={busy.value}>
              {busy.value ? "Sending…" : "Send"}
            </button>
          </form>
        )
        : (
          <p class="notice">
            {current.left.includes(reader)
              ? "You left this group."
              : "You are not a member of this conversation."}
          </p>
        )}
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
    </div>
  );
}

function MessageItem(
  props: {
    message: OpenedMessage;
    reader: string;
    names: Record<string, string>;
  },
) {
  const { message, reader, names } = props;
  const mine = message.author === reader;
  const failed = !message.payload;
  const notice = message.payload?.kind === "leave";
  return (
    <li
      class={`message${mine ? " mine" : ""}${notice ? " message-notice" : ""}`}
      data-id={message.id}
    >
      {!notice && (
        <span class="message-author">
          <bdi>{nameOf(message.author, names)}</bdi>
        </span>
      )}
      {failed
        ? (
          <p class="decrypt-failed" role="note">
            {message.failure === "retracted"
              ? "Message deleted"
              : "Could not decrypt this message"}
          </p>
        )
        : (
          <p class="message-text">
            <TextParts parts={previewOf(message, names)} />
          </p>
        )}
      <time dateTime={new Date(message.ts).toISOString()}>
        {formatTime(message.ts)}
      </time>
    </li>
  );
}
