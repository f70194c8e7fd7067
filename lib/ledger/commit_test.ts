import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { decodeBase64Url } from "../protocol/mod.ts";
import { type Block, blockId, buildBlock } from "./block.ts";
import { commitChecks, type FinalizedBlock, forkChoice } from "./commit.ts";
import {
  makeState,
  person,
  signedVote,
  T0,
  throwsLedger,
} from "./_fixtures.ts";
import type { LedgerState } from "./state.ts";
import type { Vote } from "./vote.ts";

/** Three validators of 20 each: 40 is exactly 2/3, 60 is all. */
function setup(): { state: LedgerState; block: Block } {
  const state = makeState({
    validators: [["c1", 20], ["c2", 20], ["c3", 20]],
  });
  const block = buildBlock(state, {
    round: 0,
    time: T0 + 1,
    txs: [],
    evidence: [],
  });
  return { state, block };
}

const precommit = (
  name: string,
  block: Block,
  extra: Partial<Omit<Vote, "sig" | "validator">> = {},
) =>
  signedVote(person(name), {
    ledger: block.ledger,
    height: block.height,
    block: blockId(block),
    ...extra,
  });

const at = "Cannot accept commit for block 1";

Deno.test("more than 2/3 of power finalizes; the signatures to check verify", async () => {
  const { state, block } = setup();
  const commit = ["c1", "c2", "c3"].map((n) => precommit(n, block));
  const checks = commitChecks(state, { block, commit });
  assert.deepEqual(checks.map((c) => c.key), commit.map((v) => v.validator));
  for (const { key, message, sig } of checks) {
    assert.equal(
      await verifyEd25519(
        decodeBase64Url(key)!,
        message,
        decodeBase64Url(sig)!,
      ),
      true,
    );
  }
  const late = ["c1", "c2", "c3"].map((n) => precommit(n, block, { round: 4 }));
  commitChecks(state, { block, commit: late });
  const uneven = makeState({
    validators: [["c1", 21], ["c2", 20], ["c3", 20]],
  });
  const block2 = buildBlock(uneven, {
    round: 0,
    time: T0 + 1,
    txs: [],
    evidence: [],
  });
  // 41 of 61 is more than 2/3.
  commitChecks(uneven, {
    block: block2,
    commit: ["c1", "c2"].map((n) => precommit(n, block2)),
  });
});

Deno.test("exactly 2/3 of power is not enough", () => {
  const { state, block } = setup();
  throwsLedger(
    () =>
      commitChecks(state, {
        block,
        commit: [precommit("c1", block), precommit("c3", block)],
      }),
    "bad_commit",
    `${at}: precommits hold 40 of 60 power, need more than 2/3`,
  );
  throwsLedger(
    () => commitChecks(state, { block, commit: [] }),
    "bad_commit",
    `${at}: no precommits`,
  );
});

Deno.test("refused: duplicates, other rounds, other blocks, non-validators, bad votes", () => {
  const { state, block } = setup();
  const [c1, c2] = [precommit("c1", block), precommit("c2", block)];
  throwsLedger(
    () => commitChecks(state, { block, commit: [c1, c2, c1] }),
    "bad_commit",
    `${at}: ${c1.validator} signed twice`,
  );
  const notForThis =
    `${at}: a vote is not a precommit for this block in round 0`;
  for (
    const odd of [
      precommit("c3", block, { round: 1 }),
      precommit("c3", block, { type: "prevote" }),
      precommit("c3", block, { block: null }),
      precommit("c3", block, { height: 2 }),
      precommit("c3", block, { ledger: c1.block! }),
    ]
  ) {
    throwsLedger(
      () => commitChecks(state, { block, commit: [c1, c2, odd] }),
      "bad_commit",
      notForThis,
    );
  }
  const alice = precommit("alice", block);
  throwsLedger(
    () => commitChecks(state, { block, commit: [c1, c2, alice] }),
    "bad_commit",
    `${at}: ${alice.validator} is not an active validator`,
  );
  const jailed = person("c3").key;
  state.setValidator(jailed, { self: 20, delegated: 0, jailed: true });
  throwsLedger(
    () =>
      commitChecks(state, { block, commit: [c1, c2, precommit("c3", block)] }),
    "bad_commit",
    `${at}: ${jailed} is not an active validator`,
  );
  // With c3 jailed, c1 and c2 hold all 40 of 40.
  commitChecks(state, { block, commit: [c1, c2] });
  throwsLedger(
    () => commitChecks(state, { block, commit: [c1, { ...c2, sig: "short" }] }),
    "bad_vote",
    "Cannot accept vote: sig must be 64 bytes of base64url",
  );
});

Deno.test("forkChoice: one block is no conflict; two name the double signers", () => {
  const state = makeState({
    validators: [["c1", 10], ["c2", 20], ["c3", 30], ["c4", 40]],
  });
  const a = buildBlock(state, {
    round: 0,
    time: T0 + 1,
    txs: [],
    evidence: [],
  });
  const b = buildBlock(state, {
    round: 1,
    time: T0 + 2,
    txs: [],
    evidence: [],
  });
  const first: FinalizedBlock = {
    block: a,
    commit: ["c2", "c3", "c4"].map((n) => precommit(n, a)),
  };
  const second: FinalizedBlock = {
    block: b,
    commit: ["c4", "c1", "c3"].map((n) => precommit(n, b, { round: 1 })),
  };
  commitChecks(state, first);
  commitChecks(state, second);
  const same = forkChoice(first, { block: a, commit: first.commit.slice(1) });
  assert.deepEqual(same, { keep: first, conflict: false, culprits: [] });
  const { keep, conflict, culprits } = forkChoice(first, second);
  assert.equal(keep, first, "the first finalized stays the chain");
  assert.equal(conflict, true);
  assert.deepEqual(culprits, [person("c3").key, person("c4").key].sort());
  // Accountable safety: the culprits hold more than 1/3 of power.
  const power = culprits.reduce((sum, key) => sum + state.power(key), 0);
  assert.ok(3 * power > 100);
});
