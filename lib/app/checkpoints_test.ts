import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import type { Checkpoint } from "../ledger/mod.ts";
import type { LedgerNode } from "../ledgers/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { checkpointProof } from "./checkpoints.ts";

/** A ledger node whose state holds `checkpoint` (all checkpointProof reads). */
function nodeWith(checkpoint: Checkpoint | undefined): LedgerNode {
  return {
    id: "L".repeat(43),
    state: { checkpoint: () => checkpoint },
  } as unknown as LedgerNode;
}

Deno.test("checkpointProof: none, complete, behind and diverged", async () => {
  const kv = await Deno.openKv(":memory:");
  const store = new RecordStore(kv);
  const ingest = new Ingest(store, { verify: verifyEd25519, now: Date.now });
  try {
    const ada = testAuthor();
    const first = ada.next("post", { text: "one" });
    const second = ada.next("post", { text: "two" });
    await ingest.submit([first.line, second.line], { source: "client" });
    const proof = (checkpoint?: Checkpoint) =>
      checkpointProof(store, nodeWith(checkpoint), ada.key);

    const none = await proof();
    assert.equal(none.status, "none");
    assert.equal(none.servedHead, 2);

    const complete = await proof({ seq: 2, id: second.id, height: 7 });
    assert.equal(complete.status, "complete");
    assert.equal(complete.servedId, second.id);

    const behind = await proof({ seq: 3, id: "X".repeat(43), height: 7 });
    assert.equal(behind.status, "behind");
    assert.equal(behind.servedId, null);

    const diverged = await proof({ seq: 1, id: second.id, height: 7 });
    assert.equal(diverged.status, "diverged");
    assert.equal(diverged.servedId, first.id);
  } finally {
    ingest.close();
    kv.close();
  }
});
