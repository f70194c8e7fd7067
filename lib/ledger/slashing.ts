/**
 * Evidence: a fork proof marks its author forked; two conflicting votes
 * by one validator slash and jail it. Evidence is self-verifying, so
 * anyone may hand it to a proposer.
 *
 * @module
 */
import { forkProofId } from "../log/fork_proof.ts";
import { check, isKey, isObject, share } from "./_internal.ts";
import type { Touched } from "./apply.ts";
import { type LedgerState, subjectKey } from "./state.ts";
import { assertValidVote, type Evidence, type Vote } from "./vote.ts";

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
      isObject(proof) && isKey(proof.author) &&
        Array.isArray(proof.entries) && proof.entries.length === 2 &&
        proof.entries.every((e) =>
          isObject(e) && e.author === proof.author && e.seq === proof.seq
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
  check(
    Array.isArray(evidence.votes) && evidence.votes.length === 2 &&
      evidence.votes.every(isValidVote),
    "bad_evidence",
    fail("expected two well-formed votes"),
  );
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
  check(
    !validator.jailed,
    "bad_evidence",
    fail("the validator is already jailed"),
  );
  // Burn a share of the validator's stake and of each delegation to it,
  // then hand what is left back to its owners: a jailed validator never
  // votes again, and stake stuck behind it would count for nothing.
  const bps = state.params.equivocationSlashBps;
  let burned = share(validator.self, bps);
  for (const [delegator, amount] of state.delegationsTo(a.validator)) {
    const cut = share(amount, bps);
    burned += cut;
    state.setDelegation(a.validator, delegator, 0);
    const account = state.account(delegator);
    state.setAccount(delegator, {
      ...account,
      balance: account.balance + amount - cut,
      delegated: account.delegated - amount,
    });
  }
  const own = state.account(a.validator);
  state.setAccount(a.validator, {
    ...own,
    balance: own.balance + validator.self - share(validator.self, bps),
  });
  state.setValidator(a.validator, { self: 0, delegated: 0, jailed: true });
  state.setPunished(a.validator, { at: a.height, height: options.height });
  state.burn(burned);
}

function isValidVote(value: unknown): value is Vote {
  try {
    assertValidVote(value);
    return true;
  } catch {
    return false;
  }
}
