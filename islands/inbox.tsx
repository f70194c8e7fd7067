import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { loadIdentity } from "../lib/browser/key_store.ts";
import { blockedAuthors, readMarkers } from "../lib/browser/message_store.ts";
import { fetchMessages } from "../lib/browser/messages.ts";
import {
  type ConversationSummary,
  formatTime,
  previewOf,
  summarize,
} from "../lib/browser/conversations.ts";
import { MessageKeys } from "../lib/messages/mod.ts";
import { TextParts } from "../components/text_parts.tsx";
import { NewConversation } from "./new_conversation.tsx";

type State =
  | { status: "loading" }
  | { status: "no-identity" }
  | { status: "error"; message: string }
  | { status: "ready"; conversations: ConversationSummary[] };

/**
 * The reader's conversations, decrypted in this browser: title, last
 * message, unread count; refreshed live as messages arrive.
 */
export function Inbox(props: { reader: string }) {
  const state = useSignal<State>({ status: "loading" });
  const names = useSignal<Record<string, string>>({});

  useEffect(() => {
    let source: EventSource | null = null;
    let stopped = false;
    const load = async () => {
      const identity = await loadIdentity();
      if (!identity || identity.author !== props.reader) {
        state.value = { status: "no-identity" };
        return null;
      }
      const keys = new MessageKeys(identity.secretKey);
      const refresh = async () => {
        const [listing, blocked, read] = await Promise.all([
          fetchMessages(
            `/api/messages?participant=${props.reader}&limit=1000`,
            keys,
          ),
          blockedAuthors(props.reader),
          readMarkers(props.reader),
        ]);
        if (stopped) return;
        names.value = listing.names;
        state.value = {
          status: "ready",
          conversations: summarize(listing.messages, {
            reader: props.reader,
            blocked,
            read,
            names: listing.names,
          }),
        };
      };
      await refresh();
      return refresh;
    };
    load().then((refresh) => {
      if (!refresh || stopped) return;
      source = new EventSource(`/api/live?stream=messages:${props.reader}`);
      source.addEventListener("entry", () => {
        refresh().catch(() => {});
      });
    }).catch((error) => {
      state.value = { status: "error", message: (error as Error).message };
    });
    return () => {
      stopped = true;
      source?.close();
    };
  }, [props.reader]);

  const current = state.value;
  if (current.status === "no-identity") {
    return (
      <p class="notice">
        This browser does not hold your key.{" "}
        <a href="/identity">Restore your identity</a>{" "}
        to read your messages: they are decrypted only on your device.
      </p>
    );
  }
  return (
    <div class="inbox">
      <NewConversation reader={props.reader} />
      <h2>Conversations</h2>
      {current.status === "loading" && (
        <p class="muted" role="status">Decrypting your messages…</p>
      )}
      {current.status === "error" && (
        <p class="form-error" role="alert">{current.message}</p>
      )}
      {current.status === "ready" && current.conversations.length === 0 && (
        <p class="muted">
          No conversations yet. Start one above: only you and the people you
          write to can read it.
        </p>
      )}
      {current.status === "ready" && current.conversations.length > 0 && (
        <ul class="conversation-list">
          {current.conversations.map((conversation) => (
            <li key={conversation.key}>
              <a
                class="conversation-link"
                href={`/messages/${conversation.key}`}
              >
                <span class="conversation-title">
                  <TextParts parts={conversation.title} />
                  {conversation.unread > 0 && (
                    <span
                      class="badge"
                      aria-label={`${conversation.unread} unread`}
                    >
                      {conversation.unread}
                    </span>
                  )}
                </span>
                <span class="conversation-preview">
                  {conversation.left
                    ? "You left this group"
                    : conversation.last && (
                      <TextParts
                        parts={previewOf(conversation.last, names.value)}
                      />
                    )}
                </span>
                {conversation.last && (
                  <time
                    dateTime={new Date(conversation.last.ts).toISOString()}
                  >
                    {formatTime(conversation.last.ts)}
                  </time>
                )}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
