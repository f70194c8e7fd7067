import assert from "node:assert/strict";
import { sign, verifyEd25519 } from "../crypto/mod.ts";
import {
  canonicalize,
  decodeBase64Url,
  encodeBase64Url,
} from "../protocol/mod.ts";
import { blockId, buildBlock } from "./block.ts";
import {
  fakeId,
  makeState,
  person,
  signedVote,
  T0,
  throwsLedger,
} from "./_fixtures.ts";
import {
  assertValidVote,
  conflicting,
  equivocation,
  evidenceId,
  type Proposal,
  proposalCheck,
  proposalSigningBytes,
  voteCheck,
  voteSigningBytes,
} from "./vote.ts";

const decoder = new TextDecoder();
const v1 = person("v1");
const vote = signedVote(v1, {
  ledger: fakeId("L"),
  height: 3,
  block: fakeId("B"),
});

Deno.test("vote signing bytes: a domain line, then the canonical vote without sig", () => {
  const { sig: _sig, ...unsigned } = vote;
  assert.equal(
    decoder.decode(voteSigningBytes(vote)),
    "kith-ledger/v1 vote\n" + canonicalize(unsigned),
  );
  assert.deepEqual(voteSigningBytes(unsigned), voteSigningBytes(vote));
  assert.deepEqual(voteCheck(vote), {
    key: v1.key,
    message: voteSigningBytes(vote),
    sig: vote.sig,
  });
});

Deno.test("proposal signing bytes name the block by its id", async () => {
  const state = makeState();
  const block = buildBlock(state, {
    round: 0,
    time: T0 + 1,
    txs: [],
    evidence: [],
  });
  const unsigned = {
    ledger: block.ledger,
    height: 1,
    round: 0,
    polRound: -1,
    block,
    proposer: block.proposer,
  };
  const text = decoder.decode(proposalSigningBytes(unsigned));
  assert.equal(
    text,
    "kith-ledger/v1 proposal\n" +
      canonicalize({ ...unsigned, block: blockId(block) }),
  );
  const proposer = ["v1", "v2", "v3", "v4"].map(person).find((p) =>
    p.key === block.proposer
  )!;
  const proposal: Proposal = {
    ...unsigned,
    sig: encodeBase64Url(
      sign(proposer.secretKey, proposalSigningBytes(unsigned)),
    ),
  };
  const check = proposalCheck(proposal);
  assert.equal(check.key, block.proposer);
  assert.equal(
    await verifyEd25519(
      decodeBase64Url(check.key)!,
      check.message,
      decodeBase64Url(check.sig)!,
    ),
    true,
  );
});

Deno.test("assertValidVote refusals", () => {
  assertValidVote(vote);
  assertValidVote({ ...vote, block: null });
  const refuse = (value: unknown, message: string) =>
    throwsLedger(
      () => assertValidVote(value),
      "bad_vote",
      `Cannot accept vote: ${message}`,
    );
  refuse(null, "expected an object");
  refuse(
    { ...vote, extra: 1 },
    "expected exactly ledger, height, round, type, block, validator, sig",
  );
  refuse({ ...vote, ledger: 1 }, "ledger must be an id");
  refuse({ ...vote, height: 0 }, "height is 0, expected ≥ 1");
  refuse({ ...vote, round: -1 }, "round is -1, expected ≥ 0");
  refuse({ ...vote, type: "commit" }, 'type must be "prevote" or "precommit"');
  refuse({ ...vote, block: "x" }, "block must be a block id or null");
  refuse({ ...vote, validator: "x" }, "validator must be a key");
  refuse(
    { ...vote, sig: vote.sig.slice(2) },
    "sig must be 64 bytes of base64url",
  );
});

Deno.test("conflicting: one validator, ledger, height, round and type, two blocks", () => {
  const other = signedVote(v1, { ledger: fakeId("L"), height: 3, block: null });
  assert.equal(conflicting(vote, other), true);
  assert.equal(conflicting(vote, vote), false);
  for (
    const change of [
      { height: 4 },
      { round: 1 },
      { type: "prevote" as const },
      { ledger: fakeId("M") },
      { validator: person("v2").key },
    ]
  ) {
    assert.equal(conflicting(vote, { ...other, ...change }), false);
  }
  const evidence = equivocation(vote, other);
  assert.deepEqual(evidence, equivocation(other, vote), "one order per pair");
  assert.equal(evidence.kind, "equivocation");
  if (evidence.kind === "equivocation") {
    assert.ok(evidence.votes[0].sig < evidence.votes[1].sig);
  }
  assert.equal(evidenceId(evidence), evidenceId(equivocation(other, vote)));
  assert.equal(evidenceId(evidence).length, 43);
});
