import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeBase64Url } from "../protocol/mod.ts";
import { applyTransaction } from "./apply.ts";
import { endBlock, tally } from "./appeals.ts";
import { LedgerError } from "./errors.ts";
import { FLAG_CATEGORIES } from "./genesis.ts";
import { applyEvidence } from "./slashing.ts";
import { fakeId, makeState, person, stakeSum, txOf } from "./_fixtures.ts";
import type { LedgerState, Subject } from "./state.ts";
import type { SignedTransaction, Transaction } from "./transaction.ts";
import type { Vote } from "./vote.ts";

const NAMES = ["alice", "bob", "carol", "v1", "v2", "v3"];
const VALIDATORS = [["v1", 300], ["v2", 200], ["v3", 100]] as [
  string,
  number,
][];
const SUBJECTS: Subject[] = [
  { post: fakeId("p1"), author: person("bob").key },
  { author: person("carol").key },
];

/** One step of a random run: a transaction, the end of a block, or a slash. */
const stepArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("tx" as const),
      type: fc.constantFrom(
        "transfer",
        "delegate",
        "undelegate",
        "flag",
        "retract",
        "appeal",
        "vote",
        "checkpoint",
      ),
      signer: fc.nat(NAMES.length - 1),
      target: fc.nat(20),
      amount: fc.integer({ min: 1, max: 400 }),
      stale: fc.nat(9).map((n) => n === 0),
      choice: fc.boolean(),
      aimed: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("end" as const),
      skip: fc.nat(25),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("slash" as const),
      validator: fc.nat(VALIDATORS.length - 1),
    }),
  },
);
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** The shared fields of the opening steps: aimed at bob's post p1. */
const OPENING = {
  kind: "tx" as const,
  target: 0,
  amount: 100,
  stale: false,
  choice: true,
  aimed: false,
};

/** Flags, appeals and delegations made so far, to aim later steps at. */
interface Made {
  flags: { id: string; flagger: string }[];
  appeals: { id: string; appellant: string }[];
  delegations: { delegator: string; validator: string }[];
}

function transactionOf(
  step: Extract<Step, { kind: "tx" }>,
  made: Made,
): Transaction {
  const pick = <T>(list: T[]) => list[step.target % list.length];
  const name = pick(NAMES);
  switch (step.type) {
    case "transfer":
      return { type: "transfer", to: person(name).key, amount: step.amount };
    case "delegate":
      return {
        type: "delegate",
        validator: person(pick(["v1", "v2", "v3", "alice"])).key,
        amount: step.amount,
      };
    case "undelegate": {
      // Half aim at a delegation that was made, so that some apply.
      const validator = step.aimed && made.delegations.length > 0
        ? pick(made.delegations).validator
        : pick(["v1", "v2", "v3", "alice"]);
      return {
        type: "undelegate",
        validator: person(validator).key,
        amount: 1 + step.amount % 60,
      };
    }
    case "flag":
      return {
        type: "flag",
        subject: pick(SUBJECTS),
        category: pick([...FLAG_CATEGORIES]),
        bond: step.amount,
      };
    case "retract":
      return {
        type: "retract",
        flag: made.flags.length > 0 ? pick(made.flags).id : fakeId("none"),
      };
    case "appeal":
      return { type: "appeal", subject: pick(SUBJECTS), bond: step.amount };
    case "vote":
      return {
        type: "vote",
        // Aimed votes go to the latest appeal, the one most likely open.
        appeal: made.appeals.length === 0
          ? fakeId("none")
          : step.aimed
          ? made.appeals.at(-1)!.id
          : pick(made.appeals).id,
        choice: step.choice ? "uphold" : "overturn",
      };
    case "checkpoint":
      return {
        type: "checkpoint",
        heads: [{
          author: person(name).key,
          seq: step.amount,
          id: fakeId(name),
        }],
      };
  }
}

function vote(validator: string, height: number, block: string): Vote {
  return {
    ledger: fakeId("ledger"),
    height,
    round: 0,
    type: "precommit",
    block,
    validator,
    sig: encodeBase64Url(new Uint8Array(64)),
  };
}

/** What an attempt threw, and the transaction it signed (tx steps). */
interface Attempt {
  error: unknown;
  signed?: SignedTransaction;
}

/**
 * Runs `steps` from a fresh state; `check` gets each step with `attempt`,
 * which performs it.
 */
function runSteps(
  steps: Step[],
  check: (state: LedgerState, step: Step, attempt: () => Attempt) => void,
): void {
  const state = makeState({
    validators: VALIDATORS,
    accounts: [["alice", 1_000], ["bob", 1_000], ["carol", 1_000]],
    params: { appealBlocks: 3 },
  });
  const made: Made = { flags: [], appeals: [], delegations: [] };
  let height = 1;
  let signed: SignedTransaction | undefined;
  const perform = (step: Step) => {
    if (step.kind === "tx") {
      const tx = transactionOf(step, made);
      // Aimed retracts and undelegates are signed by the flagger or the
      // delegator, so that some apply.
      const name = tx.type === "retract" && step.aimed
        ? made.flags.find((f) => f.id === tx.flag)?.flagger ?? "alice"
        : tx.type === "undelegate" && step.aimed
        ? made.delegations.find((d) => person(d.validator).key === tx.validator)
          ?.delegator ?? NAMES[step.signer]
        : tx.type === "vote" && step.aimed && step.signer % 2 === 0
        ? made.appeals.find((a) => a.id === tx.appeal)?.appellant ??
          NAMES[step.signer]
        : NAMES[step.signer];
      const seq = state.nonce(person(name).key) + (step.stale ? 0 : 1);
      signed = txOf(name, seq, tx);
      applyTransaction(state, signed, { height });
      if (tx.type === "flag") made.flags.push({ id: signed.id, flagger: name });
      if (tx.type === "appeal") {
        made.appeals.push({ id: signed.id, appellant: name });
      }
      if (tx.type === "delegate") {
        const validator = ["v1", "v2", "v3", "alice"]
          .find((v) => person(v).key === tx.validator)!;
        made.delegations.push({ delegator: name, validator });
      }
    } else if (step.kind === "end") {
      for (let i = 0; i <= step.skip; i++) {
        endBlock(state, { height: height++ });
      }
      state.setMeta({ ...state.meta, height: height - 1 });
    } else {
      const key = person(VALIDATORS[step.validator][0]).key;
      const ledger = state.meta.ledger;
      applyEvidence(state, {
        kind: "equivocation",
        votes: [
          { ...vote(key, height, fakeId("a")), ledger },
          { ...vote(key, height, fakeId("b")), ledger },
        ],
      }, { height });
    }
  };
  // Every run opens with a flag and its appeal, so that votes have
  // something to aim at and coverage does not depend on luck.
  const opening: Step[] = [
    { ...OPENING, type: "flag", signer: 0 },
    { ...OPENING, type: "appeal", signer: 1 },
  ];
  for (const step of [...opening, ...steps]) {
    check(state, step, () => {
      signed = undefined;
      try {
        perform(step);
        return { error: undefined, signed };
      } catch (error) {
        return { error, signed };
      }
    });
  }
}

Deno.test("property: a transaction applies, or throws a LedgerError and changes nothing; parties never vote", () => {
  const applied = new Map<string, number>();
  let partyVotes = 0;
  fc.assert(
    fc.property(
      fc.array(stepArb, { minLength: 20, maxLength: 60 }),
      (steps) => {
        runSteps(steps, (state, step, attempt) => {
          const root = state.root();
          const nonces = NAMES.map((n) => state.nonce(person(n).key));
          const { error, signed } = attempt();
          // An open appeal's parties are refused; anyone else's vote may apply.
          if (step.kind === "tx" && signed?.tx.type === "vote") {
            const appeal = state.appeal(signed.tx.appeal);
            const party = appeal !== undefined && (
              signed.signer === appeal.appellant ||
              appeal.flags.some((id) =>
                state.flag(id)!.flagger === signed.signer
              )
            );
            if (party && appeal.status === "open" && !step.stale) {
              partyVotes++;
              assert.ok(error instanceof LedgerError, `${error}`);
              assert.deepEqual([error.reason, error.message], [
                "not_allowed",
                "Cannot apply vote: the signer is a party to the appeal",
              ]);
            }
            if (error === undefined) assert.ok(!party, "a party voted");
          }
          if (error !== undefined) {
            assert.ok(error instanceof LedgerError, `${error}`);
            assert.equal(state.root(), root, `${error.message} changed state`);
          } else if (step.kind === "tx") {
            applied.set(step.type, (applied.get(step.type) ?? 0) + 1);
            assert.ok(!step.stale, "a stale nonce never applies");
            const after = NAMES.map((n) => state.nonce(person(n).key));
            assert.equal(
              after.filter((nonce, i) => nonce !== nonces[i]).length,
              1,
              "one signer's nonce moves",
            );
          }
        });
      },
    ),
    { numRuns: 200 },
  );
  for (const type of ["transfer", "delegate", "flag", "checkpoint"]) {
    assert.ok((applied.get(type) ?? 0) > 20, `${type} seldom applies`);
  }
  for (const type of ["undelegate", "retract", "appeal", "vote"]) {
    assert.ok((applied.get(type) ?? 0) > 0, `${type} never applies`);
  }
  assert.ok(partyVotes > 0, "no party ever tried to vote");
});

Deno.test("property: holdings sum to the supply, jailing leaves nothing staked, an appeal counts stake once", () => {
  fc.assert(
    fc.property(
      fc.array(stepArb, { minLength: 20, maxLength: 80 }),
      (steps) => {
        runSteps(steps, (state, _step, attempt) => {
          attempt();
          const { supply, burned } = state.meta;
          assert.equal(stakeSum(state, NAMES), supply);
          assert.equal(supply + burned, 3_000 + 600);
          for (const key of state.validatorKeys) {
            const validator = state.validator(key)!;
            const delegated = state.delegationsTo(key)
              .reduce((sum, [, amount]) => sum + amount, 0);
            assert.equal(validator.delegated, delegated);
            // Jailing hands everything back: nothing stays behind it.
            if (validator.jailed) {
              assert.deepEqual([validator.self, delegated], [0, 0]);
            }
            assert.equal(validator.jailed, state.punished(key) !== undefined);
          }
          // Stake counts once in an appeal, however often it moved.
          for (const id of state.appealIds()) {
            const { uphold, overturn } = tally(state.appeal(id)!, state);
            assert.ok(uphold + overturn <= supply);
          }
        });
      },
    ),
    { numRuns: 150 },
  );
});
