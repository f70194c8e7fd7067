import { EmptyState } from "../../components/empty_state.tsx";
import { MAX_REJECTIONS, type Rejection } from "../../lib/app/rejections.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

interface Data {
  total: number;
  rejections: Rejection[];
}

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    // The middleware sent anyone but the owner to the login.
    return ctx.render(
      {
        total: instance.rejections.total,
        rejections: instance.rejections.list(),
      } satisfies Data,
    );
  },
};

export default function AdminRejectionsPage(
  { data }: PageProps<Data, AppState>,
) {
  return (
    <section aria-labelledby="admin-title">
      <Head>
        <title>Admin: rejected records</title>
      </Head>
      <h1 id="admin-title">Recently rejected records</h1>
      <p>
        <a href="/admin">Admin</a>
      </p>
      <p class="muted">
        The last {MAX_REJECTIONS}{" "}
        records refused by this instance, newest first ({data.total}{" "}
        since it started), and messages its replication firewall dropped from
        peers. Kept in memory: a restart empties the list.
      </p>
      {data.rejections.length === 0
        ? (
          <EmptyState title="Nothing rejected">
            <p>Every record since the start was accepted.</p>
          </EmptyState>
        )
        : (
          <div class="table-scroll">
            <table class="rejections">
              <caption class="visually-hidden">Rejections</caption>
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Reason</th>
                  <th scope="col">From</th>
                  <th scope="col">Author, seq</th>
                  <th scope="col">Record</th>
                </tr>
              </thead>
              <tbody>
                {data.rejections.map((row, index) => (
                  <tr key={index} data-reason={row.reason}>
                    <td>
                      {new Date(row.time).toISOString().replace("T", " ")
                        .slice(0, 19)}
                    </td>
                    <td>
                      <code>{row.reason}</code>
                      {row.count > 1 && ` ×${row.count}`}
                      {row.message && (
                        <>
                          <br />
                          <span class="muted">{row.message}</span>
                        </>
                      )}
                    </td>
                    <td>{row.from}</td>
                    <td>
                      {row.author
                        ? <code class="wrap">{row.author}</code>
                        : "unknown"}
                      {row.seq !== null && `, ${row.seq}`}
                    </td>
                    <td>
                      {row.excerpt && (
                        <code class="wrap">
                          {row.excerpt}
                          {row.size > row.excerpt.length && "…"}
                        </code>
                      )}
                      {row.size > 0 && (
                        <span class="muted">{` (${row.size} bytes)`}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
