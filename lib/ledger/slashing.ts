/**
 * Evidence: a fork proof marks its author forked; two conflicting votes
 * by one validator slash and jail it. Evidence is self-verifying, so
 * anyone may hand it to a proposer.
 *
 * @module
 */
import { forkProofId } from "../log/fork_proof.ts";
import { check, isKey, share } from "./_internal.ts";
import type { Touched } from "./apply.ts";
import { type LedgerState, subjectKey } from "./state.ts";
import type { Evidence } from "./vote.ts";

/**
 * Applies self-verifying evidence at `height`: a fork proof marks its
 * author forked; equivocation burns `equivocationSlashBps` of the
 * validator's stake and of every delegation to it, and jails it.
 * Signatures are the caller's to check first.
 *
 * @throws {LedgerError} `bad_evidence`, e.g.
 * `Cannot apply evidence: the votes do not conflict`.
 *
 * @example
 * ```ts
 * applyEvidence(state, { kind: "equivocation", votes: [a, b] }, { height });
 * ```
 */
export function applyEvidence(
  state: LedgerState,
  evidence: Evidence,
  options: { height: number; touched?: Touched },
): void {
  const fail = (m: string) => `Cannot apply evidence: ${m}`;
  if (evidence.kind === "fork") {
    const { proof } = evidence;
    check(
      isKey(proof?.author) && proof.entries?.length === 2 &&
        proof.entries.every((e) =>
          e.author === proof.author && e.seq === proof.seq
        ) &&
        proof.entries[0].sig !== proof.entries[1].sig,
      "bad_evidence",
      fail("the fork proof is malformed"),
    );
    check(
      !state.forked(proof.author),
      "bad_evidence",
      fail("the author is already marked forked"),
    );
    state.setForked(proof.author, {
      seq: proof.seq,
      height: options.height,
      proof: forkProofId(proof),
    });
    options.touched?.add(subjectKey({ author: proof.author }));
    return;
  }
  check(evidence.kind === "equivocation", "bad_evidence", fail("unknown kind"));
  const [a, b] = evidence.votes;
  const meta = state.meta;
  check(
    a.validator === b.validator && a.ledger === meta.ledger &&
      b.ledger === meta.ledger &&
      a.height === b.height && a.round === b.round && a.type === b.type &&
      a.block !== b.block,
    "bad_evidence",
    fail("the votes do not conflict"),
  );
  check(
    a.height <= meta.height + 1 &&
      a.height + state.params.evidenceMaxAge > meta.height,
    "bad_evidence",
    fail(`height ${a.height} is outside the evidence window`),
  );
  const validator = state.validator(a.validator);
  check(validator, "bad_evidence", fail("the signer is not a validator"));
  const key = `${a.validator}/${a.height}`;
  check(
    state.punished(key) === undefined,
    "bad_evidence",
    fail("already punished"),
  );
  const bps = state.params.equivocationSlashBps;
  let burned = share(validator.self, bps);
  let delegated = validator.delegated;
  for (const [delegator, amount] of state.delegationsTo(a.validator)) {
    const cut = share(amount, bps);
    if (cut === 0) continue;
    burned += cut;
    delegated -= cut;
    state.setDelegation(a.validator, delegator, amount - cut);
    const account = state.account(delegator);
    state.setAccount(delegator, {
      ...account,
      delegated: account.delegated - cut,
    });
  }
  state.setValidator(a.validator, {
    self: validator.self - share(validator.self, bps),
    delegated,
    jailed: true,
  });
  state.setPunished(key, options.height);
  state.burn(burned);
}
