import { EmptyState } from "../../components/empty_state.tsx";
import { Conversation } from "../../islands/conversation.tsx";
import {
  conversationMessages,
  MESSAGE_PAGE,
  namesOf,
  parseKeyParam,
  participantsIn,
} from "../../lib/app/messages.ts";
import { viewerOf } from "../../lib/app/viewer.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

type Data =
  | { reader: null }
  | {
    reader: string;
    conversation: string;
    names: Record<string, string>;
  };

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const conversation = parseKeyParam(
      ctx.params.conversation,
      "conversation",
    );
    const reader = viewerOf(ctx.hono);
    const headers = { "Cache-Control": "private, no-cache" };
    if (!reader) {
      return ctx.render({ reader: null } satisfies Data, { headers });
    }
    const { kv } = ctx.state.instance;
    const page = await conversationMessages(kv, conversation, {
      limit: MESSAGE_PAGE.max,
    });
    const names = await namesOf(kv, participantsIn(page.items));
    return ctx.render({ reader, conversation, names } satisfies Data, {
      headers,
    });
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
              names={data.names}
            />
          </>
        )}
    </section>
  );
}
