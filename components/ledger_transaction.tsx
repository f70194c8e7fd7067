import type { SignedTransaction } from "../lib/ledger/mod.ts";
import { subjectHref } from "../lib/app/moderation.ts";
import { subjectKey } from "../lib/ledger/mod.ts";
import { AuthorLink, Short, SubjectLink } from "./ledger_links.tsx";

/** One decoded transaction of a block: signer, nonce, type and fields. */
export function TransactionItem(
  props: { ledger: string; transaction: SignedTransaction },
) {
  const { transaction: t, ledger } = props;
  return (
    <li class="transaction" id={`tx-${t.id}`}>
      <p>
        <strong>{t.tx.type}</strong> by <AuthorLink author={t.signer} />{" "}
        <span class="muted">
          (entry{" "}
          <a href={`/api/records/${t.id}`}>
            <Short value={t.id} />
          </a>, seq {t.seq})
        </span>
      </p>
      <p>
        <TransactionFields ledger={ledger} transaction={t} />
      </p>
    </li>
  );
}

function TransactionFields(
  props: { ledger: string; transaction: SignedTransaction },
) {
  const { tx } = props.transaction;
  switch (tx.type) {
    case "transfer":
      return (
        <>
          {tx.amount} to <AuthorLink author={tx.to} />
        </>
      );
    case "delegate":
    case "undelegate":
      return (
        <>
          {tx.amount} {tx.type === "delegate" ? "to" : "from"} validator{" "}
          <Short value={tx.validator} />
        </>
      );
    case "flag":
      return (
        <>
          {tx.category} flag on <SubjectLink subject={tx.subject} />, bond{" "}
          {tx.bond} ·{" "}
          <a href={subjectHref(props.ledger, subjectKey(tx.subject))}>
            verdict
          </a>
          {tx.note && (
            <span class="flag-note">
              “<bdi>{tx.note}</bdi>”
            </span>
          )}
        </>
      );
    case "retract":
      return (
        <>
          retracts flag <Short value={tx.flag} />
        </>
      );
    case "appeal":
      return (
        <>
          appeal on <SubjectLink subject={tx.subject} />, bond {tx.bond} ·{" "}
          <a href={subjectHref(props.ledger, subjectKey(tx.subject))}>
            votes
          </a>
          {tx.note && (
            <span class="flag-note">
              “<bdi>{tx.note}</bdi>”
            </span>
          )}
        </>
      );
    case "vote":
      return (
        <>
          {tx.choice} on appeal <Short value={tx.appeal} />
        </>
      );
    case "checkpoint":
      return (
        <>
          log heads of {tx.heads.length}{" "}
          {tx.heads.length === 1 ? "author" : "authors"}:{" "}
          {tx.heads.slice(0, 5).map((head, i) => (
            <span key={head.author}>
              {i > 0 && ", "}
              <AuthorLink author={head.author} /> at seq {head.seq}
            </span>
          ))}
          {tx.heads.length > 5 && "…"}
        </>
      );
  }
}
