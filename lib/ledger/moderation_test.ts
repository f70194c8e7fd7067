import assert from "node:assert/strict";
import { endBlock } from "./appeals.ts";
import { moderate, verdictOf } from "./moderation.ts";
import { fakeId, makeState, person, run } from "./_fixtures.ts";
import { DEFAULT_PARAMS, type FlagCategory } from "./genesis.ts";
import type { LedgerState, Subject } from "./state.ts";

const erin = person("erin").key;
const post: Subject = { post: fakeId("post"), author: erin };
const key = `post:${post.post}`;

/**
 * Supply 10,000: hide at 500 (5%), warn and downrank at 200 (2%); flag
 * bonds from 1, to reach each boundary exactly.
 */
function ledger(params = {}): LedgerState {
  return makeState({
    validators: [["v1", 1_000], ["v2", 1_000], ["v3", 1_000], ["v4", 1_000]],
    accounts: [["alice", 1_500], ["bob", 1_500], ["carol", 1_500], [
      "dave",
      1_500,
    ]],
    params: { flagBondMin: 1, ...params },
  });
}

const flag = (
  state: LedgerState,
  name: string,
  category: FlagCategory,
  bond: number,
  subject: Subject = post,
) => run(state, name, { type: "flag", subject, category, bond }, { height: 3 });

const summary = (state: LedgerState, at = key) => {
  const v = verdictOf(state, at);
  return v && { status: v.status, downranked: v.downranked, labels: v.labels };
};

Deno.test("nothing on a subject: no verdict", () => {
  const state = ledger();
  assert.equal(verdictOf(state, key), null);
  assert.equal(verdictOf(state, `author:${erin}`), null);
  assert.deepEqual(moderate(state), new Map());
});

Deno.test("hidden at exactly hideBps of all stake in hide-category bonds", () => {
  const state = ledger();
  flag(state, "alice", "abuse", 250);
  flag(state, "bob", "illegal", 249);
  assert.deepEqual(summary(state), {
    status: "warned",
    downranked: false,
    labels: ["abuse", "illegal"],
  });
  flag(state, "carol", "abuse", 1);
  assert.equal(verdictOf(state, key)!.status, "hidden");
  assert.deepEqual(verdictOf(state, key)!.stake, {
    hide: 500,
    warn: 500,
    downrank: 0,
    supply: 10_000,
  });
});

Deno.test("warned at exactly warnBps of hide- and warn-category bonds", () => {
  const state = ledger();
  flag(state, "alice", "sexual", 100);
  flag(state, "bob", "abuse", 99);
  flag(state, "dave", "spam", 150);
  assert.deepEqual(summary(state), {
    status: "visible",
    downranked: false,
    labels: ["spam", "sexual", "abuse"],
  });
  assert.deepEqual(verdictOf(state, key)!.stake, {
    hide: 99,
    warn: 199,
    downrank: 150,
    supply: 10_000,
  });
  flag(state, "carol", "other", 1);
  assert.equal(verdictOf(state, key)!.status, "warned");
  assert.equal(verdictOf(state, key)!.stake.warn, 200);
});

Deno.test("down-rank flags never warn: a spam-only subject is visible and downranked", () => {
  const state = ledger();
  flag(state, "alice", "spam", 1_000);
  flag(state, "bob", "spam", 1_000);
  const verdict = verdictOf(state, key)!;
  assert.deepEqual(
    { status: verdict.status, downranked: verdict.downranked },
    { status: "visible", downranked: true },
  );
  assert.deepEqual(verdict.labels, ["spam"]);
  assert.deepEqual(verdict.stake, {
    hide: 0,
    warn: 0,
    downrank: 2_000,
    supply: 10_000,
  });
  // A category's effect comes from the genesis: spam set to warn warns.
  const warns = ledger({
    categories: { ...DEFAULT_PARAMS.categories, spam: "warn" },
  });
  flag(warns, "alice", "spam", 200);
  assert.deepEqual(summary(warns), {
    status: "warned",
    downranked: false,
    labels: ["spam"],
  });
});

Deno.test("downranked at exactly downrankBps of downrank-category bonds, apart from hiding", () => {
  const state = ledger({ warnBps: 1_000 });
  flag(state, "alice", "spam", 199);
  assert.deepEqual(summary(state), {
    status: "visible",
    downranked: false,
    labels: ["spam"],
  });
  flag(state, "bob", "spam", 1);
  assert.deepEqual(summary(state), {
    status: "visible",
    downranked: true,
    labels: ["spam"],
  });
  flag(state, "carol", "abuse", 500);
  assert.deepEqual(summary(state), {
    status: "hidden",
    downranked: true,
    labels: ["abuse", "spam"],
  });
});

Deno.test("thresholds move with the supply; a zero share still needs a bond", () => {
  const state = ledger({ warnBps: 0, hideBps: 10_000 });
  flag(state, "alice", "abuse", 10);
  assert.equal(
    verdictOf(state, key)!.status,
    "warned",
    "any flag warns at 0 bps",
  );
  flag(state, "bob", "abuse", 1_490, { author: erin });
  state.burn(8_500); // supply 1,500: the author's 1,490 is still short of 100%
  assert.equal(verdictOf(state, `author:${erin}`)!.status, "warned");
  state.burn(10);
  assert.equal(verdictOf(state, `author:${erin}`)!.status, "hidden");
});

Deno.test("labels by bonded stake, most first, ties by name; evidence lists live flags", () => {
  const state = ledger();
  const a = flag(state, "alice", "violence", 40);
  const b = flag(state, "bob", "abuse", 40);
  const c = flag(state, "carol", "violence", 20);
  const d = flag(state, "dave", "spam", 30);
  run(state, "dave", { type: "retract", flag: d });
  const verdict = verdictOf(state, key)!;
  assert.deepEqual(verdict.labels, ["violence", "abuse"]);
  assert.deepEqual(verdict.evidence, [
    {
      flag: a,
      flagger: person("alice").key,
      category: "violence",
      bond: 40,
      height: 3,
      status: "active",
    },
    {
      flag: b,
      flagger: person("bob").key,
      category: "abuse",
      bond: 40,
      height: 3,
      status: "active",
    },
    {
      flag: c,
      flagger: person("carol").key,
      category: "violence",
      bond: 20,
      height: 3,
      status: "active",
    },
  ]);
  assert.equal(verdict.appeal, null);
  assert.equal(verdict.forked, null);
  assert.deepEqual(verdict.subject, post);
});

Deno.test("appeals: upheld flags stay in the evidence, overturned ones leave it", () => {
  const state = ledger({ appealBlocks: 1 });
  const a = flag(state, "alice", "abuse", 600);
  const appeal = run(
    state,
    "bob",
    { type: "appeal", subject: post, bond: 10 },
    { height: 4 },
  );
  assert.deepEqual(verdictOf(state, key)!.appeal, {
    id: appeal,
    status: "open",
    closes: 5,
    decided: null,
  });
  run(state, "carol", { type: "vote", appeal, choice: "uphold" }, {
    height: 4,
  });
  endBlock(state, { height: 5 });
  const upheld = verdictOf(state, key)!;
  assert.equal(upheld.status, "hidden");
  assert.deepEqual(upheld.evidence.map((e) => [e.flag, e.status]), [[
    a,
    "upheld",
  ]]);
  assert.deepEqual(upheld.appeal, {
    id: appeal,
    status: "upheld",
    closes: 5,
    decided: 5,
  });
  const b = flag(state, "carol", "spam", 300);
  const second = run(
    state,
    "bob",
    { type: "appeal", subject: post, bond: 10 },
    { height: 6 },
  );
  for (const name of ["dave", "v1", "v2"]) {
    run(state, name, { type: "vote", appeal: second, choice: "overturn" }, {
      height: 6,
    });
  }
  endBlock(state, { height: 7 });
  const after = verdictOf(state, key)!;
  assert.equal(state.flag(b)!.status, "overturned");
  assert.deepEqual(after.evidence.map((e) => e.flag), [a]);
  assert.equal(after.appeal!.status, "overturned");
});

Deno.test("a lapsed appeal leaves its flags active and counting; only the appellant's slash burns", () => {
  const state = ledger({ appealBlocks: 1 });
  const a = flag(state, "alice", "abuse", 600);
  const before = verdictOf(state, key)!;
  const appeal = run(
    state,
    "bob",
    { type: "appeal", subject: post, bond: 10 },
    { height: 4 },
  );
  // 999 of 10,000 votes: short of the quorum of 1,000.
  run(state, "bob", { type: "transfer", to: erin, amount: 999 }, {
    height: 4,
  });
  run(state, "erin", { type: "vote", appeal, choice: "overturn" }, {
    height: 4,
  });
  endBlock(state, { height: 5 });
  const after = verdictOf(state, key)!;
  assert.equal(state.appeal(appeal)!.status, "lapsed");
  // appealSlashBps of bob's bond of 10 burns: the supply falls by 5.
  assert.deepEqual(after, {
    ...before,
    stake: { ...before.stake, supply: 9_995 },
    appeal: { id: appeal, status: "lapsed", closes: 5, decided: 5 },
  });
  assert.deepEqual(after.evidence.map((e) => [e.flag, e.status]), [[
    a,
    "active",
  ]]);
  assert.equal(after.status, "hidden");
});

Deno.test("a forked author is warned and labelled forked, first", () => {
  const state = ledger();
  const forked = { seq: 7, height: 9, proof: fakeId("proof") };
  state.setForked(erin, forked);
  const verdict = verdictOf(state, `author:${erin}`)!;
  assert.deepEqual(
    { status: verdict.status, labels: verdict.labels, forked: verdict.forked },
    { status: "warned", labels: ["forked"], forked },
  );
  assert.deepEqual(verdict.subject, { author: erin });
  assert.equal(
    verdictOf(state, key),
    null,
    "the author's posts are not judged by it",
  );
  flag(state, "alice", "abuse", 500, { author: erin });
  assert.deepEqual(summary(state, `author:${erin}`), {
    status: "hidden",
    downranked: false,
    labels: ["forked", "abuse"],
  });
  assert.deepEqual([...moderate(state).keys()], [`author:${erin}`]);
  flag(state, "bob", "spam", 10);
  assert.deepEqual([...moderate(state).keys()], [`author:${erin}`, key].sort());
});
