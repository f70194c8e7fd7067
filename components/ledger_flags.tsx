import { RetractButton, VoteButtons } from "../islands/ledger_votes.tsx";
import { percent } from "../lib/app/ledgers.ts";
import type { AppealView } from "../lib/app/ledger_explorer.ts";
import { subjectHref } from "../lib/app/moderation.ts";
import { type Appeal, type Flag, subjectKey } from "../lib/ledger/mod.ts";
import { AuthorLink, BlockLink, SubjectLink } from "./ledger_links.tsx";

/**
 * Flags as a table: subject, category, bond, flagger, block, status and
 * note; the signer of an active flag no open appeal covers gets
 * "Retract" (with JavaScript).
 */
export function FlagTable(
  props: {
    ledger: string;
    flags: Flag[];
    caption: string;
    /** Appeals: a flag an open appeal covers cannot be retracted. */
    appeals?: Appeal[];
  },
) {
  const frozen = new Set(
    (props.appeals ?? []).filter((a) => a.status === "open").flatMap((a) =>
      a.flags
    ),
  );
  return (
    <div class="table-scroll">
      <table class="ledger-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Category</th>
            <th scope="col" class="number">Bond</th>
            <th scope="col">Flagger</th>
            <th scope="col" class="number">Block</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {props.flags.map((flag) => (
            <tr key={flag.id} id={`flag-${flag.id}`}>
              <td>
                <SubjectLink subject={flag.subject} />{" "}
                <a href={subjectHref(props.ledger, subjectKey(flag.subject))}>
                  (verdict)
                </a>
                {flag.note && (
                  <p class="flag-note">
                    “<bdi>{flag.note}</bdi>”
                  </p>
                )}
              </td>
              <td>{flag.category}</td>
              <td class="number">{flag.bond}</td>
              <td>
                <AuthorLink author={flag.flagger} />
              </td>
              <td class="number">
                <BlockLink ledger={props.ledger} height={flag.height} />
              </td>
              <td>
                {flag.status}
                {flag.status === "active" && !frozen.has(flag.id) && (
                  <RetractButton
                    ledger={props.ledger}
                    flag={flag.id}
                    flagger={flag.flagger}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Appeals as a list: subject, appellant, bond, the stake voting each way
 * (what the voters hold now, as the ledger counts at closing),
 * the closing (or deciding) height; open ones get "Uphold" and "Overturn"
 * (with JavaScript).
 */
export function AppealList(
  props: {
    ledger: string;
    appeals: AppealView[];
    height: number;
    supply: number;
  },
) {
  return (
    <ul class="appeal-list">
      {props.appeals.map((appeal) => {
        return (
          <li key={appeal.id} id={`appeal-${appeal.id}`} class="appeal">
            <p>
              Appeal on <SubjectLink subject={appeal.subject} /> by{" "}
              <AuthorLink author={appeal.appellant} />, bond{" "}
              {appeal.bond}, opened in block{" "}
              <BlockLink ledger={props.ledger} height={appeal.opened} />; covers
              {" "}
              {appeal.flags.length}{" "}
              {appeal.flags.length === 1 ? "flag" : "flags"}.
            </p>
            {appeal.note && (
              <p class="flag-note">
                “<bdi>{appeal.note}</bdi>”
              </p>
            )}
            <p>
              Uphold: <strong>{appeal.uphold}</strong>{" "}
              ({percent(appeal.uphold, props.supply)} of stake) · Overturn:{" "}
              <strong>{appeal.overturn}</strong>{" "}
              ({percent(appeal.overturn, props.supply)}) · {appeal.voters}{" "}
              {appeal.voters === 1 ? "voter" : "voters"}
            </p>
            <p>
              {appeal.status === "open"
                ? `Open: closes at the end of block ${appeal.closes} (in ${
                  Math.max(0, appeal.closes - props.height)
                } blocks).`
                : appeal.status === "lapsed"
                ? `Closed in block ${appeal.decided} without a quorum: the flags stay.`
                : `Decided in block ${appeal.decided}: flags ${appeal.status}.`}
            </p>
            {appeal.status === "open" && (
              <VoteButtons
                ledger={props.ledger}
                appeal={appeal.id}
                parties={appeal.parties}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}
