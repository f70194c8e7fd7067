import { EmptyState } from "../../components/empty_state.tsx";
import { Inbox } from "../../islands/inbox.tsx";
import { viewerOf } from "../../lib/app/viewer.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

type Data = { reader: string | null };

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    // A shell: the island fetches and decrypts the messages.
    return ctx.render({ reader: viewerOf(ctx.hono) } satisfies Data, {
      headers: { "Cache-Control": "private, no-cache" },
    });
  },
};

export default function MessagesPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="messages-title">
      <Head>
        <title>Messages</title>
      </Head>
      <h1 id="messages-title">Messages</h1>
      <p class="muted">
        End-to-end encrypted: this instance stores and relays only ciphertext.
        It can see who writes to whom and when, never what.
      </p>
      {data.reader === null
        ? (
          <EmptyState title="Sign in to read your messages">
            <p>
              Messages belong to an identity and are decrypted with its key, in
              your browser. <a href="/identity">Create your identity</a>{" "}
              (or restore one from a backup) in this browser to read and send
              them.
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
            <Inbox reader={data.reader} />
          </>
        )}
    </section>
  );
}
