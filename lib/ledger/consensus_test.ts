import assert from "node:assert/strict";
import { type Block, blockId } from "./block.ts";
import type { FinalizedBlock } from "./commit.ts";
import {
  Consensus,
  type ConsensusAction,
  type ConsensusHost,
} from "./consensus.ts";
import type { Proposal, Vote, VoteType } from "./vote.ts";

// A hand-driven host: four validators with unequal power (100 in all: a
// quorum needs more than 66.67, "f+1" more than 33.33), proposers by
// round, blocks as plain values, and every decision recorded.
const LEDGER = "ledger";
const POWER: Record<string, number> = { a: 40, b: 30, c: 20, d: 10 };
const TIMEOUTS = { propose: 400, prevote: 200, precommit: 200, delta: 100 };

interface Harness {
  machine: Consensus;
  decided: FinalizedBlock[];
  proposed: number[];
}

function harness(
  self: string | null,
  options: {
    proposers?: string[];
    invalid?: Set<string>;
    height?: number;
    power?: Record<string, number>;
  } = {},
): Harness {
  const power = options.power ?? POWER;
  const proposers = options.proposers ?? ["d", "c", "b", "a"];
  const decided: FinalizedBlock[] = [];
  const proposed: number[] = [];
  const height = () => (options.height ?? 1) + decided.length;
  const host: ConsensusHost = {
    validators: () => {
      const members = Object.entries(power).map(([key, p]) => ({
        key,
        power: p,
      }));
      return { members, total: members.reduce((s, m) => s + m.power, 0) };
    },
    proposer: (round) => proposers[round % proposers.length],
    isValid: (b) => !options.invalid?.has(blockId(b)),
    propose: (round) => {
      proposed.push(round);
      return block(height(), round, proposers[round % proposers.length]);
    },
    decide: (finalized) => void decided.push(finalized),
  };
  const machine = new Consensus(host, {
    ledger: LEDGER,
    self,
    sign: () => new Uint8Array(64).fill(7),
    height: options.height ?? 1,
    timeouts: TIMEOUTS,
  });
  return { machine, decided, proposed };
}

function block(
  height: number,
  round: number,
  proposer: string,
  tag = "",
): Block {
  return {
    ledger: LEDGER,
    height,
    round,
    prev: null,
    proposer,
    time: round,
    txs: tag ? [tag] : [],
    evidence: [],
    stateRoot: "root",
  };
}

function proposal(
  b: Block,
  round: number,
  proposer: string,
  polRound = -1,
): Proposal {
  return {
    ledger: LEDGER,
    height: b.height,
    round,
    polRound,
    block: b,
    proposer,
    sig: `proposal:${proposer}:${round}:${blockId(b)}`,
  };
}

function vote(
  validator: string,
  type: VoteType,
  round: number,
  b: Block | null,
  height = 1,
): Vote {
  const id = b ? blockId(b) : null;
  return {
    ledger: LEDGER,
    height,
    round,
    type,
    block: id,
    validator,
    sig: `${validator}:${height}:${round}:${type}:${id}`,
  };
}

/** Feeds votes; returns every action. */
function feed(machine: Consensus, votes: Vote[]): ConsensusAction[] {
  return votes.flatMap((v) => machine.onVote(v));
}

function broadcasts(actions: ConsensusAction[]): (Proposal | Vote)[] {
  return actions.flatMap((a): (Proposal | Vote)[] =>
    a.type !== "broadcast" ? [] : "vote" in a ? [a.vote] : [a.proposal]
  );
}

function votesOf(actions: ConsensusAction[], type: VoteType): Vote[] {
  return broadcasts(actions).filter((m): m is Vote =>
    "type" in m && m.type === type
  );
}

function timeouts(actions: ConsensusAction[]) {
  return actions.flatMap((a) =>
    a.type === "timeout" ? [{ step: a.step, round: a.round, ms: a.ms }] : []
  );
}

const EQUAL = { a: 10, b: 10, c: 10, d: 10 };

Deno.test("consensus: the proposer proposes and prevotes its own block", () => {
  const { machine, proposed } = harness("d");
  const out = machine.start();
  assert.deepEqual(proposed, [0]);
  const [sent, prevote] = broadcasts(out) as [Proposal, Vote];
  assert.equal(sent.proposer, "d");
  assert.equal(sent.round, 0);
  assert.equal(sent.polRound, -1);
  assert.equal(sent.sig.length, 86);
  assert.equal(prevote.type, "prevote");
  assert.equal(prevote.block, blockId(sent.block));
  assert.equal(prevote.validator, "d");
  assert.equal(machine.step, "prevote");
  assert.deepEqual(timeouts(out), [
    { step: "propose", round: 0, ms: 400 },
    { step: "gossip", round: 0, ms: 400 },
  ]);
  // The gossip timer sends the same messages again, and comes back.
  const again = machine.onTimeout(1, 0, "gossip");
  assert.deepEqual(broadcasts(again), [sent, prevote]);
  assert.deepEqual(timeouts(again), [{ step: "gossip", round: 0, ms: 400 }]);
  // A non-proposer sends nothing before the proposal arrives.
  const other = harness("a");
  assert.deepEqual(broadcasts(other.machine.start()), []);
  assert.deepEqual(other.proposed, []);
});

Deno.test("consensus: an invalid proposal gets a nil prevote", () => {
  const bad = block(1, 0, "d", "bad");
  const { machine } = harness("a", { invalid: new Set([blockId(bad)]) });
  machine.start();
  const out = machine.onProposal(proposal(bad, 0, "d"));
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [null]);
  // Nor does a polka for it lock this node.
  const after = feed(machine, [
    vote("b", "prevote", 0, bad),
    vote("c", "prevote", 0, bad),
  ]);
  assert.deepEqual(votesOf(after, "precommit"), []);
});

Deno.test("consensus: a proposal from someone else than the round's proposer is ignored", () => {
  const { machine } = harness("a");
  machine.start();
  const b1 = block(1, 0, "c");
  assert.deepEqual(machine.onProposal(proposal(b1, 0, "c")), []);
  assert.equal(machine.step, "propose");
  assert.deepEqual(machine.roundMessages(0), []);
});

Deno.test("consensus: after a polka the lock holds against other blocks", () => {
  // a (40) and b (30) make a quorum; proposers by round: d, c, b, a.
  const { machine, proposed } = harness("a");
  const b1 = block(1, 0, "d", "one");
  const b2 = block(1, 1, "c", "two");
  machine.start();
  let out = machine.onProposal(proposal(b1, 0, "d"));
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [blockId(b1)]);
  out = machine.onVote(vote("b", "prevote", 0, b1));
  assert.deepEqual(votesOf(out, "precommit").map((v) => v.block), [
    blockId(b1),
  ]);
  assert.equal(machine.step, "precommit");
  // Round 1: another block with no polka behind it gets nil.
  machine.onTimeout(1, 0, "precommit");
  assert.equal(machine.round, 1);
  out = machine.onProposal(proposal(b2, 1, "c"));
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [null]);
  machine.onTimeout(1, 1, "prevote");
  machine.onTimeout(1, 1, "precommit");
  // Round 2: b2 claims a round-1 polka this node never saw: no prevote
  // until the propose timeout, then nil.
  out = machine.onProposal(proposal(b2, 2, "b", 1));
  assert.deepEqual(votesOf(out, "prevote"), []);
  assert.equal(machine.step, "propose");
  out = machine.onTimeout(1, 2, "propose");
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [null]);
  machine.onTimeout(1, 2, "prevote");
  // Round 3 is a's: it proposes its valid value with its polka round, and
  // prevotes it; no new block is built.
  out = machine.onTimeout(1, 2, "precommit");
  const [again, prevote] = broadcasts(out) as [Proposal, Vote];
  assert.equal(again.round, 3);
  assert.equal(again.polRound, 0);
  assert.equal(blockId(again.block), blockId(b1));
  assert.equal(prevote.block, blockId(b1));
  assert.deepEqual(proposed, []);
});

Deno.test("consensus: a newer polka unlocks; an older one does not", () => {
  // Equal power: any three make a quorum. Proposers: d, c, b, d.
  const { machine } = harness("a", {
    power: EQUAL,
    proposers: ["d", "c", "b", "d"],
  });
  const b1 = block(1, 0, "d", "one");
  const b2 = block(1, 1, "c", "two");
  machine.start();
  machine.onProposal(proposal(b1, 0, "d"));
  let out = feed(machine, [
    vote("b", "prevote", 0, b1),
    vote("c", "prevote", 0, b1),
  ]);
  assert.deepEqual(votesOf(out, "precommit").map((v) => v.block), [
    blockId(b1),
  ]);
  machine.onTimeout(1, 0, "precommit");
  out = machine.onProposal(proposal(b2, 1, "c"));
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [null]);
  machine.onTimeout(1, 1, "prevote");
  machine.onTimeout(1, 1, "precommit");
  // Round 2 re-proposes b2 with polRound 1 (≥ lockedRound 0): once the
  // round-1 polka is here, the lock gives way.
  out = machine.onProposal(proposal(b2, 2, "b", 1));
  assert.deepEqual(votesOf(out, "prevote"), []);
  out = feed(machine, [
    vote("b", "prevote", 1, b2),
    vote("c", "prevote", 1, b2),
  ]);
  assert.deepEqual(votesOf(out, "prevote"), []);
  out = machine.onVote(vote("d", "prevote", 1, b2));
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [
    blockId(b2),
  ]);
  // A polka in round 2 locks b2 there.
  out = feed(machine, [
    vote("b", "prevote", 2, b2),
    vote("c", "prevote", 2, b2),
  ]);
  assert.deepEqual(votesOf(out, "precommit").map((v) => v.block), [
    blockId(b2),
  ]);
  machine.onTimeout(1, 2, "precommit");
  // Round 3: b1 comes back with its round-0 polka, older than the lock.
  out = machine.onProposal(proposal(b1, 3, "d", 0));
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [null]);
});

Deno.test("consensus: more than 2/3 nil prevotes bring a nil precommit", () => {
  const { machine } = harness("b");
  machine.start();
  const b1 = block(1, 0, "d");
  machine.onProposal(proposal(b1, 0, "d"));
  assert.equal(machine.step, "prevote");
  // a's nil makes 70 prevotes in all: the prevote timeout starts, once.
  let out = machine.onVote(vote("a", "prevote", 0, null));
  assert.deepEqual(timeouts(out), [{ step: "prevote", round: 0, ms: 200 }]);
  out = machine.onVote(vote("c", "prevote", 0, null));
  assert.deepEqual(out, []);
  out = machine.onVote(vote("d", "prevote", 0, null));
  assert.deepEqual(votesOf(out, "precommit").map((v) => v.block), [null]);
  assert.equal(machine.step, "precommit");
});

Deno.test("consensus: timeouts move steps and rounds; stale ones do nothing", () => {
  const { machine } = harness("a");
  machine.start();
  let out = machine.onTimeout(1, 0, "propose");
  assert.deepEqual(votesOf(out, "prevote").map((v) => v.block), [null]);
  assert.equal(machine.step, "prevote");
  assert.deepEqual(machine.onTimeout(1, 0, "propose"), []);
  out = machine.onTimeout(1, 0, "prevote");
  assert.deepEqual(votesOf(out, "precommit").map((v) => v.block), [null]);
  assert.equal(machine.step, "precommit");
  out = machine.onTimeout(1, 0, "precommit");
  assert.equal(machine.round, 1);
  assert.equal(machine.step, "propose");
  // Each round waits longer by `delta`.
  assert.deepEqual(timeouts(out), [
    { step: "propose", round: 1, ms: 500 },
    { step: "gossip", round: 1, ms: 500 },
  ]);
  for (const [height, round] of [[1, 0], [2, 1], [0, 1]]) {
    for (const step of ["propose", "prevote", "precommit", "gossip"] as const) {
      assert.deepEqual(machine.onTimeout(height, round, step), []);
    }
  }
  assert.equal(machine.round, 1);
  // Gossip re-sends this round's own votes only.
  const prevote = votesOf(machine.onTimeout(1, 1, "propose"), "prevote");
  assert.deepEqual(broadcasts(machine.onTimeout(1, 1, "gossip")), prevote);
});

Deno.test("consensus: more than 1/3 of power in a later round skips to it", () => {
  const { machine } = harness("a");
  machine.start();
  // c (20) and d (10) hold 30: not enough; the same signer counts once.
  feed(machine, [
    vote("c", "prevote", 4, null),
    vote("c", "precommit", 4, null),
    vote("d", "precommit", 4, null),
  ]);
  assert.equal(machine.round, 0);
  const out = machine.onVote(vote("b", "prevote", 4, null));
  assert.equal(machine.round, 4);
  assert.equal(machine.step, "propose");
  assert.deepEqual(timeouts(out).slice(0, 2), [
    { step: "propose", round: 4, ms: 800 },
    { step: "gossip", round: 4, ms: 800 },
  ]);
  // Earlier rounds never pull it back.
  feed(machine, [vote("b", "prevote", 2, null), vote("a", "prevote", 2, null)]);
  assert.equal(machine.round, 4);
});

Deno.test("consensus: more than 2/3 precommits with the proposal decide", () => {
  const { machine, decided } = harness("a");
  machine.start();
  const b1 = block(1, 0, "d");
  machine.onProposal(proposal(b1, 0, "d"));
  machine.onVote(vote("b", "prevote", 0, b1));
  // a's own precommit (40) and c's (20): 60, short of 2/3.
  assert.deepEqual(machine.onVote(vote("c", "precommit", 0, b1)), []);
  const out = machine.onVote(vote("d", "precommit", 0, b1));
  assert.equal(decided.length, 1);
  assert.equal(blockId(decided[0].block), blockId(b1));
  assert.deepEqual(decided[0].commit.map((v) => v.validator), ["a", "c", "d"]);
  assert.ok(decided[0].commit.every((v) => v.type === "precommit"));
  const action = out.find((a) => a.type === "decided");
  assert.deepEqual(action, { type: "decided", finalized: decided[0] });
  assert.equal(machine.height, 2);
  assert.equal(machine.round, 0);
  assert.equal(machine.step, "propose");
  assert.deepEqual(timeouts(out), [
    { step: "propose", round: 0, ms: 400 },
    { step: "gossip", round: 0, ms: 400 },
  ]);
  // Messages of the decided height no longer count.
  assert.deepEqual(machine.onVote(vote("b", "precommit", 0, b1)), []);
});

Deno.test("consensus: a follower decides without voting; exactly 2/3 is not enough", () => {
  const power = { a: 20, b: 20, c: 20 };
  const { machine, decided } = harness(null, {
    power,
    proposers: ["a", "b", "c"],
  });
  assert.deepEqual(broadcasts(machine.start()), []);
  const b1 = block(1, 0, "a");
  // Precommits before the proposal: no decision without the block.
  let out = feed(machine, [
    vote("a", "precommit", 0, b1),
    vote("b", "precommit", 0, b1),
  ]);
  assert.deepEqual(broadcasts(out), []);
  out = machine.onProposal(proposal(b1, 0, "a"));
  assert.deepEqual(broadcasts(out), []);
  assert.equal(decided.length, 0); // 40 of 60 is 2/3, not more.
  for (const step of ["propose", "prevote", "precommit"] as const) {
    assert.deepEqual(broadcasts(machine.onTimeout(1, machine.round, step)), []);
  }
  // The round moved on; round-0 precommits still decide round 0's block.
  assert.equal(machine.round, 1);
  out = machine.onVote(vote("c", "precommit", 0, b1));
  assert.equal(decided.length, 1);
  assert.deepEqual(decided[0].commit.map((v) => v.validator), ["a", "b", "c"]);
  assert.deepEqual(broadcasts(out), []);
  assert.equal(machine.height, 2);
});

Deno.test("consensus: an equivocating vote gives evidence once, and counts for its block", () => {
  const { machine } = harness("a", { power: EQUAL });
  machine.start();
  const x = block(1, 0, "d", "x");
  const y = block(1, 0, "d", "y");
  // d, the proposer, sends x to some and y to others: both count.
  machine.onProposal(proposal(x, 0, "d"));
  assert.equal(machine.step, "prevote");
  assert.deepEqual(machine.onProposal(proposal(x, 0, "d")), []);
  machine.onProposal(proposal(y, 0, "d"));
  assert.equal(machine.roundMessages(0).length, 3); // two proposals, a's prevote
  const first = vote("d", "prevote", 0, x);
  const second = vote("d", "prevote", 0, y);
  assert.deepEqual(machine.onVote(first), []);
  const out = machine.onVote(second);
  const evidence = out.filter((a) => a.type === "evidence");
  assert.equal(evidence.length, 1);
  assert.deepEqual(evidence[0], {
    type: "evidence",
    evidence: {
      kind: "equivocation",
      votes: first.sig < second.sig ? [first, second] : [second, first],
    },
  });
  assert.deepEqual(machine.onVote(second), []);
  assert.deepEqual(machine.onVote(first), []);
  assert.equal(machine.evidenceSeen, 1);
  // b and c prevote y: with d's second vote that is a polka for y, which
  // this node (it prevoted x) still sees, locks on and precommits.
  const after = feed(machine, [
    vote("b", "prevote", 0, y),
    vote("c", "prevote", 0, y),
  ]);
  assert.deepEqual(votesOf(after, "precommit").map((v) => v.block), [
    blockId(y),
  ]);
});

Deno.test("consensus: next-height messages say behind and replay after the decision", () => {
  const { machine, decided } = harness("a");
  machine.start();
  const b1 = block(1, 0, "d");
  const b2 = block(2, 0, "d", "next");
  assert.deepEqual(machine.onProposal(proposal(b2, 0, "d")), [
    { type: "behind", height: 2 },
  ]);
  assert.deepEqual(machine.onVote(vote("b", "prevote", 0, b2, 2)), [
    { type: "behind", height: 2 },
  ]);
  // Two heights ahead: behind, and not kept.
  assert.deepEqual(machine.onVote(vote("b", "prevote", 0, b2, 3)), [
    { type: "behind", height: 3 },
  ]);
  machine.onProposal(proposal(b1, 0, "d"));
  machine.onVote(vote("b", "prevote", 0, b1));
  const out = feed(machine, [
    vote("c", "precommit", 0, b1),
    vote("d", "precommit", 0, b1),
  ]);
  assert.equal(decided.length, 1);
  assert.equal(machine.height, 2);
  // The kept proposal and prevote acted at once: a prevoted b2, and with
  // b's prevote that is a polka: a precommits b2.
  assert.deepEqual(
    broadcasts(out).map((m) => "type" in m ? [m.type, m.height, m.block] : []),
    [["prevote", 2, blockId(b2)], ["precommit", 2, blockId(b2)]],
  );
});

Deno.test("consensus: votes from non-validators are ignored", () => {
  const { machine, decided } = harness(null);
  machine.start();
  const b1 = block(1, 0, "d");
  machine.onProposal(proposal(b1, 0, "d"));
  feed(machine, ["x", "y", "z"].map((k) => vote(k, "precommit", 0, b1)));
  feed(machine, ["x", "y", "z"].map((k) => vote(k, "prevote", 3, b1)));
  assert.equal(machine.round, 0);
  machine.onVote(vote("a", "precommit", 0, b1));
  assert.equal(decided.length, 0);
  machine.onVote(vote("b", "precommit", 0, b1));
  assert.deepEqual(decided[0].commit.map((v) => v.validator), ["a", "b"]);
});

Deno.test("consensus: messages of far-future rounds are ignored", () => {
  const { machine } = harness("a");
  machine.start();
  feed(machine, [
    vote("b", "prevote", 65, null),
    vote("c", "prevote", 65, null),
  ]);
  assert.equal(machine.round, 0);
  assert.deepEqual(machine.roundMessages(65), []);
  assert.deepEqual(
    machine.onProposal(proposal(block(1, 65, "b"), 65, "b")),
    [],
  );
  assert.deepEqual(machine.roundMessages(65), []);
  // 64 rounds ahead is still kept, and skips.
  feed(machine, [
    vote("b", "prevote", 64, null),
    vote("c", "prevote", 64, null),
  ]);
  assert.equal(machine.round, 64);
});

Deno.test("consensus: a verified commit for the current height decides", () => {
  const bad = block(1, 0, "d", "bad");
  const { machine, decided } = harness("a", {
    invalid: new Set([blockId(bad)]),
  });
  machine.start();
  const b1 = block(1, 0, "d");
  const commit = ["a", "b"].map((k) => vote(k, "precommit", 0, b1));
  assert.deepEqual(machine.onCommit({ block: block(2, 0, "d"), commit }), []);
  assert.deepEqual(machine.onCommit({ block: bad, commit }), []);
  const out = machine.onCommit({ block: b1, commit });
  assert.equal(decided.length, 1);
  assert.equal(out[0].type, "decided");
  assert.equal(machine.height, 2);
});

Deno.test("consensus: roundMessages lists what a peer behind in rounds needs", () => {
  const { machine } = harness("a");
  machine.start();
  const b1 = block(1, 0, "d");
  const p = proposal(b1, 0, "d");
  machine.onProposal(p);
  const b = vote("b", "prevote", 0, b1);
  machine.onVote(b);
  const messages = machine.roundMessages(0);
  assert.equal(messages[0], p);
  assert.deepEqual(
    messages.slice(1).map((m) => "type" in m ? [m.validator, m.type] : []),
    [["a", "prevote"], ["b", "prevote"], ["a", "precommit"]],
  );
  assert.deepEqual(machine.roundMessages(1), []);
});

Deno.test("consensus: a polRound that is not an earlier round justifies nothing", () => {
  const { machine } = harness("a", { power: EQUAL });
  machine.start();
  const b1 = block(1, 0, "d");
  feed(machine, [
    vote("b", "prevote", 0, b1),
    vote("c", "prevote", 0, b1),
    vote("d", "prevote", 0, b1),
  ]);
  const out = machine.onProposal(proposal(b1, 0, "d", 0));
  assert.deepEqual(votesOf(out, "prevote"), []);
  assert.equal(machine.step, "propose");
});

Deno.test("consensus: a validator's many versions of one vote give one evidence each, once", () => {
  const { machine } = harness("a");
  machine.start();
  const versions = [0, 1, 2, 3, 4, 5].map((i) =>
    vote("b", "prevote", 0, block(1, 0, "d", `v${i}`))
  );
  const first = versions.flatMap((v) => machine.onVote(v));
  assert.equal(first.filter((a) => a.type === "evidence").length, 5);
  const again = versions.flatMap((v) => machine.onVote(v));
  assert.deepEqual(again, []);
  assert.equal(machine.evidenceSeen, 5);
});

Deno.test("consensus: a polka seen after its round still becomes the value to propose", () => {
  const { machine, proposed } = harness("a", {
    power: EQUAL,
    proposers: ["d", "c", "a", "b"],
  });
  machine.start();
  const b1 = block(1, 0, "d", "one");
  machine.onProposal(proposal(b1, 0, "d"));
  machine.onTimeout(1, 0, "prevote");
  machine.onTimeout(1, 0, "precommit");
  assert.equal(machine.round, 1);
  // Round 0's polka arrives late: no lock (a precommitted nil)...
  const out = feed(machine, [
    vote("b", "prevote", 0, b1),
    vote("c", "prevote", 0, b1),
  ]);
  assert.deepEqual(broadcasts(out), []);
  machine.onTimeout(1, 1, "propose");
  machine.onTimeout(1, 1, "prevote");
  // ...but in round 2 a proposes b1 with its polka round, not a new block.
  const [again, prevote] = broadcasts(machine.onTimeout(1, 1, "precommit")) as [
    Proposal,
    Vote,
  ];
  assert.equal(again.round, 2);
  assert.equal(again.polRound, 0);
  assert.equal(blockId(again.block), blockId(b1));
  assert.equal(prevote.block, blockId(b1));
  assert.deepEqual(proposed, []);
});
