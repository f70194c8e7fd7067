import assert from "node:assert/strict";
import { type Block, BLOCK_BYTES, buildBlock, executeBlock } from "./block.ts";
import { proposerOf } from "./proposer.ts";
import {
  fakeId,
  makeState,
  person,
  signedVote,
  T0,
  throwsLedger,
  Writer,
} from "./_fixtures.ts";
import type { LedgerErrorReason } from "./errors.ts";
import type { LedgerState } from "./state.ts";
import { equivocation } from "./vote.ts";

/** A state at height 1 and a valid block 2 carrying two transactions. */
function setup(params = {}) {
  const state = makeState({ params });
  executeBlock(
    state,
    buildBlock(state, { round: 0, time: T0 + 1_000, txs: [], evidence: [] }),
  ).state.commit();
  const alice = new Writer(person("alice"), state.meta.ledger);
  const txs = [
    alice.record({ type: "transfer", to: person("bob").key, amount: 10 }).line,
    alice.record({ type: "transfer", to: person("carol").key, amount: 10 })
      .line,
  ];
  const block = buildBlock(state, {
    round: 0,
    time: T0 + 2_000,
    txs,
    evidence: [],
  });
  return { state, block, alice, txs };
}

/** Refuses `block` on `state` and checks that the state did not move. */
function refused(
  state: LedgerState,
  block: unknown,
  reason: LedgerErrorReason,
  message: string,
) {
  const before = { root: state.root(), meta: state.meta, id: state.blockId };
  throwsLedger(() => executeBlock(state, block as Block), reason, message);
  assert.deepEqual(
    { root: state.root(), meta: state.meta, id: state.blockId },
    before,
    "a refused block leaves the base state as it was",
  );
}

Deno.test("the valid block applies", () => {
  const { state, block, txs } = setup();
  assert.deepEqual(block.txs, txs);
  executeBlock(state, block).state.commit();
  assert.equal(state.meta.height, 2);
});

Deno.test("refused: another ledger, wrong height, wrong parent", () => {
  const { state, block } = setup();
  refused(
    state,
    { ...block, ledger: fakeId("other") },
    "bad_block",
    "Cannot accept block 2: it belongs to another ledger",
  );
  for (const height of [1, 3]) {
    refused(
      state,
      { ...block, height },
      "bad_block",
      `Cannot accept block ${height}: expected height 2`,
    );
  }
  for (const prev of [null, fakeId("not the parent")]) {
    refused(
      state,
      { ...block, prev },
      "bad_block",
      "Cannot accept block 2: prev is not the last block",
    );
  }
});

Deno.test("refused: a proposer out of turn, a time too early", () => {
  const { state, block } = setup();
  const right = proposerOf(state, 0).proposer;
  const wrong = state.validatorKeys.find((key) => key !== right)!;
  const message = `Cannot accept block 2: round 0 is ${right}'s to propose`;
  refused(state, { ...block, proposer: wrong }, "bad_block", message);
  const round1 = proposerOf(state, 1).proposer;
  assert.notEqual(round1, right);
  refused(
    state,
    { ...block, round: 1 },
    "bad_block",
    `Cannot accept block 2: round 1 is ${round1}'s to propose`,
  );
  refused(
    state,
    { ...block, time: T0 + 1_099 },
    "bad_block",
    `Cannot accept block 2: time ${T0 + 1_099} is not 100 ms after ${
      T0 + 1_000
    }`,
  );
  // Exactly blockIntervalMs after the parent is on time.
  const onTime = buildBlock(state, {
    round: 0,
    time: T0 + 1_100,
    txs: [],
    evidence: [],
  });
  assert.equal(onTime.time, T0 + 1_100);
  executeBlock(state, onTime);
});

Deno.test("refused: repeated transactions or evidence, too many transactions", () => {
  const { state, block } = setup();
  refused(
    state,
    { ...block, txs: [block.txs[0], block.txs[0]] },
    "bad_block",
    "Cannot accept block 2: a transaction repeats",
  );
  const ledger = state.meta.ledger;
  const evidence = equivocation(
    signedVote(person("v2"), { ledger, height: 1, block: fakeId("A") }),
    signedVote(person("v2"), { ledger, height: 1, block: fakeId("B") }),
  );
  refused(
    state,
    { ...block, evidence: [evidence, structuredClone(evidence)] },
    "bad_block",
    "Cannot accept block 2: evidence repeats",
  );
  const capped = setup({ maxBlockTxs: 1 });
  assert.deepEqual(capped.block.txs, capped.txs.slice(0, 1));
  refused(
    capped.state,
    { ...capped.block, txs: capped.txs },
    "bad_block",
    "Cannot accept block 2: 2 transactions, at most 1",
  );
});

Deno.test("refused: a state root that differs, a transaction that does not apply", () => {
  const { state, block, alice } = setup();
  refused(
    state,
    { ...block, stateRoot: fakeId("root") },
    "bad_block",
    "Cannot accept block 2: state root differs",
  );
  refused(
    state,
    { ...block, txs: [...block.txs].reverse() },
    "stale_nonce",
    "Cannot apply transfer: seq 1 is not above 2, the signer's last",
  );
  const broke = alice.record({
    type: "transfer",
    to: person("bob").key,
    amount: 5_000,
  });
  refused(
    state,
    { ...block, txs: [...block.txs, broke.line] },
    "insufficient_stake",
    "Cannot apply transfer: balance 980 is below the amount 5000",
  );
  const other = new Writer(person("bob"), fakeId("other")).record({
    type: "transfer",
    to: person("alice").key,
    amount: 1,
  });
  refused(
    state,
    { ...block, txs: [other.line] },
    "wrong_ledger",
    `Cannot accept transaction 1: it belongs to ledger ${fakeId("other")}`,
  );
  const stale = equivocation(
    signedVote(person("v2"), {
      ledger: state.meta.ledger,
      height: 9,
      block: fakeId("A"),
    }),
    signedVote(person("v2"), {
      ledger: state.meta.ledger,
      height: 9,
      block: fakeId("B"),
    }),
  );
  refused(
    state,
    { ...block, evidence: [stale] },
    "bad_evidence",
    "Cannot apply evidence: height 9 is outside the evidence window",
  );
});

Deno.test("refused: malformed blocks", () => {
  const { state, block } = setup();
  const shape = (value: unknown, message: string) =>
    refused(state, value, "bad_block", `Cannot accept block: ${message}`);
  shape(null, "expected an object");
  shape({ ...block, extra: 1 }, "expected exactly the nine block fields");
  const { txs: _txs, ...missing } = block;
  shape(missing, "expected exactly the nine block fields");
  shape({ ...block, ledger: "x" }, "ledger must be an id");
  shape({ ...block, height: 0 }, "height is 0, expected ≥ 1");
  shape({ ...block, round: -1 }, "round is -1, expected ≥ 0");
  shape({ ...block, prev: 7 }, "prev must be a block id or null");
  shape({ ...block, proposer: null }, "proposer must be a key");
  shape({ ...block, time: 1.5 }, "time must be ms ≥ 0");
  shape({ ...block, txs: [1] }, "txs must be a list of record lines");
  shape({ ...block, evidence: [[]] }, "evidence must be a list of objects");
  shape({ ...block, stateRoot: "" }, "stateRoot must be a hash");
  const big = { ...block, txs: ["x".repeat(BLOCK_BYTES)] };
  assert.throws(() => executeBlock(state, big), {
    name: "LedgerError",
    message: /^Cannot accept block: it has \d+ bytes, at most 4000000$/,
  });
});
