import { HttpError } from "../../lib/web/mod.ts";
import { Head, type PageProps } from "../../lib/web/mod.ts";

/** Unknown ledgers, blocks and pages of the explorer, with the reason. */
export default function LedgerNotFound({ error, url }: PageProps) {
  const known = error instanceof HttpError && error.reason !== "not_found";
  return (
    <section class="error-page" aria-labelledby="error-title">
      <Head>
        <title>Not found</title>
      </Head>
      <p class="error-code">404</p>
      <h1 id="error-title">Not in this instance's ledgers</h1>
      <p>
        {known
          ? error.message
          : `There is no explorer page at ${url.pathname}.`}
      </p>
      {known && (
        <p class="muted">
          Reason: <code>{error.reason}</code>
        </p>
      )}
      <p>
        <a href="/ledgers">The ledgers this instance honours</a>
      </p>
    </section>
  );
}
