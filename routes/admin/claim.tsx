import { ClaimPanel } from "../../islands/claim_panel.tsx";
import { answerWithSession, readSignedForm } from "../../lib/app/admin_form.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

interface Data {
  claimed: boolean;
}

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    const claimed = ctx.state.instance.admin.owner !== null;
    return ctx.render({ claimed } satisfies Data, {
      status: claimed ? 409 : 200,
    });
  },
  /**
   * `{token, author, signature, origin}` as JSON from the claim island:
   * makes `author` the owner and opens their session.
   */
  POST(ctx: RouteContext<AppState>) {
    const { admin, origin } = ctx.state.instance;
    return answerWithSession(ctx.url, {
      admin,
      origin,
      check: async () => {
        const fields = await readSignedForm(ctx.req, {
          names: ["token"],
          origins: [ctx.url.origin, origin],
        });
        await admin.claim(fields);
      },
    });
  },
};

export default function ClaimPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="claim-title">
      <Head>
        <title>Claim this instance</title>
      </Head>
      <h1 id="claim-title">Claim this instance</h1>
      {data.claimed
        ? (
          <p role="status">
            This instance already has an owner.{" "}
            <a href="/admin/login">Sign in as the owner</a>.
          </p>
        )
        : (
          <>
            <p class="muted">
              The owner runs the admin pages. Ownership is proven by your
              identity key, which stays in this browser: no password is made or
              stored.
            </p>
            <noscript>
              <p class="warning">
                Claiming signs with the key in this browser, so it needs
                JavaScript.
              </p>
            </noscript>
            <ClaimPanel />
          </>
        )}
    </section>
  );
}
