import assert from "node:assert/strict";
import fc from "fast-check";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { SMALL_ORDER_ENCODINGS } from "../crypto/mod.ts";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";
import { encryptionKeyOf, MessageError, MessageKeys, SCHEME } from "./mod.ts";

const seed = (label: string) => sha256(new TextEncoder().encode(label));
const alice = new MessageKeys(seed("keys_test alice"));
const bob = new MessageKeys(seed("keys_test bob"));
const carol = new MessageKeys(seed("keys_test carol"));

function throwsReason(fn: () => unknown, reason: string, message: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MessageError, String(error));
    assert.equal(error.reason, reason);
    assert.equal(error.message, message);
    return true;
  });
}

/** The wrap key computed from its definition, independently of MessageKeys. */
function expectedWrapKey(
  senderSeed: Uint8Array,
  recipient: string,
  sender: string,
): Uint8Array {
  const shared = x25519.getSharedSecret(
    ed25519.utils.toMontgomerySecret(senderSeed),
    ed25519.utils.toMontgomery(decodeBase64Url(recipient)!),
  );
  const info = new Uint8Array([
    ...new TextEncoder().encode("kith-dm/v1 wrap"),
    ...decodeBase64Url(sender)!,
    ...decodeBase64Url(recipient)!,
  ]);
  return hkdf(sha256, shared, new TextEncoder().encode("kith-dm/v1"), info, 32);
}

Deno.test("property: the X25519 key of an author is the public key of its Montgomery secret", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
      const author = encodeBase64Url(ed25519.getPublicKey(secret));
      assert.deepEqual(
        encryptionKeyOf(author),
        x25519.getPublicKey(ed25519.utils.toMontgomerySecret(secret)),
      );
      assert.equal(new MessageKeys(secret).author, author);
    }),
    { numRuns: 20 },
  );
});

Deno.test("wrap keys: both parties derive the same key for a direction, and directions differ", () => {
  assert.equal(SCHEME, "kith-dm/v1");
  const aliceToBob = alice.wrapKey(alice.author, bob.author);
  assert.equal(aliceToBob.length, 32);
  assert.deepEqual(bob.wrapKey(alice.author, bob.author), aliceToBob);
  const bobToAlice = bob.wrapKey(bob.author, alice.author);
  assert.deepEqual(alice.wrapKey(bob.author, alice.author), bobToAlice);
  assert.notDeepEqual(aliceToBob, bobToAlice);
  assert.notDeepEqual(alice.wrapKey(alice.author, carol.author), aliceToBob);
  // Against the definition: HKDF-SHA256(X25519, salt, info ‖ sender ‖ recipient).
  assert.deepEqual(
    aliceToBob,
    expectedWrapKey(seed("keys_test alice"), bob.author, alice.author),
  );
  assert.deepEqual(
    bobToAlice,
    expectedWrapKey(seed("keys_test bob"), alice.author, bob.author),
  );
  // A message to oneself uses X25519 of one's own pair.
  assert.deepEqual(
    alice.wrapKey(alice.author, alice.author),
    expectedWrapKey(seed("keys_test alice"), alice.author, alice.author),
  );
  // The cache gives the same answer again.
  assert.deepEqual(alice.wrapKey(alice.author, bob.author), aliceToBob);
});

Deno.test("a third party cannot derive a pair's wrap key", () => {
  throwsReason(
    () => carol.wrapKey(alice.author, bob.author),
    "not_a_recipient",
    "Cannot open message: this key is neither its sender nor a recipient",
  );
  // Even after the parties have cached it.
  alice.wrapKey(alice.author, bob.author);
  throwsReason(
    () => carol.wrapKey(bob.author, alice.author),
    "not_a_recipient",
    "Cannot open message: this key is neither its sender nor a recipient",
  );
});

Deno.test("keys that are not usable Ed25519 points are refused with bad_key", () => {
  throwsReason(
    () => encryptionKeyOf("not a key"),
    "bad_key",
    "Cannot use author key: it is not 32 bytes of base64url",
  );
  throwsReason(
    () => encryptionKeyOf(bob.author.slice(1), "recipient"),
    "bad_key",
    "Cannot use recipient key: it is not 32 bytes of base64url",
  );
  const identity = new Uint8Array(32);
  identity[0] = 1;
  throwsReason(
    () => encryptionKeyOf(encodeBase64Url(identity), "recipient"),
    "bad_key",
    "Cannot use recipient key: it is not a point of Ed25519",
  );
  const notOnCurve = new Uint8Array(32);
  notOnCurve[0] = 2; // y = 2 has no x
  throwsReason(
    () => encryptionKeyOf(encodeBase64Url(notOnCurve)),
    "bad_key",
    "Cannot use author key: it is not a point of Ed25519",
  );
  const nonCanonical = hexToBytes(
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  ); // y = p + 1
  throwsReason(
    () => encryptionKeyOf(encodeBase64Url(nonCanonical)),
    "bad_key",
    "Cannot use author key: it is not a point of Ed25519",
  );
  throwsReason(
    () => alice.wrapKey(alice.author, "AAAA"),
    "bad_key",
    "Cannot use author key: it is not 32 bytes of base64url",
  );
});

Deno.test("every small-order Ed25519 key is refused with bad_key", () => {
  for (const hex of SMALL_ORDER_ENCODINGS) {
    const key = encodeBase64Url(hexToBytes(hex));
    assert.throws(() => alice.wrapKey(alice.author, key), (error: unknown) => {
      assert.ok(error instanceof MessageError, String(error));
      assert.equal(error.reason, "bad_key", hex);
      assert.ok(
        [
          "Cannot use author key: it is not a point of Ed25519",
          "Cannot use author key: X25519 with it gives no shared secret (small order)",
        ].includes(error.message),
        error.message,
      );
      return true;
    });
    assert.throws(() => bob.wrapKey(key, bob.author), { name: "MessageError" });
  }
});

Deno.test("MessageKeys needs a 32-byte seed", () => {
  for (
    const bad of [
      new Uint8Array(31),
      new Uint8Array(64),
      [...new Uint8Array(32)] as unknown as Uint8Array,
    ]
  ) {
    throwsReason(
      () => new MessageKeys(bad),
      "bad_key",
      "Cannot use secret key: it must be a 32-byte Uint8Array",
    );
  }
});
