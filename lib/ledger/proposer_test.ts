import assert from "node:assert/strict";
import fc from "fast-check";
import { isOneThird, isQuorum, proposerOf, validatorSet } from "./proposer.ts";
import { makeState, person } from "./_fixtures.ts";
import type { LedgerState } from "./state.ts";

/** Proposers of `heights` successive heights, each decided at round 0. */
function sequence(state: LedgerState, heights: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < heights; i++) {
    const { proposer, priorities } = proposerOf(state, 0);
    state.setPriorities(priorities);
    out.push(proposer);
  }
  return out;
}

const count = (list: string[]) => {
  const counts = new Map<string, number>();
  for (const key of list) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
};

Deno.test("each validator proposes in proportion to its power", () => {
  const state = makeState({
    validators: [["p1", 10], ["p2", 20], ["p3", 30], ["p4", 40]],
  });
  const counts = count(sequence(state, 1_000));
  for (
    const [name, power] of [["p1", 10], ["p2", 20], ["p3", 30], [
      "p4",
      40,
    ]] as const
  ) {
    assert.equal(counts.get(person(name).key), power * 10, name);
  }
});

Deno.test("property: each run of total-power heights gives each validator exactly its power", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
      (powers) => {
        const state = makeState({
          validators: powers.map((p, i) => [`w${i}`, p]),
        });
        const total = powers.reduce((a, b) => a + b, 0);
        const list = sequence(state, 3 * total);
        for (let window = 0; window < 3; window++) {
          const counts = count(
            list.slice(window * total, (window + 1) * total),
          );
          for (const [i, power] of powers.entries()) {
            assert.equal(counts.get(person(`w${i}`).key) ?? 0, power);
          }
        }
        // No validator ever drifts far from its share.
        const running = new Map<string, number>();
        list.forEach((key, n) => {
          running.set(key, (running.get(key) ?? 0) + 1);
          for (const [i, power] of powers.entries()) {
            const got = running.get(person(`w${i}`).key) ?? 0;
            assert.ok(Math.abs(got - ((n + 1) * power) / total) < 2);
          }
        });
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("deterministic, and ties go to the smallest key", () => {
  const names: [string, number][] = [["t1", 5], ["t2", 5], ["t3", 5]];
  const keys = names.map(([n]) => person(n).key).sort();
  assert.deepEqual(sequence(makeState({ validators: names }), 6), [
    ...keys,
    ...keys,
  ]);
  const weighted = () =>
    makeState({ validators: [["u1", 3], ["u2", 7], ["u3", 11]] });
  assert.deepEqual(sequence(weighted(), 50), sequence(weighted(), 50));
});

Deno.test("round r runs r + 1 increments from the stored priorities", () => {
  const validators: [string, number][] = [["r1", 3], ["r2", 1], ["r3", 2]];
  const stepwise = makeState({ validators });
  const expected = sequence(stepwise, 8);
  for (let round = 0; round < 8; round++) {
    const state = makeState({ validators });
    assert.equal(proposerOf(state, round).proposer, expected[round]);
  }
  const state = makeState({ validators });
  sequence(state, 3);
  assert.deepEqual(
    proposerOf(makeState({ validators }), 2).priorities,
    state.priorities,
  );
});

Deno.test("jailed validators neither vote nor propose; none left is an error", () => {
  const state = makeState({ validators: [["j1", 10], ["j2", 10], ["j3", 10]] });
  const [j1, j2, j3] = ["j1", "j2", "j3"].map((n) => person(n).key);
  sequence(state, 2);
  state.setValidator(j2, { self: 10, delegated: 0, jailed: true });
  const set = validatorSet(state);
  assert.deepEqual(set.members.map((m) => m.key), [j1, j3].sort());
  assert.equal(set.total, 20);
  assert.ok(!sequence(state, 20).includes(j2));
  assert.deepEqual(Object.keys(state.priorities).sort(), [j1, j3].sort());
  for (const key of [j1, j3]) {
    state.setValidator(key, { self: 10, delegated: 0, jailed: true });
  }
  assert.throws(() => proposerOf(state, 0), {
    name: "Error",
    message: "Cannot choose a proposer: no validator has power",
  });
});

Deno.test("validatorSet: sorted by key, delegations count", () => {
  const state = makeState({ validators: [["s1", 5], ["s2", 7]] });
  const s1 = person("s1").key;
  state.setValidator(s1, { self: 5, delegated: 4, jailed: false });
  const set = validatorSet(state);
  assert.deepEqual(
    set.members,
    [{ key: s1, power: 9 }, { key: person("s2").key, power: 7 }].sort((a, b) =>
      a.key < b.key ? -1 : 1
    ),
  );
  assert.equal(set.total, 16);
});

Deno.test("isQuorum is more than 2/3, isOneThird more than 1/3", () => {
  assert.equal(isQuorum(2, 3), false);
  assert.equal(isQuorum(67, 100), true);
  assert.equal(isQuorum(66, 99), false);
  assert.equal(isQuorum(67, 99), true);
  assert.equal(isQuorum(0, 0), false);
  assert.equal(isOneThird(1, 3), false);
  assert.equal(isOneThird(34, 100), true);
  assert.equal(isOneThird(33, 99), false);
});
