import { IdentityPanel } from "../islands/identity_panel.tsx";
import type { AppState } from "../lib/instance/mod.ts";
import { Head, type PageProps } from "../lib/web/mod.ts";

export default function IdentityPage(_props: PageProps<unknown, AppState>) {
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
    </section>
  );
}
