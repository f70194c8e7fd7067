import assert from "node:assert/strict";
import { decodeBase64Url } from "../protocol/mod.ts";
import { verifyEd25519 } from "../crypto/mod.ts";
import { validatorSet } from "./proposer.ts";
import { applyEvidence } from "./slashing.ts";
import {
  fakeId,
  makeState,
  person,
  run,
  signedVote,
  stakeSum,
  throwsLedger,
} from "./_fixtures.ts";
import {
  equivocation,
  type Evidence,
  evidenceChecks,
  type SignatureCheck,
} from "./vote.ts";
import type { LedgerState } from "./state.ts";

const v1 = person("v1");
const fail = (m: string) => `Cannot apply evidence: ${m}`;

async function verifies(checks: SignatureCheck[]): Promise<boolean[]> {
  return await Promise.all(
    checks.map(({ key, message, sig }) =>
      verifyEd25519(decodeBase64Url(key)!, message, decodeBase64Url(sig)!)
    ),
  );
}

/** v1 (self 1,000) with delegations from alice (400) and bob (15). */
function delegated(): LedgerState {
  const state = makeState({
    validators: [["v1", 1_000], ["v2", 1_000], ["v3", 1_000]],
    params: { evidenceMaxAge: 5 },
  });
  run(state, "alice", { type: "delegate", validator: v1.key, amount: 400 });
  run(state, "bob", { type: "delegate", validator: v1.key, amount: 15 });
  state.setMeta({ ...state.meta, height: 10 });
  return state;
}

const votePair = (
  state: LedgerState,
  height = 10,
  who = v1,
  other: Partial<{ round: number; type: "prevote" | "precommit" }> = {},
) =>
  equivocation(
    signedVote(who, {
      ledger: state.meta.ledger,
      height,
      block: fakeId("A"),
      ...other,
    }),
    signedVote(who, {
      ledger: state.meta.ledger,
      height,
      block: fakeId("B"),
      ...other,
    }),
  );

Deno.test("equivocation burns a share of self-stake and delegations, jails, and returns the rest", async () => {
  const state = delegated();
  const [alice, bob] = [person("alice").key, person("bob").key];
  const evidence = votePair(state);
  assert.deepEqual(await verifies(evidenceChecks(evidence)), [true, true]);
  const supply = state.meta.supply;
  const touched = new Set<string>();
  applyEvidence(state, evidence, { height: 11, touched });
  // 5% of 1,000 and of 400 burn; 5% of 15 rounds down to 0.
  assert.deepEqual(state.validator(v1.key), {
    self: 0,
    delegated: 0,
    jailed: true,
  });
  assert.deepEqual(state.delegationsTo(v1.key), []);
  assert.equal(state.delegation(v1.key, alice), 0);
  assert.equal(state.delegation(v1.key, bob), 0);
  assert.deepEqual(state.account(v1.key), {
    balance: 950,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.account(alice), {
    balance: 980,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.account(bob), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
  assert.equal(state.meta.supply, supply - 70, "reduced by the burn exactly");
  assert.equal(state.meta.burned, 70);
  assert.equal(
    stakeSum(state, ["alice", "bob", "carol", "dave", "v1"]),
    state.meta.supply,
  );
  assert.deepEqual(state.punished(v1.key), { at: 10, height: 11 });
  assert.equal(state.punished(person("v2").key), undefined);
  assert.deepEqual([...touched], [], "verdicts follow the supply instead");
  assert.equal(state.power(v1.key), 0);
  assert.equal(
    state.holdings(v1.key),
    950,
    "what is left is liquid, and votes on appeals like any balance",
  );
  assert.deepEqual(
    validatorSet(state).members.map((m) => m.key),
    [person("v2").key, person("v3").key].sort(),
  );
  throwsLedger(
    () =>
      run(state, "carol", { type: "delegate", validator: v1.key, amount: 1 }),
    "not_allowed",
    "Cannot apply delegate: the validator is jailed",
  );
  throwsLedger(
    () =>
      run(state, "alice", { type: "undelegate", validator: v1.key, amount: 1 }),
    "unknown_target",
    "Cannot apply undelegate: no delegation to that validator",
  );
  run(state, "v1", { type: "transfer", to: alice, amount: 950 });
  assert.equal(state.account(alice).balance, 1_930);
});

Deno.test("the punished record is part of the state root", () => {
  const a = delegated();
  const b = delegated();
  applyEvidence(a, votePair(a), { height: 11 });
  applyEvidence(b, votePair(b, 9), { height: 11 });
  assert.deepEqual(a.punished(v1.key), { at: 10, height: 11 });
  assert.deepEqual(b.punished(v1.key), { at: 9, height: 11 });
  assert.notEqual(a.root(), b.root(), "only the record differs");
  b.setPunished(v1.key, { at: 10, height: 11 });
  assert.equal(a.root(), b.root());
});

Deno.test("one jailing per validator: further evidence against it is refused", () => {
  const state = delegated();
  applyEvidence(state, votePair(state), { height: 11 });
  const root = state.root();
  for (
    const again of [
      votePair(state),
      votePair(state, 10, v1, { round: 1 }),
      votePair(state, 10, v1, { round: 2, type: "prevote" }),
      votePair(state, 9),
      votePair(state, 11),
    ]
  ) {
    throwsLedger(
      () => applyEvidence(state, again, { height: 11 }),
      "bad_evidence",
      fail("the validator is already jailed"),
    );
  }
  assert.equal(state.root(), root);
  assert.equal(state.meta.burned, 70);
  assert.deepEqual(state.punished(v1.key), { at: 10, height: 11 });
  // Another validator is another offence.
  applyEvidence(state, votePair(state, 10, person("v2")), { height: 11 });
  assert.equal(state.meta.burned, 70 + 50);
  assert.equal(state.account(person("v2").key).balance, 950);
});

Deno.test("evidence is accepted only inside the window", () => {
  // At state height 10 with evidenceMaxAge 5: heights 6 to 11.
  for (const height of [6, 11]) {
    const state = delegated();
    applyEvidence(state, votePair(state, height), { height: 11 });
  }
  for (const height of [5, 12]) {
    const state = delegated();
    throwsLedger(
      () => applyEvidence(state, votePair(state, height), { height: 11 }),
      "bad_evidence",
      fail(`height ${height} is outside the evidence window`),
    );
  }
});

Deno.test("votes that do not conflict, or not by a validator, are refused", () => {
  const state = delegated();
  const ledger = state.meta.ledger;
  const vote = (who = v1, extra: Record<string, unknown> = {}) =>
    signedVote(who, { ledger, height: 10, block: fakeId("A"), ...extra });
  const pairs = [
    [vote(), vote(person("v2"), { block: fakeId("B") })],
    [vote(), vote()],
    [vote(), vote(v1, { block: fakeId("B"), round: 1 })],
    [vote(), vote(v1, { block: fakeId("B"), type: "prevote" })],
    [vote(), vote(v1, { block: fakeId("B"), height: 9 })],
    [
      vote(v1, { ledger: fakeId("x") }),
      vote(v1, { ledger: fakeId("x"), block: fakeId("B") }),
    ],
    [vote(), vote(v1, { ledger: fakeId("x"), block: fakeId("B") })],
  ];
  for (const votes of pairs) {
    throwsLedger(
      () =>
        applyEvidence(state, { kind: "equivocation", votes } as Evidence, {
          height: 11,
        }),
      "bad_evidence",
      fail("the votes do not conflict"),
    );
  }
  throwsLedger(
    () =>
      applyEvidence(state, votePair(state, 10, person("alice")), {
        height: 11,
      }),
    "bad_evidence",
    fail("the signer is not a validator"),
  );
  for (const votes of [[], [vote()], [vote(), { ...vote(), sig: "x" }], null]) {
    throwsLedger(
      () =>
        applyEvidence(
          state,
          { kind: "equivocation", votes } as unknown as Evidence,
          { height: 11 },
        ),
      "bad_evidence",
      fail("expected two well-formed votes"),
    );
  }
  assert.equal(state.meta.burned, 0);
});
