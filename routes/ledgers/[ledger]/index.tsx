import { EmptyState } from "../../../components/empty_state.tsx";
import { AppealList, FlagTable } from "../../../components/ledger_flags.tsx";
import {
  BlockTable,
  bps,
  ValidatorTable,
} from "../../../components/ledger_tables.tsx";
import { TimeAgo } from "../../../components/time_ago.tsx";
import {
  type AppealView,
  appealViews,
  type BlockPage,
  blockPage,
} from "../../../lib/app/ledger_explorer.ts";
import {
  flagsAndAppeals,
  ledgerNodeOf,
  type LedgerOverview,
  ledgerOverview,
} from "../../../lib/app/ledgers.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { Flag } from "../../../lib/ledger/mod.ts";
import {
  Head,
  type PageProps,
  type RouteContext,
} from "../../../lib/web/mod.ts";

interface Data {
  overview: LedgerOverview;
  blocks: BlockPage;
  flags: Flag[];
  appeals: AppealView[];
  now: number;
}

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const { ledgers } = ctx.state.instance;
    const node = ledgerNodeOf(ledgers, ctx.params.ledger);
    const overview = ledgerOverview(node);
    const { flags, appeals } = flagsAndAppeals(node, { open: true });
    return ctx.render(
      {
        overview,
        blocks: await blockPage(node, ctx.url),
        flags,
        appeals: appealViews(node, appeals),
        now: Date.now(),
      } satisfies Data,
      { headers: { "Cache-Control": "no-cache" } },
    );
  },
};

export default function LedgerPage({ data }: PageProps<Data, AppState>) {
  const { overview: o } = data;
  return (
    <section aria-labelledby="ledger-title" class="ledger-page">
      <Head>
        <title>{o.name} · ledger</title>
      </Head>
      <p class="muted">
        <a href="/ledgers">Ledgers</a> ›
      </p>
      <h1 id="ledger-title">{o.name}</h1>
      <p class="ledger-id">
        Ledger <code>{o.id}</code>
      </p>
      <p>
        {o.validating
          ? "This instance is one of its validators: it proposes and signs blocks."
          : "This instance follows it: it checks every block and computes the same verdicts."}
      </p>
      <dl class="facts">
        <dt>Height</dt>
        <dd>{o.height}</dd>
        <dt>Last block</dt>
        <dd>
          <TimeAgo time={o.time} now={data.now} />
        </dd>
        <dt>Supply</dt>
        <dd>{o.supply} stake</dd>
        <dt>Burned</dt>
        <dd>{o.burned}</dd>
        <dt>Voting power</dt>
        <dd>{o.totalPower}</dd>
        <dt>Waiting for a block</dt>
        <dd>
          {o.pendingTransactions} transactions, {o.pendingEvidence} evidence
        </dd>
        <dt>Rules</dt>
        <dd>
          flag bond ≥ {o.params.flagBondMin}, appeal bond ≥{" "}
          {o.params.appealBondMin}; warn at {bps(o.params.warnBps)}, hide at
          {" "}
          {bps(o.params.hideBps)}, down-rank at {bps(o.params.downrankBps)}{" "}
          of stake; appeals stay open {o.params.appealBlocks} blocks ·{" "}
          <a href={`/api/ledgers/${o.id}/genesis`}>genesis (JSON)</a>
        </dd>
        <dt>State root</dt>
        <dd>
          <code class="wrap">{o.stateRoot}</code>
        </dd>
      </dl>

      <h2 id="validators">Validators and stake</h2>
      <ValidatorTable validators={o.validators} />

      <h2 id="flags">Open flags</h2>
      {data.flags.length === 0
        ? (
          <EmptyState title="No open flags">
            <p>Flags appear here once a block includes them.</p>
          </EmptyState>
        )
        : (
          <FlagTable
            ledger={o.id}
            flags={data.flags}
            appeals={data.appeals}
            caption="Open flags"
          />
        )}

      <h2 id="appeals">Open appeals</h2>
      {data.appeals.length === 0
        ? (
          <EmptyState title="No open appeals">
            <p>
              An appeal puts the flags on a post or author to a vote of stake
              holders.
            </p>
          </EmptyState>
        )
        : (
          <AppealList
            ledger={o.id}
            appeals={data.appeals}
            height={o.height}
            supply={o.supply}
          />
        )}

      <h2 id="blocks">Blocks</h2>
      {data.blocks.rows.length === 0
        ? (
          <EmptyState title="No blocks yet">
            <p>The validators have not finalized a block yet.</p>
          </EmptyState>
        )
        : <BlockTable ledger={o.id} page={data.blocks} now={data.now} />}
    </section>
  );
}
