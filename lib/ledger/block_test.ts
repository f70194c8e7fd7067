import assert from "node:assert/strict";
import { sign, verifyEd25519 } from "../crypto/mod.ts";
import { createRecord, decodeBase64Url } from "../protocol/mod.ts";
import {
  blockChecks,
  blockId,
  buildBlock,
  decodeTransaction,
  executeBlock,
} from "./block.ts";
import { proposerOf } from "./proposer.ts";
import {
  fakeId,
  makeState,
  person,
  signedVote,
  T0,
  throwsLedger,
  Writer,
} from "./_fixtures.ts";
import { equivocation } from "./vote.ts";

const post = { post: fakeId("post"), author: person("erin").key };

function setup(params = {}) {
  const state = makeState({ params });
  const ledger = state.meta.ledger;
  const alice = new Writer(person("alice"), ledger);
  const bob = new Writer(person("bob"), ledger);
  const lines = [
    alice.record({ type: "transfer", to: bob.who.key, amount: 100 }).line,
    bob.record({ type: "flag", subject: post, category: "abuse", bond: 20 })
      .line,
    alice.record({ type: "delegate", validator: person("v1").key, amount: 50 })
      .line,
  ];
  return { state, ledger, alice, bob, lines };
}

Deno.test("buildBlock then executeBlock: the same state, root and id", () => {
  const { state, lines } = setup();
  const genesisRoot = state.root();
  const block = buildBlock(state, {
    round: 0,
    time: T0 + 1_000,
    txs: lines,
    evidence: [],
  });
  assert.equal(state.root(), genesisRoot, "building changes nothing");
  assert.deepEqual(
    { ...block, stateRoot: "" },
    {
      ledger: state.meta.ledger,
      height: 1,
      round: 0,
      prev: null,
      proposer: proposerOf(state, 0).proposer,
      time: T0 + 1_000,
      txs: lines,
      evidence: [],
      stateRoot: "",
    },
  );
  const execution = executeBlock(state, block);
  assert.equal(execution.state.root(), block.stateRoot);
  assert.equal(execution.state.blockId, blockId(block));
  assert.deepEqual([...execution.touched], [`post:${post.post}`]);
  assert.equal(execution.supplyChanged, false);
  assert.equal(
    state.root(),
    genesisRoot,
    "until commit, the base is as it was",
  );
  assert.equal(state.blockId, null);
  execution.state.commit();
  assert.equal(state.root(), block.stateRoot);
  assert.equal(state.blockId, blockId(block));
  assert.equal(state.meta.height, 1);
  assert.equal(state.meta.time, T0 + 1_000);
  assert.equal(state.account(person("alice").key).balance, 850);
  assert.equal(state.power(person("v1").key), 150);
  const second = buildBlock(state, {
    round: 2,
    time: 0,
    txs: [],
    evidence: [],
  });
  assert.equal(second.prev, blockId(block));
  assert.equal(second.time, T0 + 1_000 + 100, "never before parent + interval");
  assert.equal(second.proposer, proposerOf(state, 2).proposer);
  executeBlock(state, second).state.commit();
  assert.equal(state.meta.height, 2);
});

Deno.test("buildBlock leaves out what does not apply, in order, up to maxBlockTxs", () => {
  const { state, ledger, alice, bob, lines } = setup();
  const post1 = createRecord({
    author: alice.who.key,
    seq: 9,
    prev: fakeId("p"),
    ts: T0,
    type: "post",
    content: { text: "not a transaction" },
  }, { sign: (bytes) => sign(alice.who.secretKey, bytes) }).line;
  const candidates = [
    "not json",
    lines[0],
    lines[0], // repeated
    bob.record({ type: "transfer", to: alice.who.key, amount: 5_000 }).line,
    post1,
    new Writer(person("carol"), fakeId("other")).record({
      type: "transfer",
      to: alice.who.key,
      amount: 1,
    }).line,
    new Writer(person("dave"), ledger).record({ type: "mint", amount: 1 }).line,
    lines[1],
    alice.record({ type: "transfer", to: bob.who.key, amount: 1 }, { seq: 1 })
      .line, // stale after lines[0]
    lines[2],
  ];
  const block = buildBlock(state, {
    round: 0,
    time: T0 + 1,
    txs: candidates,
    evidence: [],
  });
  assert.deepEqual(block.txs, lines);
  assert.equal(block.time, T0 + 100);
  executeBlock(state, block);
  const { state: small, lines: again } = setup({ maxBlockTxs: 2 });
  const capped = buildBlock(small, {
    round: 0,
    time: 0,
    txs: again,
    evidence: [],
  });
  assert.deepEqual(capped.txs, again.slice(0, 2));
});

Deno.test("buildBlock includes evidence that applies, once", () => {
  const { state, ledger } = setup();
  const v4 = person("v4");
  const votes = [fakeId("A"), fakeId("B")].map((block) =>
    signedVote(v4, { ledger, height: 1, block })
  );
  const evidence = equivocation(votes[0], votes[1]);
  const stale = equivocation(
    signedVote(v4, { ledger, height: 5, block: fakeId("A") }),
    signedVote(v4, { ledger, height: 5, block: fakeId("B") }),
  );
  const block = buildBlock(state, {
    round: 0,
    time: T0 + 500,
    txs: [],
    evidence: [stale, evidence, evidence],
  });
  assert.deepEqual(block.evidence, [evidence]);
  const execution = executeBlock(state, block);
  assert.equal(execution.supplyChanged, true);
  assert.equal(execution.state.validator(v4.key)!.jailed, true);
});

Deno.test("blockChecks lists every transaction and evidence signature; they verify", async () => {
  const { state, ledger, lines } = setup();
  const v4 = person("v4");
  const evidence = equivocation(
    signedVote(v4, { ledger, height: 1, block: fakeId("A") }),
    signedVote(v4, { ledger, height: 1, block: null }),
  );
  const block = buildBlock(state, {
    round: 0,
    time: T0 + 500,
    txs: lines,
    evidence: [evidence],
  });
  const checks = blockChecks(block);
  assert.deepEqual(
    checks.map((c) => c.key),
    [
      person("alice").key,
      person("bob").key,
      person("alice").key,
      v4.key,
      v4.key,
    ],
  );
  const verify = (c: (typeof checks)[number]) =>
    verifyEd25519(decodeBase64Url(c.key)!, c.message, decodeBase64Url(c.sig)!);
  assert.deepEqual(
    await Promise.all(checks.map(verify)),
    checks.map(() => true),
  );
  const forged = { ...checks[0], key: person("bob").key };
  assert.equal(await verify(forged), false);
  const tampered = { ...checks[4], message: checks[3].message };
  assert.equal(await verify(tampered), false);
});

Deno.test("decodeTransaction refusals: not a record, not a ledger entry, another ledger", () => {
  const { ledger, alice } = setup();
  throwsLedger(
    () => decodeTransaction("{}", ledger),
    "bad_transaction",
    "Cannot accept transaction 1: Cannot accept record: it must have exactly content and entry, found nothing",
  );
  const post1 = createRecord({
    author: alice.who.key,
    seq: 1,
    prev: null,
    ts: T0,
    type: "post",
    content: { text: "hi" },
  }, { sign: (bytes) => sign(alice.who.secretKey, bytes) }).line;
  throwsLedger(
    () => decodeTransaction(post1, ledger, 4),
    "bad_transaction",
    "Cannot accept transaction 5: not a ledger entry with content",
  );
  const other = fakeId("other ledger");
  const line =
    alice.record({ type: "retract", flag: fakeId("f") }, { ledger: other })
      .line;
  throwsLedger(
    () => decodeTransaction(line, ledger),
    "wrong_ledger",
    `Cannot accept transaction 1: it belongs to ledger ${other}`,
  );
  throwsLedger(
    () => decodeTransaction(alice.record({ type: "retract" }).line, ledger),
    "bad_transaction",
    "Cannot accept transaction: retract flag must be a 43-character base64url key or id",
  );
  const { transaction } = decodeTransaction(
    alice.record({ type: "retract", flag: fakeId("f") }).line,
    ledger,
  );
  assert.deepEqual(
    { ...transaction, id: "" },
    {
      id: "",
      signer: alice.who.key,
      seq: alice.seq,
      tx: { type: "retract", flag: fakeId("f") },
    },
  );
});
