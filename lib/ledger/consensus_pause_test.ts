import assert from "node:assert/strict";
import { type Block, blockId } from "./block.ts";
import { Consensus, type ConsensusAction } from "./consensus.ts";
import type { Vote } from "./vote.ts";

// The wait between heights (`pause`): a hand-driven host with four equal
// validators; "a" proposes every round. Height 1 is decided by a commit,
// then the machine waits for its commit time and for work.
const LEDGER = "ledger";
const PAUSE = { commitMs: 100, idleMs: 10_000 };

function setup() {
  const work = { pending: false };
  const machine = new Consensus({
    validators: () => ({
      members: ["a", "b", "c", "d"].map((key) => ({ key, power: 10 })),
      total: 40,
    }),
    proposer: () => "a",
    isValid: () => true,
    propose: (round) => block(2, round),
    decide: () => {},
    hasWork: () => work.pending,
  }, {
    ledger: LEDGER,
    self: "a",
    sign: () => new Uint8Array(64).fill(1),
    height: 1,
    timeouts: { propose: 400, prevote: 200, precommit: 200, delta: 100 },
    pause: PAUSE,
  });
  const decided = machine.onCommit({
    block: block(1, 0),
    commit: [],
  });
  return { machine, work, decided };
}

function block(height: number, round: number): Block {
  return {
    ledger: LEDGER,
    height,
    round,
    prev: null,
    proposer: "a",
    time: height,
    txs: [],
    evidence: [],
    stateRoot: "root",
  };
}

const proposed = (actions: ConsensusAction[]) =>
  actions.some((a) => a.type === "broadcast" && "proposal" in a);
const timers = (actions: ConsensusAction[]) =>
  actions.flatMap((a) => a.type === "timeout" ? [[a.step, a.ms]] : []);

Deno.test("consensus pause: after a decision nothing starts before the commit time and work", () => {
  const { machine, work, decided } = setup();
  assert.equal(machine.height, 2);
  assert.equal(machine.waiting, true);
  assert.equal(proposed(decided), false);
  assert.deepEqual(timers(decided), [["commit", 100], ["idle", 10_000]]);
  // Work before the commit time waits for it.
  work.pending = true;
  assert.deepEqual(machine.onWork(), []);
  const started = machine.onTimeout(2, 0, "commit");
  assert.equal(proposed(started), true, "the proposer proposes height 2");
  assert.equal(machine.waiting, false);
  assert.deepEqual(timers(started).map(([step]) => step), [
    "propose",
    "gossip",
  ]);
  // Late timers of the wait change nothing.
  assert.deepEqual(machine.onTimeout(2, 0, "idle"), []);
});

Deno.test("consensus pause: without work, work or the idle time starts the height", () => {
  const first = setup();
  assert.deepEqual(first.machine.onTimeout(2, 0, "commit"), []);
  assert.equal(first.machine.waiting, true);
  first.work.pending = true;
  assert.equal(proposed(first.machine.onWork()), true);

  const second = setup();
  second.machine.onTimeout(2, 0, "commit");
  assert.equal(proposed(second.machine.onTimeout(2, 0, "idle")), true);
  assert.equal(second.machine.waiting, false);
});

Deno.test("consensus pause: a vote for the new height wakes the machine at once", () => {
  const { machine } = setup();
  const vote: Vote = {
    ledger: LEDGER,
    height: 2,
    round: 0,
    type: "prevote",
    block: blockId(block(2, 0)),
    validator: "b",
    sig: "b",
  };
  const woken = machine.onVote(vote);
  assert.equal(machine.waiting, false);
  assert.equal(proposed(woken), true);
});
