import assert from "node:assert/strict";
import {
  generateKeyPair,
  sign,
  verifyEd25519,
  verifyEd25519Sync,
} from "../crypto/mod.ts";
import { createRecord, encodeBase64Url } from "../protocol/mod.ts";
import {
  ForkProofError,
  forkProofId,
  makeForkProof,
  verifyForkProof,
} from "./fork_proof.ts";

const keys = generateKeyPair();
const author = encodeBase64Url(keys.publicKey);
const signer = { sign: (bytes: Uint8Array) => sign(keys.secretKey, bytes) };
const at = (seq: number, text: string) =>
  createRecord({
    author,
    seq,
    prev: null,
    ts: 1,
    type: "post",
    content: { text },
  }, signer).entry;

Deno.test("two signed entries at one seq make a proof both verifiers accept", async () => {
  const [a, b] = [at(1, "one"), at(1, "two")];
  const proof = makeForkProof(b, a);
  assert.deepEqual(
    makeForkProof(a, b),
    proof,
    "one proof per pair, whatever the order",
  );
  assert.equal(forkProofId(makeForkProof(a, b)), forkProofId(proof));
  assert.equal(await verifyForkProof(proof, { verify: verifyEd25519 }), true);
  assert.equal(
    await verifyForkProof(proof, { verify: verifyEd25519Sync }),
    true,
  );
});

Deno.test("a proof with a forged or mismatched entry does not verify", async () => {
  const proof = makeForkProof(at(1, "one"), at(1, "two"));
  const forged = structuredClone(proof);
  forged.entries[1].ts = 2;
  assert.equal(await verifyForkProof(forged, { verify: verifyEd25519 }), false);
  const other = generateKeyPair();
  const stranger = createRecord(
    {
      author: encodeBase64Url(other.publicKey),
      seq: 1,
      prev: null,
      ts: 1,
      type: "post",
      content: { text: "x" },
    },
    { sign: (bytes) => sign(other.secretKey, bytes) },
  ).entry;
  assert.equal(
    await verifyForkProof({ ...proof, entries: [proof.entries[0], stranger] }, {
      verify: verifyEd25519,
    }),
    false,
  );
  assert.equal(
    await verifyForkProof({ ...proof, seq: 2 }, { verify: verifyEd25519 }),
    false,
  );
});

Deno.test("makeForkProof refuses pairs that are no fork", () => {
  const a = at(1, "one");
  assert.throws(
    () => makeForkProof(a, a),
    new ForkProofError("Cannot make fork proof: both are the same entry"),
  );
  assert.throws(
    () => makeForkProof(a, at(2, "x")),
    new ForkProofError("Cannot make fork proof: seq 1 and 2 differ"),
  );
});
