import { EmptyState } from "../../../../components/empty_state.tsx";
import { AppealList, FlagTable } from "../../../../components/ledger_flags.tsx";
import { BlockLink } from "../../../../components/ledger_links.tsx";
import { percent } from "../../../../lib/app/ledgers.ts";
import {
  type SubjectView,
  subjectView,
} from "../../../../lib/app/ledger_explorer.ts";
import { ledgerNodeOf } from "../../../../lib/app/ledgers.ts";
import { labelText } from "../../../../lib/app/moderation.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import {
  Head,
  type PageProps,
  type RouteContext,
} from "../../../../lib/web/mod.ts";

type Data = SubjectView & { supply: number };

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    const view = subjectView(node, ctx.params.subject);
    return ctx.render(
      { ...view, supply: node.state.meta.supply } satisfies Data,
      { headers: { "Cache-Control": "no-cache" } },
    );
  },
};

export default function SubjectPage({ data }: PageProps<Data, AppState>) {
  const [kind, id] = data.key.split(":");
  const v = data.verdict;
  return (
    <section aria-labelledby="subject-title" class="ledger-page">
      <Head>
        <title>{data.name}: {kind} {id.slice(0, 8)}</title>
      </Head>
      <p class="muted">
        <a href="/ledgers">Ledgers</a> ›{" "}
        <a href={`/ledgers/${data.ledger}`}>
          <bdi>{data.name}</bdi>
        </a>{" "}
        ›
      </p>
      <h1 id="subject-title">
        {kind === "post" ? "A post" : "An author"} in <bdi>{data.name}</bdi>
      </h1>
      <p>
        <a href={kind === "post" ? `/posts/${id}` : `/authors/${id}`}>
          {kind === "post" ? "The post" : "The author's page"}
        </a>{" "}
        <code class="wrap">{id}</code>
      </p>
      <h2>Verdict at height {data.height}</h2>
      {v === null
        ? (
          <p>
            <bdi>{data.name}</bdi>{" "}
            holds no active flags on it: it shows as everything else does.
          </p>
        )
        : (
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              <strong>{v.status}</strong>
              {v.downranked && ", down-ranked"}
            </dd>
            <dt>Labels</dt>
            <dd>{v.labels.length ? labelText(v.labels) : "none"}</dd>
            <dt>Bonded by flags</dt>
            <dd>
              hide {v.stake.hide} ({percent(v.stake.hide, v.stake.supply)}), all
              {" "}
              {v.stake.warn}{" "}
              ({percent(v.stake.warn, v.stake.supply)}), down-rank{" "}
              {v.stake.downrank}{" "}
              ({percent(v.stake.downrank, v.stake.supply)}) of {v.stake.supply}
              {" "}
              stake
            </dd>
            {v.forked && (
              <>
                <dt>Forked</dt>
                <dd>
                  proved at seq {v.forked.seq} in block{" "}
                  <BlockLink ledger={data.ledger} height={v.forked.height} />
                </dd>
              </>
            )}
          </dl>
        )}
      <h2>Flags</h2>
      {data.flags.length === 0
        ? (
          <EmptyState title="No flags">
            <p>
              Nobody has flagged this in <bdi>{data.name}</bdi>.
            </p>
          </EmptyState>
        )
        : (
          <FlagTable
            ledger={data.ledger}
            flags={data.flags}
            appeals={data.appeals}
            caption="Flags on this subject"
          />
        )}
      <h2>Appeals</h2>
      {data.appeals.length === 0
        ? <p class="muted">No appeals.</p>
        : (
          <AppealList
            ledger={data.ledger}
            appeals={data.appeals}
            height={data.height}
            supply={data.supply}
          />
        )}
    </section>
  );
}
