import assert from "node:assert/strict";
import { endBlock, tally } from "./appeals.ts";
import { fakeId, makeState, person, run, throwsLedger } from "./_fixtures.ts";
import type { Subject } from "./state.ts";

const [alice, carol, dave, erin] = ["alice", "carol", "dave", "erin"].map((n) =>
  person(n).key
);
const post: Subject = { post: fakeId("post 1"), author: erin };
const key = `post:${post.post}`;
const flagTx = (bond = 50, category = "abuse" as const, note?: string) => ({
  type: "flag" as const,
  subject: post,
  category,
  bond,
  ...(note ? { note } : {}),
});
const appealTx = (bond = 20) => ({
  type: "appeal" as const,
  subject: post,
  bond,
});

Deno.test("flag bonds stake on a subject and indexes it", () => {
  const state = makeState();
  const touched = new Set<string>();
  const id = run(state, "alice", flagTx(50, "abuse", "slurs"), {
    height: 3,
    touched,
  });
  assert.deepEqual(state.account(alice), {
    balance: 950,
    delegated: 0,
    locked: 50,
  });
  assert.deepEqual(state.flag(id), {
    id,
    flagger: alice,
    subject: post,
    category: "abuse",
    bond: 50,
    height: 3,
    status: "active",
    note: "slurs",
  });
  assert.deepEqual(state.subject(key), {
    subject: post,
    flags: [id],
    appeal: null,
  });
  assert.deepEqual([...touched], [key]);
  const second = run(state, "bob", flagTx(10, "spam" as "abuse"));
  assert.deepEqual(state.subject(key)!.flags, [id, second]);
  assert.equal(state.flag(second)!.note, undefined);
  const onAuthor = run(state, "alice", {
    type: "flag",
    subject: { author: erin },
    category: "impersonation",
    bond: 10,
  });
  assert.deepEqual(state.subject(`author:${erin}`)!.flags, [onAuthor]);
  assert.deepEqual(state.subjectKeys().sort(), [`author:${erin}`, key].sort());
});

Deno.test("flag refusals: bond below minimum, unfunded, flagging twice", () => {
  const state = makeState();
  throwsLedger(
    () => run(state, "alice", flagTx(9)),
    "insufficient_stake",
    "Cannot apply flag: bond 9 is below the minimum 10",
  );
  throwsLedger(
    () => run(state, "alice", flagTx(1_001)),
    "insufficient_stake",
    "Cannot apply flag: balance 1000 is below the bond 1001",
  );
  const id = run(state, "alice", flagTx());
  throwsLedger(
    () => run(state, "alice", flagTx(10, "illegal" as "abuse")),
    "not_allowed",
    "Cannot apply flag: the signer already flags this subject",
  );
  run(state, "alice", { type: "retract", flag: id });
  run(state, "alice", flagTx(), { id: fakeId("again") });
  assert.equal(state.subject(key)!.flags.length, 1, "after retracting, again");
});

Deno.test("retract returns an active flag's bond and drops it from the subject", () => {
  const state = makeState();
  const id = run(state, "alice", flagTx());
  const touched = new Set<string>();
  run(state, "alice", { type: "retract", flag: id }, { touched });
  assert.deepEqual(state.account(alice), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
  assert.equal(state.flag(id)!.status, "retracted");
  assert.equal(state.subject(key), undefined, "an empty subject is removed");
  assert.deepEqual([...touched], [key]);
});

Deno.test("retract of an upheld flag returns nothing more (its bond came back)", () => {
  const state = makeState();
  const id = run(state, "alice", flagTx());
  const appeal = run(state, "bob", appealTx(), { height: 1 });
  run(state, "carol", { type: "vote", appeal, choice: "uphold" });
  endBlock(state, { height: 1 + state.params.appealBlocks });
  assert.equal(state.flag(id)!.status, "upheld");
  assert.deepEqual(state.account(alice), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
  run(state, "alice", { type: "retract", flag: id });
  assert.equal(state.flag(id)!.status, "retracted");
  assert.deepEqual(state.account(alice), {
    balance: 1_000,
    delegated: 0,
    locked: 0,
  });
  assert.deepEqual(state.subject(key)!.flags, []);
});

Deno.test("retract refusals: unknown, someone else's, not live, under open appeal", () => {
  const state = makeState();
  throwsLedger(
    () => run(state, "alice", { type: "retract", flag: fakeId("none") }),
    "unknown_target",
    "Cannot apply retract: no such flag",
  );
  const id = run(state, "alice", flagTx());
  throwsLedger(
    () => run(state, "bob", { type: "retract", flag: id }),
    "not_allowed",
    "Cannot apply retract: the flag is someone else's",
  );
  run(state, "carol", appealTx());
  throwsLedger(
    () => run(state, "alice", { type: "retract", flag: id }),
    "not_allowed",
    "Cannot apply retract: an open appeal covers this flag",
  );
  for (const name of ["bob", "dave"]) {
    run(state, name, {
      type: "vote",
      appeal: state.subject(key)!.appeal!,
      choice: "overturn",
    });
  }
  endBlock(state, { height: 1 + state.params.appealBlocks });
  throwsLedger(
    () => run(state, "alice", { type: "retract", flag: id }),
    "not_allowed",
    "Cannot apply retract: the flag is already overturned",
  );
  const other = run(state, "alice", flagTx(), { id: fakeId("second") });
  run(state, "alice", { type: "retract", flag: other });
  throwsLedger(
    () => run(state, "alice", { type: "retract", flag: other }),
    "not_allowed",
    "Cannot apply retract: the flag is already retracted",
  );
});

Deno.test("appeal bonds stake and opens a vote on the subject's active flags", () => {
  const state = makeState();
  const a = run(state, "alice", flagTx());
  const b = run(state, "bob", flagTx(10, "spam" as "abuse"));
  const touched = new Set<string>();
  const id = run(state, "carol", appealTx(25), {
    height: 4,
    touched,
  });
  assert.deepEqual(state.appeal(id), {
    id,
    appellant: carol,
    subject: post,
    bond: 25,
    opened: 4,
    closes: 4 + state.params.appealBlocks,
    flags: [a, b],
    votes: {},
    status: "open",
    decided: null,
  });
  assert.deepEqual(state.account(carol), {
    balance: 975,
    delegated: 0,
    locked: 25,
  });
  assert.deepEqual(state.closing(24), [id]);
  assert.equal(state.subject(key)!.appeal, id);
  assert.deepEqual([...touched], [key]);
  const c = run(state, "dave", flagTx(), { height: 5 });
  assert.deepEqual(
    state.appeal(id)!.flags,
    [a, b],
    "later flags are not covered",
  );
  assert.deepEqual(state.subject(key)!.flags, [a, b, c]);
});

Deno.test("appeal refusals: bond, funds, no active flags, already open", () => {
  const state = makeState();
  throwsLedger(
    () => run(state, "bob", appealTx(9)),
    "insufficient_stake",
    "Cannot apply appeal: bond 9 is below the minimum 10",
  );
  throwsLedger(
    () => run(state, "bob", appealTx()),
    "not_allowed",
    "Cannot apply appeal: the subject has no active flags",
  );
  run(state, "alice", flagTx());
  throwsLedger(
    () => run(state, "bob", appealTx(1_001)),
    "insufficient_stake",
    "Cannot apply appeal: balance 1000 is below the bond 1001",
  );
  const appeal = run(state, "bob", appealTx());
  throwsLedger(
    () => run(state, "carol", appealTx()),
    "not_allowed",
    "Cannot apply appeal: an appeal is already open",
  );
  run(state, "dave", { type: "vote", appeal, choice: "uphold" });
  endBlock(state, { height: 1 + state.params.appealBlocks });
  assert.equal(state.appeal(appeal)!.status, "upheld");
  throwsLedger(
    () => run(state, "carol", appealTx()),
    "not_allowed",
    "Cannot apply appeal: the subject has no active flags",
  );
  run(state, "dave", flagTx());
  run(state, "carol", appealTx(), { height: 30 });
  assert.equal(state.appeal(state.subject(key)!.appeal!)!.opened, 30);
});

Deno.test("vote records the choice only, weighed when counted by all the voter holds (delegated and bonded too); a second vote replaces the first", () => {
  const state = makeState();
  run(state, "alice", flagTx());
  const appeal = run(state, "bob", appealTx(30));
  run(state, "carol", {
    type: "delegate",
    validator: person("v1").key,
    amount: 100,
  });
  // dave's 30 bonded on another subject weighs too.
  run(state, "dave", { ...flagTx(30), subject: { author: erin } });
  run(state, "carol", { type: "vote", appeal, choice: "uphold" });
  run(state, "dave", { type: "vote", appeal, choice: "overturn" });
  run(state, "v1", { type: "vote", appeal, choice: "overturn" });
  run(state, "carol", { type: "vote", appeal, choice: "overturn" });
  assert.deepEqual(state.appeal(appeal)!.votes, {
    [carol]: "overturn",
    [dave]: "overturn",
    [person("v1").key]: "overturn",
  });
  assert.deepEqual(tally(state.appeal(appeal)!, state), {
    uphold: 0,
    overturn: 2_100,
  });
});

Deno.test("vote refusals: unknown appeal, decided appeal, no stake", () => {
  const state = makeState();
  throwsLedger(
    () =>
      run(state, "bob", {
        type: "vote",
        appeal: fakeId("x"),
        choice: "uphold",
      }),
    "unknown_target",
    "Cannot apply vote: no such appeal",
  );
  run(state, "alice", flagTx());
  const appeal = run(state, "bob", appealTx());
  throwsLedger(
    () => run(state, "erin", { type: "vote", appeal, choice: "overturn" }),
    "insufficient_stake",
    "Cannot apply vote: the signer holds no stake",
  );
  const v2 = person("v2").key;
  state.setValidator(v2, { self: 100, delegated: 0, jailed: true });
  throwsLedger(
    () => run(state, "v2", { type: "vote", appeal, choice: "overturn" }),
    "insufficient_stake",
    "Cannot apply vote: the signer holds no stake",
  );
  endBlock(state, { height: 1 + state.params.appealBlocks });
  throwsLedger(
    () => run(state, "carol", { type: "vote", appeal, choice: "overturn" }),
    "not_allowed",
    "Cannot apply vote: the appeal is lapsed",
  );
});
