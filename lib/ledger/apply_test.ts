import assert from "node:assert/strict";
import { applyTransaction } from "./apply.ts";
import {
  fakeId,
  makeState,
  person,
  run,
  throwsLedger,
  txOf,
} from "./_fixtures.ts";

const [alice, bob, erin] = ["alice", "bob", "erin"].map((n) => person(n).key);
const [v1, v2] = ["v1", "v2"].map((n) => person(n).key);

Deno.test("nonces: seq must rise per signer; gaps are allowed", () => {
  const state = makeState();
  const transfer = { type: "transfer" as const, to: bob, amount: 1 };
  applyTransaction(state, txOf("alice", 5, transfer), { height: 1 });
  assert.equal(state.nonce(alice), 5);
  assert.equal(state.nonce(bob), 0);
  for (const seq of [5, 3]) {
    throwsLedger(
      () =>
        applyTransaction(state, txOf("alice", seq, transfer), { height: 1 }),
      "stale_nonce",
      `Cannot apply transfer: seq ${seq} is not above 5, the signer's last`,
    );
  }
  applyTransaction(state, txOf("bob", 1, { ...transfer, to: alice }), {
    height: 1,
  });
  assert.equal(state.account(alice).balance, 1_000);
});

Deno.test("transfer moves balance and creates the recipient's account", () => {
  const state = makeState();
  run(state, "alice", { type: "transfer", to: erin, amount: 300 });
  assert.deepEqual(state.account(alice), {
    balance: 700,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.account(erin), {
    balance: 300,
    delegated: 0,
    locked: 0,
  });
  run(state, "erin", { type: "transfer", to: bob, amount: 300 });
  assert.equal(state.account(bob).balance, 1_300);
  assert.deepEqual(state.account(erin), {
    balance: 0,
    delegated: 0,
    locked: 0,
  });
  assert.equal(state.meta.supply, 4_400, "transfers move stake, never make it");
});

Deno.test("transfer refusals: unfunded, to self", () => {
  const state = makeState();
  throwsLedger(
    () => run(state, "alice", { type: "transfer", to: bob, amount: 1_001 }),
    "insufficient_stake",
    "Cannot apply transfer: balance 1000 is below the amount 1001",
  );
  throwsLedger(
    () => run(state, "erin", { type: "transfer", to: bob, amount: 1 }),
    "insufficient_stake",
    "Cannot apply transfer: balance 0 is below the amount 1",
  );
  throwsLedger(
    () => run(state, "alice", { type: "transfer", to: alice, amount: 1 }),
    "not_allowed",
    "Cannot apply transfer: to is the signer",
  );
  assert.equal(state.nonce(alice), 0, "a refused transaction uses no nonce");
});

Deno.test("delegate moves balance into a validator's power", () => {
  const state = makeState();
  run(state, "alice", { type: "delegate", validator: v1, amount: 200 });
  run(state, "alice", { type: "delegate", validator: v1, amount: 50 });
  run(state, "bob", { type: "delegate", validator: v1, amount: 1 });
  assert.deepEqual(state.account(alice), {
    balance: 750,
    delegated: 250,
    locked: 0,
  });
  assert.equal(state.delegation(v1, alice), 250);
  assert.deepEqual(state.delegationsTo(v1), [[alice, 250], [bob, 1]].sort());
  assert.deepEqual(state.validator(v1), {
    self: 100,
    delegated: 251,
    jailed: false,
  });
  assert.equal(state.power(v1), 351);
  assert.equal(state.holdings(alice), 1_000, "delegated stake still counts");
});

Deno.test("delegate refusals: no such validator, jailed, unfunded", () => {
  const state = makeState();
  throwsLedger(
    () => run(state, "alice", { type: "delegate", validator: bob, amount: 1 }),
    "unknown_target",
    "Cannot apply delegate: no such validator",
  );
  throwsLedger(
    () =>
      run(state, "alice", { type: "delegate", validator: v1, amount: 1_001 }),
    "insufficient_stake",
    "Cannot apply delegate: balance 1000 is below the amount 1001",
  );
  state.setValidator(v2, { self: 100, delegated: 0, jailed: true });
  throwsLedger(
    () => run(state, "alice", { type: "delegate", validator: v2, amount: 1 }),
    "not_allowed",
    "Cannot apply delegate: the validator is jailed",
  );
});

Deno.test("undelegate returns stake, in part or in full, even from a jailed validator", () => {
  const state = makeState();
  run(state, "alice", { type: "delegate", validator: v1, amount: 200 });
  run(state, "alice", { type: "undelegate", validator: v1, amount: 150 });
  assert.deepEqual(state.account(alice), {
    balance: 950,
    delegated: 50,
    locked: 0,
  });
  assert.equal(state.validator(v1)!.delegated, 50);
  state.setValidator(v1, { ...state.validator(v1)!, jailed: true });
  run(state, "alice", { type: "undelegate", validator: v1, amount: 50 });
  assert.equal(state.delegation(v1, alice), 0);
  assert.deepEqual(state.delegationsTo(v1), []);
  assert.deepEqual(state.account(alice), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
});

Deno.test("undelegate refusals: no delegation, more than delegated", () => {
  const state = makeState();
  for (const validator of [v1, alice]) {
    throwsLedger(
      () => run(state, "alice", { type: "undelegate", validator, amount: 1 }),
      "unknown_target",
      "Cannot apply undelegate: no delegation to that validator",
    );
  }
  run(state, "alice", { type: "delegate", validator: v1, amount: 200 });
  throwsLedger(
    () =>
      run(state, "alice", { type: "undelegate", validator: v1, amount: 201 }),
    "insufficient_stake",
    "Cannot apply undelegate: delegated 200, asked 201",
  );
  throwsLedger(
    () => run(state, "bob", { type: "undelegate", validator: v1, amount: 1 }),
    "unknown_target",
    "Cannot apply undelegate: no delegation to that validator",
  );
});

Deno.test("checkpoint records log heads, by validators only, always forward", () => {
  const state = makeState();
  const head = (author: string, seq: number) => ({
    author,
    seq,
    id: fakeId(`${author} ${seq}`),
  });
  run(state, "v1", {
    type: "checkpoint",
    heads: [head(alice, 4), head(bob, 1)],
  }, {
    height: 6,
  });
  assert.deepEqual(state.checkpoint(alice), {
    seq: 4,
    id: fakeId(`${alice} 4`),
    height: 6,
  });
  run(state, "v2", { type: "checkpoint", heads: [head(alice, 5)] }, {
    height: 7,
  });
  assert.equal(state.checkpoint(alice)!.seq, 5);
  throwsLedger(
    () => run(state, "alice", { type: "checkpoint", heads: [head(erin, 1)] }),
    "not_allowed",
    "Cannot apply checkpoint: only validators checkpoint",
  );
  for (const seq of [5, 2]) {
    throwsLedger(
      () =>
        run(state, "v1", {
          type: "checkpoint",
          heads: [head(erin, 1), head(alice, seq)],
        }),
      "not_allowed",
      `Cannot apply checkpoint: ${alice} is already checkpointed at seq 5`,
    );
  }
  assert.equal(state.checkpoint(erin), undefined, "all heads or none");
  state.setValidator(v2, { self: 100, delegated: 0, jailed: true });
  throwsLedger(
    () => run(state, "v2", { type: "checkpoint", heads: [head(erin, 1)] }),
    "not_allowed",
    "Cannot apply checkpoint: only validators checkpoint",
  );
});
