import assert from "node:assert/strict";
import type { Block, FinalizedBlock } from "../ledger/mod.ts";
import { PeerDuties } from "./peer_duties.ts";

function finalized(height: number): FinalizedBlock {
  const block: Block = {
    ledger: "L".repeat(43),
    height,
    round: 0,
    prev: null,
    proposer: "P".repeat(43),
    time: height,
    txs: [],
    evidence: [],
    stateRoot: "R".repeat(43),
  };
  return { block, commit: [] };
}

Deno.test("peer duties: a peer behind in height gets the block it lacks, at most once a second", () => {
  const sent: string[] = [];
  let now = 10_000;
  const duties = new PeerDuties((text) => sent.push(text), () => now);
  const recent = [finalized(4), finalized(5)];
  duties.behindInHeight(recent, 5);
  duties.behindInHeight(recent, 5);
  assert.equal(
    sent.length,
    1,
    "the second ask within a second is not answered",
  );
  assert.deepEqual(JSON.parse(sent[0]).finalized.block.height, 5);
  duties.behindInHeight(recent, 4);
  assert.equal(sent.length, 2, "another height is answered at once");
  duties.behindInHeight(recent, 3);
  assert.equal(sent.length, 2, "a block no longer held is not invented");
  now += 1_000;
  duties.behindInHeight(recent, 5);
  assert.equal(sent.length, 3, "a second later it is answered again");
});

Deno.test("peer duties: without a running round there is nothing to send", () => {
  const sent: string[] = [];
  const duties = new PeerDuties((text) => sent.push(text), () => 0);
  duties.sendRound(undefined);
  duties.behindInRounds(undefined, 0);
  assert.deepEqual(sent, []);
});
