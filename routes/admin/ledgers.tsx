import { FormOutcome } from "../../components/form_outcome.tsx";
import {
  formError,
  readAdminForm,
  seeOtherWithNotice,
} from "../../lib/app/admin_form.ts";
import { EmptyState } from "../../components/empty_state.tsx";
import { chooseLedger } from "../../lib/app/admin_ledgers.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import type { LedgerSummary } from "../../lib/ledgers/mod.ts";
import {
  Head,
  HttpError,
  type PageProps,
  type RouteConfig,
  type RouteContext,
} from "../../lib/web/mod.ts";

interface Data {
  ledgers: LedgerSummary[];
  /** What the last post did, shown once. */
  notice?: string;
  error?: { message: string; reason: string };
  /** The add form as submitted, kept when it failed. */
  form: { ledger: string; genesis: string };
}

const EMPTY_FORM = { ledger: "", genesis: "" };

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    // The middleware sent anyone but the owner to the login.
    return ctx.render(
      {
        ledgers: await instance.ledgers.list(),
        notice: ctx.url.searchParams.get("notice") ?? undefined,
        form: EMPTY_FORM,
      } satisfies Data,
    );
  },
  /** Honour (by id or genesis) or stop honouring; the middleware checked the admin. */
  async POST(ctx: RouteContext<AppState>) {
    const { ledgers } = ctx.state.instance;
    const form = await readAdminForm(ctx.req);
    const action = String(form.get("action") ?? "");
    const fields = {
      ledger: String(form.get("ledger") ?? ""),
      genesis: String(form.get("genesis") ?? ""),
    };
    try {
      if (action !== "honour" && action !== "dishonour") {
        throw new HttpError(400, 'action must be "honour" or "dishonour"', {
          reason: "bad_action",
        });
      }
      const summary = await chooseLedger(ledgers, {
        ledger: fields.ledger,
        honour: action === "honour",
        genesis: fields.genesis,
      });
      const name = summary.name ?? summary.id;
      const notice = action === "dishonour"
        ? `Stopped honouring ${name}.`
        : summary.running
        ? `Now honouring ${name}.`
        : `Now honouring ${name}; waiting for its genesis from peers.`;
      return seeOtherWithNotice("/admin/ledgers", notice);
    } catch (error) {
      const refused = formError(error);
      return ctx.render(
        {
          ledgers: await ledgers.list(),
          error: refused,
          form: action === "honour" ? fields : EMPTY_FORM,
        } satisfies Data,
        { status: refused.status },
      );
    }
  },
};

/** A pasted genesis of 10,000 accounts fits. */
export const config: RouteConfig = { bodyLimit: 4 * 1024 * 1024 };

export default function AdminLedgersPage(
  { data }: PageProps<Data, AppState>,
) {
  return (
    <section aria-labelledby="admin-title">
      <Head>
        <title>Admin: ledgers</title>
      </Head>
      <h1 id="admin-title">Ledgers this instance honours</h1>
      <form method="post" action="/admin/logout" class="inline-form">
        <button type="submit" class="link-button">Log out</button>
      </form>
      <p class="muted">
        Posts and authors that an honoured ledger hides or warns are collapsed
        on every page here. Choices made on this page are kept in the data
        folder and win over the <code>--ledgers</code> and{" "}
        <code>--genesis</code> options.
      </p>
      <FormOutcome notice={data.notice} error={data.error} />
      {data.ledgers.length === 0
        ? (
          <EmptyState title="No ledgers known">
            <p>Honour one below by its id or its genesis.</p>
          </EmptyState>
        )
        : <LedgerTable ledgers={data.ledgers} />}
      <h2 id="honour-title">Honour a ledger</h2>
      <form
        method="post"
        action="/admin/ledgers"
        class="admin-form"
        aria-labelledby="honour-title"
      >
        <input type="hidden" name="action" value="honour" />
        <label for="honour-ledger">Ledger id</label>
        <input
          id="honour-ledger"
          name="ledger"
          value={data.form.ledger}
          autocomplete="off"
          spellcheck={false}
          aria-describedby="honour-ledger-help"
        />
        <span id="honour-ledger-help" class="muted">
          43 characters. Alone, the genesis is fetched from peers and checked
          against the id.
        </span>
        <label for="honour-genesis">Or paste its genesis (JSON)</label>
        <textarea
          id="honour-genesis"
          name="genesis"
          rows={8}
          spellcheck={false}
          value={data.form.genesis}
        />
        <button type="submit" class="button">Honour</button>
      </form>
    </section>
  );
}

function LedgerTable(props: { ledgers: LedgerSummary[] }) {
  return (
    <div class="table-scroll">
      <table class="ledger-table">
        <caption class="visually-hidden">Known ledgers</caption>
        <thead>
          <tr>
            <th scope="col">Ledger</th>
            <th scope="col">Honoured</th>
            <th scope="col">Source</th>
            <th scope="col" class="number">Height</th>
            <th scope="col">Validating</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {props.ledgers.map((ledger) => (
            <tr key={ledger.id} id={`ledger-${ledger.id}`}>
              <th scope="row">
                {ledger.running
                  ? (
                    <a href={`/ledgers/${ledger.id}`}>
                      {ledger.name ?? "unnamed"}
                    </a>
                  )
                  : (ledger.name ?? "genesis not known yet")}
                <br />
                <code class="wrap">{ledger.id}</code>
              </th>
              <td>{ledger.honoured ? "yes" : "no"}</td>
              <td>{ledger.source}</td>
              <td class="number">{ledger.height}</td>
              <td>{ledger.validator ? "yes" : "no"}</td>
              <td>
                <form method="post" action="/admin/ledgers">
                  <input
                    type="hidden"
                    name="action"
                    value={ledger.honoured ? "dishonour" : "honour"}
                  />
                  <input type="hidden" name="ledger" value={ledger.id} />
                  <button
                    type="submit"
                    class={ledger.honoured
                      ? "button small secondary"
                      : "button small"}
                    aria-label={`${
                      ledger.honoured ? "Stop honouring" : "Honour"
                    } ${ledger.name ?? ledger.id}`}
                  >
                    {ledger.honoured ? "Stop honouring" : "Honour"}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
