import {
  formatBytes,
  type StorageReport,
  storageReport,
} from "../../lib/app/storage_usage.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    // The middleware sent anyone but the owner to the login.
    return ctx.render(await storageReport(instance));
  },
};

export default function AdminStoragePage(
  { data }: PageProps<StorageReport, AppState>,
) {
  const types = Object.entries(data.usage).sort(([a], [b]) =>
    a.localeCompare(b)
  );
  return (
    <section aria-labelledby="admin-title">
      <Head>
        <title>Admin: storage</title>
      </Head>
      <h1 id="admin-title">Storage</h1>
      <p>
        <a href="/admin">Admin</a>
      </p>
      <dl class="facts">
        <dt>Data folder</dt>
        <dd>
          <code class="wrap">{data.dataDir}</code>
        </dd>
        <dt>On disk</dt>
        <dd id="disk-bytes" data-bytes={data.diskBytes}>
          {data.dataDir === ":memory:"
            ? "in memory (nothing on disk)"
            : `${formatBytes(data.diskBytes)} (${
              Object.entries(data.files).map(([name, size]) =>
                `${name} ${formatBytes(size)}`
              ).join(", ")
            })`}
        </dd>
        <dt>Entries</dt>
        <dd id="entries">{data.entries}</dd>
        <dt>Log bytes</dt>
        <dd>{formatBytes(data.logBytes)}</dd>
        <dt>Authors replicated</dt>
        <dd id="authors">{data.authors}</dd>
      </dl>
      <h2 id="types-title">By entry type</h2>
      {types.length === 0
        ? <p class="muted">Nothing stored yet.</p>
        : (
          <div class="table-scroll">
            <table aria-labelledby="types-title">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col" class="number">Entries</th>
                  <th scope="col" class="number">Bytes</th>
                </tr>
              </thead>
              <tbody>
                {types.map(([type, usage]) => (
                  <tr key={type} id={`type-${type}`}>
                    <th scope="row">{type}</th>
                    <td class="number">{usage.entries}</td>
                    <td class="number">{usage.bytes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <h2 id="ledgers-title">Ledgers</h2>
      {data.ledgers.length === 0
        ? <p class="muted">No ledgers known.</p>
        : (
          <div class="table-scroll">
            <table aria-labelledby="ledgers-title">
              <thead>
                <tr>
                  <th scope="col">Ledger</th>
                  <th scope="col">Honoured</th>
                  <th scope="col" class="number">Height</th>
                </tr>
              </thead>
              <tbody>
                {data.ledgers.map((ledger) => (
                  <tr key={ledger.id}>
                    <th scope="row">
                      {ledger.name ?? "unnamed"}{" "}
                      <code class="wrap">{ledger.id}</code>
                    </th>
                    <td>{ledger.honoured ? "yes" : "no"}</td>
                    <td class="number">{ledger.height}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
