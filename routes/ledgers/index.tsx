import { EmptyState } from "../../components/empty_state.tsx";
import type { AppState } from "../../lib/instance/mod.ts";
import type { LedgerSummary } from "../../lib/ledgers/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const all = await ctx.state.instance.ledgers.list();
    return ctx.render(all.filter((ledger) => ledger.honoured), {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};

export default function LedgersPage(
  { data }: PageProps<LedgerSummary[], AppState>,
) {
  return (
    <section aria-labelledby="ledgers-title">
      <Head>
        <title>Ledgers</title>
      </Head>
      <h1 id="ledgers-title">Moderation ledgers</h1>
      <p class="muted">
        Stake holders flag posts and authors in signed transactions; blocks
        final with more than 2/3 of stake decide what is hidden, warned or
        down-ranked. This instance shows the verdicts of the ledgers it honours.
        {" "}
        <a href="/admin/ledgers">Choose them (admin)</a>
      </p>
      {data.length === 0
        ? (
          <EmptyState title="No ledgers honoured">
            <p>
              Start the instance with <code>--ledgers &lt;id&gt;</code> or{" "}
              <code>--genesis &lt;file&gt;</code>, or honour one on the{" "}
              <a href="/admin/ledgers">admin page</a>.
            </p>
          </EmptyState>
        )
        : (
          <ul class="ledger-list">
            {data.map((ledger) => (
              <li key={ledger.id}>
                {ledger.running
                  ? (
                    <a href={`/ledgers/${ledger.id}`}>
                      <strong>{ledger.name ?? ledger.id}</strong>
                    </a>
                  )
                  : <strong>{ledger.name ?? ledger.id}</strong>}{" "}
                <span class="muted">
                  {ledger.running
                    ? `height ${ledger.height} · ${
                      ledger.validator
                        ? "this instance validates"
                        : "this instance follows"
                    }`
                    : "waiting for its genesis from peers"}
                </span>
                <br />
                <code class="wrap">{ledger.id}</code>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
