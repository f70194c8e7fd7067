import assert from "node:assert/strict";
import {
  blockChecks,
  blockId,
  buildBlock,
  commitChecks,
  executeBlock,
  type FinalizedBlock,
  LedgerError,
  LedgerState,
} from "../ledger/mod.ts";
import {
  makeGenesis,
  person,
  signedVote,
  T0,
  Writer,
} from "../ledger/_fixtures.ts";
import {
  applyFinalized,
  finalizedChecks,
  verifyAll,
  VerifyPool,
} from "./verify.ts";

const VALIDATORS = ["v1", "v2", "v3", "v4"];

/** `count` finalized blocks on the fixture genesis, a transfer in every other. */
function chain(
  count: number,
): { genesis: ReturnType<typeof makeGenesis>; blocks: FinalizedBlock[] } {
  const genesis = makeGenesis();
  const state = LedgerState.fromGenesis(genesis);
  const alice = new Writer(person("alice"), state.meta.ledger);
  const blocks: FinalizedBlock[] = [];
  for (let height = 1; height <= count; height++) {
    const txs = height % 2
      ? [
        alice.record({ type: "transfer", to: person("bob").key, amount: 1 })
          .line,
      ]
      : [];
    const block = buildBlock(state, {
      round: 0,
      time: T0 + height * 1_000,
      txs,
      evidence: [],
    });
    // Three of four equal validators: more than 2/3 of the power.
    const commit = VALIDATORS.slice(0, 3).map((name) =>
      signedVote(person(name), {
        ledger: block.ledger,
        height,
        block: blockId(block),
      })
    );
    executeBlock(state, block).state.commit();
    blocks.push({ block, commit });
  }
  return { genesis, blocks };
}

function withPool(run: (pool: VerifyPool) => Promise<void>) {
  return async () => {
    const pool = new VerifyPool(2);
    try {
      await run(pool);
    } finally {
      pool.close();
    }
  };
}

Deno.test("finalizedChecks lists what commitChecks and blockChecks return", () => {
  const { genesis, blocks } = chain(1);
  const state = LedgerState.fromGenesis(genesis);
  const expected = [
    ...commitChecks(state, blocks[0]),
    ...blockChecks(blocks[0].block),
  ];
  assert.deepEqual(finalizedChecks(blocks[0]), expected);
});

Deno.test(
  "applyFinalized commits every block, with every signature verified",
  withPool(async (pool) => {
    const { genesis, blocks } = chain(12);
    const state = LedgerState.fromGenesis(genesis);
    const seen: number[] = [];
    const result = await applyFinalized(state, blocks, {
      pool,
      ahead: 4,
      batch: 3,
      onApplied: (finalized) => seen.push(finalized.block.height),
    });
    assert.deepEqual(result, { applied: 12, signatures: 12 * 3 + 6 });
    assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => i + 1));
    assert.equal(state.root(), blocks[11].block.stateRoot);
  }),
);

Deno.test(
  "applyFinalized stops before a block whose signature fails",
  withPool(async (pool) => {
    const { genesis, blocks } = chain(10);
    // Block 7 carries block 6's first precommit signature: well formed, wrong.
    blocks[6] = {
      ...blocks[6],
      commit: [
        { ...blocks[6].commit[0], sig: blocks[5].commit[0].sig },
        ...blocks[6].commit.slice(1),
      ],
    };
    const state = LedgerState.fromGenesis(genesis);
    const result = await applyFinalized(state, blocks, { pool, ahead: 8 });
    assert.equal(result.applied, 6);
    assert.equal(result.error, "bad_signature");
    assert.equal(state.meta.height, 6);
    assert.equal(state.root(), blocks[5].block.stateRoot);
  }),
);

Deno.test(
  "applyFinalized stops at a block whose commit breaks a rule",
  withPool(async (pool) => {
    const { genesis, blocks } = chain(6);
    // Two of four validators are not more than 2/3 of the power.
    blocks[3] = { ...blocks[3], commit: blocks[3].commit.slice(0, 2) };
    const state = LedgerState.fromGenesis(genesis);
    const result = await applyFinalized(state, blocks, { pool });
    assert.equal(result.applied, 3);
    assert.ok(result.error instanceof LedgerError);
    assert.equal(result.error.reason, "bad_commit");
    assert.equal(state.meta.height, 3);
  }),
);

Deno.test(
  "VerifyPool.verify agrees with verifyAll, split across workers or not",
  withPool(async (pool) => {
    const { blocks } = chain(40);
    const checks = blocks.flatMap(finalizedChecks);
    assert.ok(checks.length > 128);
    assert.equal(await pool.verify(checks), true);
    assert.equal(await pool.verify(checks.slice(0, 5)), true);
    assert.equal(await pool.verify([]), true);
    const bad = [...checks];
    bad[100] = { ...bad[100], sig: bad[101].sig };
    assert.equal(await verifyAll(bad), false);
    assert.equal(await pool.verify(bad), false);
    assert.equal(await pool.verify(bad.slice(100, 101)), false);
    const blocksOk = await pool.verifyBlocks(blocks.slice(0, 3));
    assert.deepEqual(blocksOk, { ok: [true, true, true], counts: [4, 3, 4] });
  }),
);

Deno.test("a closed VerifyPool refuses work", async () => {
  const pool = new VerifyPool(1);
  pool.close();
  await assert.rejects(
    () => pool.verify(chain(1).blocks.flatMap(finalizedChecks)),
    { message: "Cannot verify: the pool is closed" },
  );
});
