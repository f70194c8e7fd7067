import { EmptyState } from "../../components/empty_state.tsx";
import { Conversation } from "../../islands/conversation.tsx";
import { parseConversationParam } from "../../lib/app/messages.ts";
import { viewerOf } from "../../lib/app/viewer.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

type Data =
  | { reader: null }
  | { reader: string; conversation: string };

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    const conversation = parseConversationParam(ctx.params.conversation);
    const reader = viewerOf(ctx.hono);
    // A shell: the island fetches and decrypts the messages.
    return ctx.render(
      (reader ? { reader, conversation } : { reader: null }) satisfies Data,
      { headers: { "Cache-Control": "private, no-cache" } },
    );
  },
};

export default function ConversationPage(
  { data }: PageProps<Data, AppState>,
) {
  return (
    <section aria-labelledby="conversation-title">
      <Head>
        <title>Conversation</title>
      </Head>
      <p>
        <a href="/messages">← All conversations</a>
      </p>
      <h1 id="conversation-title">Conversation</h1>
      {data.reader === null
        ? (
          <EmptyState title="Sign in to read this conversation">
            <p>
              Messages are decrypted with your key, in your browser.{" "}
              <a href="/identity">Create or restore your identity</a> first.
            </p>
          </EmptyState>
        )
        : (
          <>
            <noscript>
              <p class="notice">
                Messages are decrypted in your browser, so this page needs
                JavaScript.
              </p>
            </noscript>
            <Conversation
              reader={data.reader}
              conversation={data.conversation}
            />
          </>
        )}
    </section>
  );
}
