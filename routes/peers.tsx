import { ConnectionCells, rejectedByText } from "../components/peer_cells.tsx";
import { EmptyState } from "../components/empty_state.tsx";
import type { AppState } from "../lib/instance/mod.ts";
import type { PeerStatus } from "../lib/replication/mod.ts";
import { Head, type PageProps, type RouteContext } from "../lib/web/mod.ts";

interface Data {
  peers: PeerStatus[];
  authors: number;
  now: number;
}

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const { replication } = ctx.state.instance;
    return ctx.render(
      {
        peers: await replication.status(),
        authors: replication.authors.length,
        now: Date.now(),
      } satisfies Data,
    );
  },
};

export default function PeersPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="peers-title">
      <Head>
        <title>Peers</title>
      </Head>
      <h1 id="peers-title">Peers</h1>
      <p class="muted">
        Replicating {data.authors} {data.authors === 1 ? "author" : "authors"}
        {" "}
        with {data.peers.length} {data.peers.length === 1 ? "peer" : "peers"}.
        {" "}
        <a href="/api/peers">JSON</a>
      </p>
      {data.peers.length === 0
        ? (
          <EmptyState title="No peers yet">
            Start with <code>KITH_PEERS=https://other.example</code>{" "}
            to replicate with another instance; instances that list this one
            appear here when they connect.
          </EmptyState>
        )
        : <PeerTable peers={data.peers} now={data.now} />}
    </section>
  );
}

function PeerTable({ peers, now }: { peers: PeerStatus[]; now: number }) {
  return (
    <div class="table-scroll">
      <table class="peers">
        <thead>
          <tr>
            <th scope="col">Peer</th>
            <th scope="col">Status</th>
            <th scope="col">Last seen</th>
            <th scope="col" class="number">In</th>
            <th scope="col" class="number">Out</th>
            <th scope="col" class="number">Rejected</th>
            <th scope="col" class="number">Behind</th>
          </tr>
        </thead>
        <tbody>
          {peers.map((peer) => (
            <tr key={peer.url}>
              <th scope="row">
                <span class="peer-url">{peer.url}</span>{" "}
                <span class="muted">({peer.direction})</span>
              </th>
              <ConnectionCells peer={peer} now={now} />
              <td class="number">{peer.recordsIn}</td>
              <td class="number">{peer.recordsOut}</td>
              <td
                class="number"
                title={rejectedByText(peer) || "nothing rejected"}
              >
                {peer.rejected}
              </td>
              <td class="number">{peer.lag}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
