import assert from "node:assert/strict";
import type { FinalizedBlock, Vote } from "../ledger/mod.ts";
import { LedgerStore } from "./ledger_store.ts";

const ID = "L".repeat(43);

function finalized(height: number, txs: string[] = []): FinalizedBlock {
  return {
    block: {
      ledger: ID,
      height,
      round: 0,
      prev: null,
      proposer: "P".repeat(43),
      time: height,
      txs,
      evidence: [],
      stateRoot: "R".repeat(43),
    },
    commit: [],
  };
}

function vote(round: number, block: string | null): Vote {
  return {
    ledger: ID,
    height: 5,
    round,
    type: "prevote",
    block,
    validator: "V".repeat(43),
    sig: "S".repeat(86),
  };
}

Deno.test("ledger store: blocks append in order, big ones in chunks, and never over a gap", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new LedgerStore(kv);
    // 200 KB of transactions: stored across several 60,000-byte chunks.
    const big = finalized(1, ["x".repeat(100_000), "y".repeat(100_000)]);
    await store.appendBlock(ID, big);
    assert.deepEqual(await store.block(ID, 1), big);
    assert.equal(await store.height(ID), 1);
    await assert.rejects(
      () => store.appendBlock(ID, finalized(3)),
      { message: `Cannot store block 3 of ${ID}: the stored height is 1` },
    );
    await assert.rejects(
      () => store.appendBlock(ID, finalized(1)),
      { message: `Cannot store block 1 of ${ID}: the stored height is 1` },
    );
    await store.appendBlock(ID, finalized(2));
    const listed = await Array.fromAsync(store.blocks(ID, { from: 2 }));
    assert.deepEqual(listed, [finalized(2)]);
    assert.equal(await store.block(ID, 3), null);
  } finally {
    kv.close();
  }
});

Deno.test("ledger store: the sign guard refuses a second block at one height, round and type", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new LedgerStore(kv);
    const a = "A".repeat(43);
    assert.equal(await store.guardVote(ID, vote(0, a)), true);
    assert.equal(
      await store.guardVote(ID, vote(0, a)),
      true,
      "the same vote again is fine",
    );
    assert.equal(
      await store.guardVote(ID, vote(0, null)),
      false,
      "nil after a block is equivocation",
    );
    assert.equal(
      await store.guardVote(ID, vote(1, null)),
      true,
      "another round is free",
    );
    // Once height 5 is behind, its records go.
    await store.pruneGuard(ID, 6);
    assert.equal(await store.guardVote(ID, vote(0, null)), true);
  } finally {
    kv.close();
  }
});

Deno.test("ledger store: admin choices and the pool persist", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new LedgerStore(kv);
    await store.setHonoured(ID, false);
    assert.deepEqual([...await store.honourChoices()], [[ID, false]]);
    await store.addToPool(ID, "e1", "line 1");
    await store.addToPool(ID, "e2", "line 2");
    await store.dropFromPool(ID, ["e1"]);
    assert.deepEqual([...await store.pool(ID)], [["e2", "line 2"]]);
  } finally {
    kv.close();
  }
});
