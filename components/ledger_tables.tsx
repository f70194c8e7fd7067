import type { BlockPage } from "../lib/app/ledger_explorer.ts";
import type { ValidatorView } from "../lib/app/ledgers.ts";
import { BlockLink, Short } from "./ledger_links.tsx";
import { TimeAgo } from "./time_ago.tsx";

/** Basis points as a percentage with one decimal, e.g. 2500 -> "25.0%". */
export function bps(value: number): string {
  return `${(value / 100).toFixed(1)}%`;
}

/** The validator set: power, share, self and delegated stake, jailed. */
export function ValidatorTable(props: { validators: ValidatorView[] }) {
  return (
    <div class="table-scroll">
      <table class="ledger-table">
        <caption class="visually-hidden">Validators</caption>
        <thead>
          <tr>
            <th scope="col">Validator</th>
            <th scope="col" class="number">Power</th>
            <th scope="col" class="number">Share</th>
            <th scope="col" class="number">Self</th>
            <th scope="col" class="number">Delegated</th>
            <th scope="col">Jailed</th>
          </tr>
        </thead>
        <tbody>
          {props.validators.map((v) => (
            <tr key={v.key}>
              <th scope="row">
                <Short value={v.key} />
              </th>
              <td class="number">{v.power}</td>
              <td class="number">{bps(v.shareBps)}</td>
              <td class="number">{v.self}</td>
              <td class="number">{v.delegated}</td>
              <td>{v.jailed ? "jailed" : "no"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A page of blocks, newest first, with links to newer and older pages. */
export function BlockTable(
  props: { ledger: string; page: BlockPage; now: number },
) {
  const { page } = props;
  return (
    <>
      <div class="table-scroll">
        <table class="ledger-table">
          <caption class="visually-hidden">Blocks, newest first</caption>
          <thead>
            <tr>
              <th scope="col" class="number">Height</th>
              <th scope="col">Time</th>
              <th scope="col">Proposer</th>
              <th scope="col" class="number">Round</th>
              <th scope="col" class="number">Transactions</th>
              <th scope="col" class="number">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => (
              <tr key={row.height}>
                <th scope="row" class="number">
                  <BlockLink ledger={props.ledger} height={row.height} />
                </th>
                <td>
                  <TimeAgo time={row.time} now={props.now} />
                </td>
                <td>
                  <Short value={row.proposer} />
                </td>
                <td class="number">{row.round}</td>
                <td class="number">{row.txs}</td>
                <td class="number">{row.evidence}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(page.older || page.newer) && (
        <nav class="pager" aria-label="Blocks">
          {page.newer && (
            <a
              href={`${page.newer}#blocks`}
              rel="prev"
              class="button secondary"
            >
              Newer blocks
            </a>
          )}
          {page.older && (
            <a href={`${page.older}#blocks`} rel="next" class="button">
              Older blocks
            </a>
          )}
        </nav>
      )}
    </>
  );
}
