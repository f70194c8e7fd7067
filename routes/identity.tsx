import { IdentityPanel } from "../islands/identity_panel.tsx";
import { ProfileEditor } from "../islands/profile_editor.tsx";
import { type Profile, profilesOf } from "../lib/app/profiles.ts";
import { viewerOf } from "../lib/app/viewer.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const viewer = viewerOf(ctx.hono);
    const profile = viewer
      ? (await profilesOf(ctx.state.instance.kv, [viewer])).get(viewer)
      : undefined;
    return ctx.render({ profile: profile ?? {} });
  },
};

export default function IdentityPage(
  { data }: PageProps<{ profile: Profile }, AppState>,
) {
  return (
    <section aria-labelledby="identity-title">
      <Head>
        <title>Your identity</title>
      </Head>
      <h1 id="identity-title">Your identity</h1>
      <noscript>
        <p class="warning">
          Your key is made and kept by this page's script in your browser, so
          this page needs JavaScript. Reading needs none.
        </p>
      </noscript>
      <IdentityPanel />
      <ProfileEditor {...data.profile} />
    </section>
  );
}
