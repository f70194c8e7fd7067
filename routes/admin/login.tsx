import { secureOrigin, sessionCookie } from "../../lib/app/admin_guard.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import {
  Head,
  HttpError,
  type PageProps,
  type RouteContext,
} from "../../lib/web/mod.ts";

interface Data {
  error?: { message: string; reason: string };
}

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    return ctx.render({} satisfies Data);
  },
  /** Checks the token; sets the session cookie (an HMAC, not the token). */
  async POST(ctx: RouteContext<AppState>) {
    const { admin } = ctx.state.instance;
    const form = await ctx.req.formData().catch((error) => {
      // An over-long body is the sender's fault, said as such (413).
      if (error instanceof HttpError) throw error;
      return new FormData();
    });
    const token = String(form.get("token") ?? "").trim();
    if (!token || !await admin.matches(token)) {
      return ctx.render(
        {
          error: {
            message:
              'That is not this instance\'s admin token. It is printed as "Admin token: …" when the instance starts.',
            reason: "not_admin",
          },
        } satisfies Data,
        { status: 403 },
      );
    }
    return new Response(null, {
      status: 303,
      headers: {
        Location: "/admin/ledgers",
        "Set-Cookie": sessionCookie(
          await admin.session(Date.now()),
          secureOrigin(ctx.url, ctx.state.instance.origin),
        ),
      },
    });
  },
};

export default function LoginPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="login-title">
      <Head>
        <title>Admin login</title>
      </Head>
      <h1 id="login-title">Admin</h1>
      <p class="muted">
        The admin of this instance chooses which moderation ledgers it honours.
        The admin token is printed when the instance starts (or set with{" "}
        <code>KITH_ADMIN_TOKEN</code>).
      </p>
      {data.error && (
        <p class="form-error" role="alert" data-reason={data.error.reason}>
          {data.error.message}
        </p>
      )}
      <form method="post" action="/admin/login" class="admin-form">
        <label for="admin-token">Admin token</label>
        <input
          id="admin-token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit" class="button">Log in</button>
      </form>
    </section>
  );
}
