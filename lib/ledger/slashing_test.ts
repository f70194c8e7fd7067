import assert from "node:assert/strict";
import { generateKeyPair, sign, verifyEd25519 } from "../crypto/mod.ts";
import { forkProofId, makeForkProof, verifyForkProof } from "../log/mod.ts";
import {
  createRecord,
  decodeBase64Url,
  encodeBase64Url,
} from "../protocol/mod.ts";
import { applyEvidence } from "./slashing.ts";
import { fakeId, makeState, person, throwsLedger } from "./_fixtures.ts";
import { type Evidence, evidenceChecks, type SignatureCheck } from "./vote.ts";

const keys = generateKeyPair();
const mallory = {
  name: "mallory",
  secretKey: keys.secretKey,
  key: encodeBase64Url(keys.publicKey),
};
const fail = (m: string) => `Cannot apply evidence: ${m}`;

/** An entry of mallory's at `seq` (a post), really signed. */
function entry(seq: number, text: string, who = mallory) {
  return createRecord({
    author: who.key,
    seq,
    prev: seq === 1 ? null : fakeId(`prev ${seq}`),
    ts: 1_700_000_000_000 + seq,
    type: "post",
    content: { text },
  }, { sign: (bytes) => sign(who.secretKey, bytes) }).entry;
}

async function verifies(checks: SignatureCheck[]): Promise<boolean[]> {
  return await Promise.all(
    checks.map(({ key, message, sig }) =>
      verifyEd25519(decodeBase64Url(key)!, message, decodeBase64Url(sig)!)
    ),
  );
}

Deno.test("a real fork proof marks its author forked", async () => {
  const state = makeState();
  const proof = makeForkProof(entry(3, "one"), entry(3, "two"));
  assert.equal(await verifyForkProof(proof, { verify: verifyEd25519 }), true);
  const evidence: Evidence = { kind: "fork", proof };
  assert.deepEqual(await verifies(evidenceChecks(evidence)), [true, true]);
  const touched = new Set<string>();
  const root = state.root();
  applyEvidence(state, evidence, { height: 4, touched });
  assert.deepEqual(state.forked(mallory.key), {
    seq: 3,
    height: 4,
    proof: forkProofId(proof),
  });
  assert.deepEqual(state.forkedAuthors(), [mallory.key]);
  assert.deepEqual([...touched], [`author:${mallory.key}`]);
  assert.notEqual(state.root(), root);
  assert.equal(state.meta.supply, 4_400, "a fork proof burns nothing");
  throwsLedger(
    () =>
      applyEvidence(state, {
        kind: "fork",
        proof: makeForkProof(entry(5, "a"), entry(5, "b")),
      }, { height: 5 }),
    "bad_evidence",
    fail("the author is already marked forked"),
  );
});

Deno.test("malformed fork proofs are refused", async () => {
  const state = makeState();
  const [a, b] = [entry(2, "a"), entry(2, "b")];
  const other = entry(2, "c", person("erin"));
  const bad = [
    { author: mallory.key, seq: 2, entries: [a, other] },
    { author: mallory.key, seq: 2, entries: [a, a] },
    { author: mallory.key, seq: 2, entries: [a] },
    { author: mallory.key, seq: 3, entries: [a, b] },
    { author: mallory.key, seq: 2, entries: [a, { ...b, seq: 3 }] },
    { author: "mallory", seq: 2, entries: [a, b] },
    { author: mallory.key, seq: 2, entries: [a, null] },
    { author: mallory.key, seq: 2, entries: "ab" },
    null,
  ];
  for (const proof of bad) {
    throwsLedger(
      () =>
        applyEvidence(state, { kind: "fork", proof } as Evidence, {
          height: 1,
        }),
      "bad_evidence",
      fail("the fork proof is malformed"),
    );
  }
  throwsLedger(
    () =>
      applyEvidence(state, { kind: "fraud" } as unknown as Evidence, {
        height: 1,
      }),
    "bad_evidence",
    fail("unknown kind"),
  );
  // A forged entry passes the shape check; its signature does not verify.
  const forged = makeForkProof(a, { ...b, ts: b.ts + 1 });
  const checks = evidenceChecks({ kind: "fork", proof: forged });
  assert.deepEqual((await verifies(checks)).sort(), [false, true]);
});
