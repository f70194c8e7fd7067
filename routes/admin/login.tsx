import { OwnerLogin } from "../../islands/owner_login.tsx";
import { answerWithSession, readSignedForm } from "../../lib/app/admin_form.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

interface Data {
  /** A fresh single-use nonce to sign; absent before anyone owns the instance. */
  nonce?: string;
}

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const { admin } = ctx.state.instance;
    if (admin.owner === null) return ctx.render({} satisfies Data);
    return ctx.render({ nonce: await admin.nonce() } satisfies Data);
  },
  /**
   * `{nonce, author, signature, origin}` as JSON from the login island:
   * opens a session when the owner's key signed the nonce.
   */
  POST(ctx: RouteContext<AppState>) {
    const { admin, origin } = ctx.state.instance;
    return answerWithSession(ctx.url, {
      admin,
      origin,
      check: async () => {
        const fields = await readSignedForm(ctx.req, {
          names: ["nonce"],
          origins: [ctx.url.origin, origin],
        });
        await admin.login(fields);
      },
    });
  },
};

export default function LoginPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="login-title">
      <Head>
        <title>Admin sign-in</title>
      </Head>
      <h1 id="login-title">Admin</h1>
      {data.nonce === undefined
        ? (
          <p role="status">
            This instance has no owner yet. Open the claim link printed when it
            started (<code>Claim this instance: …</code>).
          </p>
        )
        : (
          <>
            <p class="muted">
              The owner signs in with their identity key, which stays in this
              browser. No password is stored.
            </p>
            <noscript>
              <p class="warning">
                Signing in needs the owner's key in this browser, and this
                page's JavaScript to sign with it.
              </p>
            </noscript>
            <OwnerLogin nonce={data.nonce} />
          </>
        )}
    </section>
  );
}
