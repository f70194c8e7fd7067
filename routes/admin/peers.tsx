import { FormOutcome } from "../../components/form_outcome.tsx";
import {
  formError,
  readAdminForm,
  seeOtherWithNotice,
} from "../../lib/app/admin_form.ts";
import {
  ConnectionCells,
  rejectedByText,
} from "../../components/peer_cells.tsx";
import { EmptyState } from "../../components/empty_state.tsx";
import {
  choosePeer,
  listPeerChoices,
  type PeerChoice,
} from "../../lib/app/admin_peers.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import type { PeerStatus } from "../../lib/replication/mod.ts";
import {
  Head,
  HttpError,
  type PageProps,
  type RouteContext,
} from "../../lib/web/mod.ts";

interface Data {
  peers: PeerStatus[];
  outgoing: PeerChoice[];
  now: number;
  notice?: string;
  error?: { message: string; reason: string };
  /** The add form as submitted, kept when it failed. */
  origin: string;
}

async function dataOf(
  instance: AppState["instance"],
  extra: Partial<Data> = {},
): Promise<Data> {
  return {
    peers: await instance.replication.status(),
    outgoing: await listPeerChoices(instance),
    now: Date.now(),
    origin: "",
    ...extra,
  };
}

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    // The middleware sent anyone but the owner to the login.
    return ctx.render(
      await dataOf(instance, {
        notice: ctx.url.searchParams.get("notice") ?? undefined,
      }),
    );
  },
  /** Adds or removes an outgoing peer; the middleware checked the owner. */
  async POST(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    const form = await readAdminForm(ctx.req);
    const action = String(form.get("action") ?? "");
    const origin = String(form.get("origin") ?? "");
    try {
      if (action !== "add" && action !== "remove") {
        throw new HttpError(400, 'action must be "add" or "remove"', {
          reason: "bad_action",
        });
      }
      const done = await choosePeer(instance, origin, {
        add: action === "add",
      });
      const notice = done.added
        ? `Added ${done.origin}; connecting.`
        : done.source === "config"
        ? `Removed ${done.origin} until the next start (it is in the configuration).`
        : `Removed ${done.origin}.`;
      return seeOtherWithNotice("/admin/peers", notice);
    } catch (error) {
      const refused = formError(error);
      return ctx.render(
        await dataOf(instance, {
          error: refused,
          origin: action === "add" ? origin : "",
        }),
        { status: refused.status },
      );
    }
  },
};

export default function AdminPeersPage({ data }: PageProps<Data, AppState>) {
  const sources = new Map(data.outgoing.map((peer) => [peer.origin, peer]));
  return (
    <section aria-labelledby="admin-title">
      <Head>
        <title>Admin: peers</title>
      </Head>
      <h1 id="admin-title">Peers</h1>
      <p>
        <a href="/admin">Admin</a>
      </p>
      <p class="muted">
        Outgoing peers come from the configuration (<code>--peers</code>) or are
        added here; those added here are kept in the data folder and dialled at
        every start. Removing a configured peer lasts until the next start:
        remove it from the configuration to drop it for good.
      </p>
      <FormOutcome notice={data.notice} error={data.error} />
      {data.peers.length === 0
        ? (
          <EmptyState title="No peers yet">
            <p>Add one below; instances that dial this one appear too.</p>
          </EmptyState>
        )
        : (
          <div class="table-scroll">
            <table class="peers">
              <caption class="visually-hidden">Peers</caption>
              <thead>
                <tr>
                  <th scope="col">Peer</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last seen</th>
                  <th scope="col" class="number">Behind</th>
                  <th scope="col" class="number">In</th>
                  <th scope="col" class="number">Out</th>
                  <th scope="col">Rejected</th>
                  <th scope="col" class="number">Cut off</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {data.peers.map((peer) => (
                  <PeerRow
                    key={peer.url}
                    peer={peer}
                    now={data.now}
                    choice={sources.get(peer.url)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      <h2 id="add-title">Add a peer</h2>
      <form
        method="post"
        action="/admin/peers"
        class="admin-form"
        aria-labelledby="add-title"
      >
        <input type="hidden" name="action" value="add" />
        <label for="peer-origin">Peer origin</label>
        <input
          id="peer-origin"
          name="origin"
          value={data.origin}
          placeholder="https://kith.example"
          autocomplete="off"
          spellcheck={false}
          aria-describedby="peer-origin-help"
        />
        <span id="peer-origin-help" class="muted">
          http or https, scheme, host and port only, like <code>--peers</code>
          {" "}
          takes.
        </span>
        <button type="submit" class="button">Add</button>
      </form>
    </section>
  );
}

function PeerRow(
  props: { peer: PeerStatus; now: number; choice?: PeerChoice },
) {
  const { peer, now, choice } = props;
  const reasons = rejectedByText(peer);
  return (
    <tr id={`peer-${peer.url}`}>
      <th scope="row">
        <span class="peer-url">{peer.url}</span>{" "}
        <span class="muted">
          ({peer.direction}
          {choice
            ? `, ${choice.source === "admin" ? "added here" : "configured"}`
            : ""})
        </span>
      </th>
      <ConnectionCells peer={peer} now={now} />
      <td class="number">{peer.lag}</td>
      <td class="number">{peer.recordsIn}</td>
      <td class="number">{peer.recordsOut}</td>
      <td>
        {peer.rejected}
        {reasons && <span class="muted">{` (${reasons})`}</span>}
      </td>
      <td class="number">{peer.cutOffs}</td>
      <td>
        {choice && (
          <form method="post" action="/admin/peers">
            <input type="hidden" name="action" value="remove" />
            <input type="hidden" name="origin" value={peer.url} />
            <button
              type="submit"
              class="button small secondary"
              aria-label={`Remove ${peer.url}`}
            >
              Remove
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}
