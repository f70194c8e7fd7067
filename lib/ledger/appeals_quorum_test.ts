import assert from "node:assert/strict";
import { endBlock, tally } from "./appeals.ts";
import { fakeId, openAppeal, person, run, voteOn } from "./_fixtures.ts";
import type { LedgerParams } from "./genesis.ts";
import type { LedgerState, Subject } from "./state.ts";

const key = (name: string) => person(name).key;
const post: Subject = { post: fakeId("quorum post"), author: key("erin") };
const subject = `post:${post.post}`;
const CLOSES = 1 + 20;

/**
 * Supply 4,400 (alice..dave 1,000 each, v1..v4 100 each); quorum 440.
 * alice flags with 100 (abuse), bob with 40 (spam); carol appeals with 50.
 * The three are parties: dave, erin, frank and the validators vote.
 */
const opened = (params: Partial<LedgerParams> = {}) => openAppeal(post, params);

const vote = voteOn;
const give = (state: LedgerState, from: string, to: string, amount: number) =>
  run(state, from, { type: "transfer", to: key(to), amount }, { height: 2 });

Deno.test("without a quorum an appeal lapses: flags stay active and locked, appealSlashBps of the appeal bond burns", () => {
  const { state, flags, appeal } = opened();
  const touched = new Set<string>();
  endBlock(state, { height: CLOSES, touched });
  assert.deepEqual(state.appeal(appeal), {
    id: appeal,
    appellant: key("carol"),
    subject: post,
    bond: 50,
    opened: 1,
    closes: CLOSES,
    flags,
    votes: {},
    status: "lapsed",
    decided: CLOSES,
  });
  assert.deepEqual(flags.map((id) => state.flag(id)!.status), [
    "active",
    "active",
  ]);
  assert.deepEqual(state.account(key("alice")), {
    balance: 900,
    delegated: 0,
    locked: 100,
  });
  assert.deepEqual(state.account(key("bob")), {
    balance: 960,
    delegated: 0,
    locked: 40,
  });
  assert.deepEqual(state.account(key("carol")), {
    balance: 975,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.subject(subject), { subject: post, flags, appeal });
  assert.deepEqual([state.meta.supply, state.meta.burned], [4_375, 25]);
  assert.deepEqual(state.closing(CLOSES), []);
  assert.deepEqual([...touched], [subject]);
  // The flags are still active, so the subject can be appealed again.
  const again = run(state, "dave", {
    type: "appeal",
    subject: post,
    bond: 10,
  }, { height: CLOSES + 1 });
  assert.deepEqual(state.appeal(again)!.flags, flags);
  assert.equal(state.appeal(again)!.status, "open");
  assert.equal(state.subject(subject)!.appeal, again);
});

Deno.test("the quorum applies to either side: a turnout of appealQuorumBps of all stake, inclusive", () => {
  // Quorum: 10% of 4,400 = 440. erin holds exactly what dave gives her.
  for (
    const [choice, amount, status] of [
      ["overturn", 440, "overturned"],
      ["overturn", 439, "lapsed"],
      ["uphold", 440, "upheld"],
      ["uphold", 439, "lapsed"],
    ] as const
  ) {
    const { state, appeal } = opened();
    give(state, "dave", "erin", amount);
    vote(state, "erin", appeal, choice);
    endBlock(state, { height: CLOSES });
    const label = `${choice} ${amount}`;
    assert.equal(state.appeal(appeal)!.status, status, label);
    assert.equal(
      state.meta.burned,
      { overturned: 70, upheld: 25, lapsed: 25 }[status],
      label,
    );
  }
});

Deno.test("a lapse burns appealSlashBps of the appeal bond, with votes short of the quorum too", () => {
  // erin's 439 is one short of the quorum of 440.
  for (const [bps, burned] of [[0, 0], [2_000, 10], [10_000, 50]]) {
    const { state, flags, appeal } = opened({ appealSlashBps: bps });
    give(state, "dave", "erin", 439);
    vote(state, "erin", appeal, "overturn");
    endBlock(state, { height: CLOSES });
    assert.equal(state.appeal(appeal)!.status, "lapsed", `${bps}`);
    assert.deepEqual(state.account(key("carol")), {
      balance: 1_000 - burned,
      delegated: 0,
      locked: 0,
    });
    assert.deepEqual([state.meta.supply, state.meta.burned], [
      4_400 - burned,
      burned,
    ]);
    assert.deepEqual(flags.map((id) => state.flag(id)!.status), [
      "active",
      "active",
    ]);
  }
});

Deno.test("a tie with a quorum upholds", () => {
  const { state, flags, appeal } = opened();
  give(state, "dave", "erin", 500);
  vote(state, "erin", appeal, "overturn");
  vote(state, "dave", appeal, "uphold");
  assert.deepEqual(tally(state.appeal(appeal)!, state), {
    uphold: 500,
    overturn: 500,
  });
  endBlock(state, { height: CLOSES });
  assert.equal(state.appeal(appeal)!.status, "upheld");
  assert.deepEqual(flags.map((id) => state.flag(id)!.status), [
    "upheld",
    "upheld",
  ]);
  assert.equal(state.account(key("carol")).balance, 975);
  assert.equal(state.meta.burned, 25);
});

Deno.test("weight moves with stake: vote, transfer to another key, that key votes: counted once", () => {
  const { state, flags, appeal } = opened();
  give(state, "dave", "erin", 500);
  vote(state, "erin", appeal, "overturn");
  give(state, "erin", "frank", 500);
  vote(state, "frank", appeal, "overturn");
  vote(state, "dave", appeal, "uphold");
  vote(state, "v1", appeal, "uphold");
  assert.deepEqual(state.appeal(appeal)!.votes, {
    [key("erin")]: "overturn",
    [key("frank")]: "overturn",
    [key("dave")]: "uphold",
    [key("v1")]: "uphold",
  });
  // erin's vote stays recorded but weighs what she holds now: nothing.
  assert.deepEqual(tally(state.appeal(appeal)!, state), {
    uphold: 600,
    overturn: 500,
  });
  endBlock(state, { height: CLOSES });
  assert.equal(state.appeal(appeal)!.status, "upheld");
  assert.deepEqual(flags.map((id) => state.flag(id)!.status), [
    "upheld",
    "upheld",
  ]);
});

Deno.test("weights are holdings when counted: stake leaving a voter leaves the vote, stake arriving joins it", () => {
  const { state, appeal } = opened();
  give(state, "alice", "erin", 900);
  // dave bonds 40 on another subject: locked stake weighs too.
  run(state, "dave", {
    type: "flag",
    subject: { author: key("erin") },
    category: "spam",
    bond: 40,
  });
  vote(state, "dave", appeal, "overturn");
  vote(state, "erin", appeal, "uphold");
  const count = () => tally(state.appeal(appeal)!, state);
  assert.deepEqual(count(), { uphold: 900, overturn: 1_000 });
  give(state, "dave", "frank", 960); // dave keeps his locked flag bond of 40
  assert.deepEqual(count(), { uphold: 900, overturn: 40 });
  give(state, "frank", "erin", 300);
  assert.deepEqual(count(), { uphold: 1_200, overturn: 40 });
  run(state, "erin", { type: "delegate", validator: key("v1"), amount: 200 });
  assert.deepEqual(count(), { uphold: 1_200, overturn: 40 }, "delegated");
});

Deno.test("the early decision uses the current tally, not the weights when cast", () => {
  const { state, appeal } = opened();
  give(state, "alice", "erin", 900);
  vote(state, "erin", appeal, "overturn", 5);
  vote(state, "dave", appeal, "overturn", 5);
  give(state, "erin", "v1", 900);
  // erin 0 + dave 1,000 + v1 1,000 = 2,000 of 4,400: not more than half
  // (weighed when cast, 2,900 would be).
  vote(state, "v1", appeal, "overturn", 5);
  assert.equal(state.appeal(appeal)!.closes, CLOSES);
  vote(state, "v2", appeal, "overturn", 5); // 2,100
  vote(state, "v3", appeal, "overturn", 5); // 2,200: exactly half
  assert.equal(state.appeal(appeal)!.closes, CLOSES);
  vote(state, "v4", appeal, "overturn", 5); // 2,300
  assert.equal(state.appeal(appeal)!.closes, 5);
  assert.deepEqual(state.closing(5), [appeal]);
  endBlock(state, { height: 5 });
  assert.equal(state.appeal(appeal)!.status, "overturned");
});
