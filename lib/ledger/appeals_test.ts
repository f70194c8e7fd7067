import assert from "node:assert/strict";
import { endBlock } from "./appeals.ts";
import {
  fakeId,
  openAppeal,
  person,
  run,
  throwsLedger,
  voteOn,
} from "./_fixtures.ts";
import type { LedgerState, Subject } from "./state.ts";

const key = (name: string) => person(name).key;
const post: Subject = { post: fakeId("post"), author: key("erin") };
const subject = `post:${post.post}`;
const CLOSES = 1 + 20;

/**
 * Supply 4,400 (alice..dave 1,000 each, v1..v4 100 each); quorum 440.
 * alice flags with 100 (abuse), bob with 40 (spam); carol appeals with 50.
 * The three are parties: dave, erin and the validators vote.
 */
const opened = () => openAppeal(post);

const vote = voteOn;
const give = (state: LedgerState, from: string, to: string, amount: number) =>
  run(state, from, { type: "transfer", to: key(to), amount });

Deno.test("overturned: flag bonds lose flagSlashBps, the appellant's bond comes back", () => {
  const { state, flags, appeal } = opened();
  vote(state, "dave", appeal, "overturn");
  vote(state, "v1", appeal, "uphold");
  vote(state, "v2", appeal, "uphold");
  const touched = new Set<string>();
  endBlock(state, { height: CLOSES, touched });
  assert.deepEqual(state.account(key("alice")), {
    balance: 950,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.account(key("bob")), {
    balance: 980,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.account(key("carol")), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(flags.map((id) => state.flag(id)!.status), [
    "overturned",
    "overturned",
  ]);
  assert.deepEqual(state.subject(subject), {
    subject: post,
    flags: [],
    appeal,
  });
  const decided = state.appeal(appeal)!;
  assert.equal(decided.status, "overturned");
  assert.equal(decided.decided, CLOSES);
  assert.deepEqual(state.meta, { ...state.meta, supply: 4_330, burned: 70 });
  assert.deepEqual(state.closing(CLOSES), []);
  assert.deepEqual([...touched], [subject]);
});

Deno.test("upheld: flag bonds come back whole, appealSlashBps of the appeal bond burns", () => {
  const { state, flags, appeal } = opened();
  vote(state, "v2", appeal, "overturn");
  vote(state, "dave", appeal, "uphold");
  vote(state, "v1", appeal, "uphold");
  endBlock(state, { height: CLOSES });
  assert.deepEqual(state.account(key("alice")), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.account(key("bob")), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.account(key("carol")), {
    balance: 975,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(flags.map((id) => state.flag(id)!.status), [
    "upheld",
    "upheld",
  ]);
  assert.deepEqual(
    state.subject(subject)!.flags,
    flags,
    "upheld flags keep counting",
  );
  assert.equal(state.appeal(appeal)!.status, "upheld");
  assert.equal(state.meta.burned, 25);
  assert.equal(state.meta.supply, 4_375);
});

Deno.test("a side holding more than half of all stake decides at once", () => {
  for (const choice of ["overturn", "uphold"] as const) {
    const { state, appeal } = opened();
    give(state, "alice", "erin", 900);
    // 1,000 + 900 + 100 + 100 + 100 = 2,200: exactly half, not yet.
    for (const name of ["dave", "erin", "v1", "v2", "v3"]) {
      vote(state, name, appeal, choice, 5);
    }
    assert.equal(state.appeal(appeal)!.closes, CLOSES);
    assert.deepEqual(state.closing(5), []);
    vote(state, "v4", appeal, choice, 5);
    assert.equal(state.appeal(appeal)!.closes, 5);
    assert.deepEqual(state.closing(5), [appeal]);
    assert.deepEqual(state.closing(CLOSES), []);
    endBlock(state, { height: 5 });
    const decided = state.appeal(appeal)!;
    assert.equal(
      decided.status,
      choice === "overturn" ? "overturned" : "upheld",
    );
    assert.equal(decided.decided, 5);
    endBlock(state, { height: CLOSES });
    assert.equal(state.appeal(appeal)!.decided, 5, "decided once");
  }
});

Deno.test("a majority vote in the closing block does not move the close", () => {
  const { state, appeal } = opened();
  give(state, "alice", "erin", 900);
  for (const name of ["dave", "erin", "v1", "v2", "v3", "v4"]) {
    vote(state, name, appeal, "overturn", CLOSES);
  }
  assert.equal(state.appeal(appeal)!.closes, CLOSES);
  assert.deepEqual(state.closing(CLOSES), [appeal]);
});

Deno.test("appeals closing at one height are all decided; an empty end changes nothing", () => {
  const { state, appeal } = opened();
  const other: Subject = { author: key("erin") };
  run(state, "dave", {
    type: "flag",
    subject: other,
    category: "other",
    bond: 10,
  });
  const second = run(state, "bob", {
    type: "appeal",
    subject: other,
    bond: 10,
  });
  assert.deepEqual(state.closing(CLOSES), [appeal, second]);
  vote(state, "dave", appeal, "uphold");
  vote(state, "carol", second, "uphold");
  const root = state.root();
  endBlock(state, { height: CLOSES - 1 });
  assert.equal(state.root(), root);
  endBlock(state, { height: CLOSES });
  assert.equal(state.appeal(appeal)!.status, "upheld");
  assert.equal(state.appeal(second)!.status, "upheld");
  assert.equal(state.meta.burned, 25 + 5);
  assert.deepEqual(state.closing(CLOSES), []);
});

Deno.test("parties do not vote: the appellant and the flaggers of covered flags are refused, the state unchanged", () => {
  const { state, appeal } = opened();
  for (const name of ["carol", "alice", "bob"]) {
    for (const choice of ["uphold", "overturn"] as const) {
      const root = state.root();
      throwsLedger(
        () => vote(state, name, appeal, choice),
        "not_allowed",
        "Cannot apply vote: the signer is a party to the appeal",
      );
      assert.equal(state.root(), root, `${name} ${choice}`);
    }
  }
  assert.deepEqual(state.appeal(appeal)!.votes, {});
  // A decided appeal says so first, to parties too.
  vote(state, "dave", appeal, "uphold");
  endBlock(state, { height: CLOSES });
  throwsLedger(
    () => vote(state, "carol", appeal, "overturn", CLOSES + 1),
    "not_allowed",
    "Cannot apply vote: the appeal is upheld",
  );
});

Deno.test("a flagger of a flag the appeal does not cover votes", () => {
  const { state, flags, appeal } = opened();
  // frank's flag comes after the appeal opened: not covered.
  give(state, "dave", "frank", 600);
  const late = run(state, "frank", {
    type: "flag",
    subject: post,
    category: "abuse",
    bond: 20,
  }, { height: 2 });
  assert.deepEqual(state.appeal(appeal)!.flags, flags);
  assert.deepEqual(state.subject(subject)!.flags, [...flags, late]);
  // dave's flag is on another subject.
  run(state, "dave", {
    type: "flag",
    subject: { author: key("erin") },
    category: "spam",
    bond: 10,
  });
  vote(state, "frank", appeal, "overturn");
  vote(state, "dave", appeal, "uphold");
  assert.deepEqual(state.appeal(appeal)!.votes, {
    [key("frank")]: "overturn",
    [key("dave")]: "uphold",
  });
  endBlock(state, { height: CLOSES });
  assert.equal(state.appeal(appeal)!.status, "overturned");
  assert.equal(state.flag(late)!.status, "active", "not decided by it");
});
