import { EmptyState } from "../../../../components/empty_state.tsx";
import {
  AuthorLink,
  BlockLink,
  Short,
} from "../../../../components/ledger_links.tsx";
import { TransactionItem } from "../../../../components/ledger_transaction.tsx";
import { TimeAgo } from "../../../../components/time_ago.tsx";
import {
  type BlockView,
  blockView,
} from "../../../../lib/app/ledger_explorer.ts";
import { ledgerNodeOf } from "../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import {
  Head,
  type PageProps,
  type RouteContext,
} from "../../../../lib/web/mod.ts";

type Data = BlockView & { now: number };

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const { ledgers } = ctx.state.instance;
    const node = ledgerNodeOf(ledgers, ctx.params.ledger);
    const view = await blockView(node, ctx.params.height);
    return ctx.render({ ...view, now: Date.now() } satisfies Data);
  },
};

export default function BlockPage({ data }: PageProps<Data, AppState>) {
  const { block } = data;
  return (
    <section aria-labelledby="block-title" class="ledger-page">
      <Head>
        <title>Block {block.height} · {data.name}</title>
      </Head>
      <p class="muted">
        <a href="/ledgers">Ledgers</a> ›{" "}
        <a href={`/ledgers/${data.ledger}`}>
          <bdi>{data.name}</bdi>
        </a>{" "}
        ›
      </p>
      <h1 id="block-title">Block {block.height}</h1>
      <nav class="pager" aria-label="Neighbouring blocks">
        {block.height > 1 && (
          <a
            class="button secondary"
            rel="prev"
            href={`/ledgers/${data.ledger}/blocks/${block.height - 1}`}
          >
            Previous block
          </a>
        )}
        {block.height < data.ledgerHeight && (
          <a
            class="button secondary"
            rel="next"
            href={`/ledgers/${data.ledger}/blocks/${block.height + 1}`}
          >
            Next block
          </a>
        )}
      </nav>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code class="wrap">{data.id}</code>
        </dd>
        <dt>Time</dt>
        <dd>
          <TimeAgo time={block.time} now={data.now} />
        </dd>
        <dt>Proposer</dt>
        <dd>
          <Short value={block.proposer} /> in round {block.round}
        </dd>
        <dt>Previous</dt>
        <dd>
          {block.prev === null ? "none: the first block" : (
            <>
              <BlockLink ledger={data.ledger} height={block.height - 1} />{" "}
              <code class="wrap">{block.prev}</code>
            </>
          )}
        </dd>
        <dt>State root</dt>
        <dd>
          <code class="wrap">{block.stateRoot}</code>
        </dd>
      </dl>

      <h2>Transactions ({data.transactions.length})</h2>
      {data.transactions.length === 0
        ? (
          <EmptyState title="No transactions">
            <p>Blocks are made even when nobody flags or votes.</p>
          </EmptyState>
        )
        : (
          <ol class="transactions">
            {data.transactions.map((transaction) => (
              <TransactionItem
                key={transaction.id}
                ledger={data.ledger}
                transaction={transaction}
              />
            ))}
          </ol>
        )}

      <h2>Evidence ({data.evidence.length})</h2>
      {data.evidence.length === 0 ? <p class="muted">None.</p> : (
        <ul>
          {data.evidence.map((item, i) => (
            <li key={i}>
              {item.kind === "equivocation"
                ? (
                  <>
                    Validator <Short value={item.validator} />{" "}
                    signed two blocks at height {item.height}, round{" "}
                    {item.round}
                  </>
                )
                : (
                  <>
                    Author <AuthorLink author={item.author} />{" "}
                    signed two entries at seq {item.seq} (fork)
                  </>
                )}
            </li>
          ))}
        </ul>
      )}

      <h2>Commit</h2>
      <p class="muted">
        Precommits of more than 2/3 of voting power finalized this block.
      </p>
      <div class="table-scroll">
        <table class="ledger-table">
          <caption class="visually-hidden">Commit signers</caption>
          <thead>
            <tr>
              <th scope="col">Validator</th>
              <th scope="col" class="number">Round</th>
              <th scope="col" class="number">Power now</th>
            </tr>
          </thead>
          <tbody>
            {data.commit.map((vote) => (
              <tr key={vote.validator}>
                <th scope="row">
                  <Short value={vote.validator} />
                </th>
                <td class="number">{vote.round}</td>
                <td class="number">{vote.power}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
