import assert from "node:assert/strict";
import fc from "fast-check";
import { ed } from "./noble.ts";
import { generateKeyPair, publicKeyOf, sign } from "./keys.ts";
import { verifyEd25519Sync } from "./verify_browser.ts";
import { verifyEd25519 } from "./verify_server.ts";

const { hexToBytes, bytesToHex } = ed.etc;
const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ minLength: 0, maxLength: 300 });

function throwsExactly(fn: () => unknown, cls: ErrorConstructor, msg: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof cls, `expected ${cls.name}, got ${error}`);
    assert.equal(error.message, msg);
    return true;
  });
}

/** Returns a copy of `bytes` with bit `bit` flipped. */
function flip(bytes: Uint8Array, bit: number): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

Deno.test("RFC 8032 §7.1 TEST 1 and TEST 2 keys and signatures", async () => {
  const vectors = [
    {
      secret:
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      public:
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      message: "",
      signature:
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    },
    {
      secret:
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      public:
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      message: "72",
      signature:
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    },
  ];
  for (const v of vectors) {
    const secretKey = hexToBytes(v.secret);
    const msg = hexToBytes(v.message);
    assert.equal(bytesToHex(publicKeyOf(secretKey)), v.public);
    const signature = sign(secretKey, msg);
    assert.equal(bytesToHex(signature), v.signature);
    const publicKey = hexToBytes(v.public);
    assert.equal(await verifyEd25519(publicKey, msg, signature), true);
    assert.equal(verifyEd25519Sync(publicKey, msg, signature), true);
  }
});

Deno.test("generateKeyPair gives fresh 32-byte keys that match publicKeyOf", () => {
  const a = generateKeyPair();
  const b = generateKeyPair();
  assert.equal(a.secretKey.length, 32);
  assert.equal(a.publicKey.length, 32);
  assert.deepEqual(publicKeyOf(a.secretKey), a.publicKey);
  assert.notDeepEqual(a.secretKey, b.secretKey);
});

Deno.test("property: sign then verify is true in both verifiers", async () => {
  await fc.assert(
    fc.asyncProperty(seed, message, async (secretKey, msg) => {
      const publicKey = publicKeyOf(secretKey);
      const signature = sign(secretKey, msg);
      assert.equal(await verifyEd25519(publicKey, msg, signature), true);
      assert.equal(verifyEd25519Sync(publicKey, msg, signature), true);
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: flipping any single bit makes both verifiers return false", async () => {
  const target = fc.constantFrom("signature", "message", "key");
  await fc.assert(
    fc.asyncProperty(
      seed,
      message,
      target,
      fc.nat(),
      async (secretKey, msg, what, n) => {
        if (what === "message" && msg.length === 0) {
          msg = new Uint8Array([
            n & 0xff,
          ]);
        }
        let publicKey = publicKeyOf(secretKey);
        let signature = sign(secretKey, msg);
        if (what === "signature") signature = flip(signature, n % 512);
        if (what === "message") msg = flip(msg, n % (msg.length * 8));
        if (what === "key") publicKey = flip(publicKey, n % 256);
        assert.equal(await verifyEd25519(publicKey, msg, signature), false);
        assert.equal(verifyEd25519Sync(publicKey, msg, signature), false);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("property: every bit of one signature, key and message matters", async () => {
  const { secretKey, publicKey } = generateKeyPair();
  const msg = new TextEncoder().encode("kith");
  const signature = sign(secretKey, msg);
  const cases: [Uint8Array, Uint8Array, Uint8Array][] = [];
  for (let bit = 0; bit < 512; bit++) {
    cases.push([publicKey, msg, flip(signature, bit)]);
  }
  for (let bit = 0; bit < 256; bit++) {
    cases.push([flip(publicKey, bit), msg, signature]);
  }
  for (let bit = 0; bit < msg.length * 8; bit++) {
    cases.push([publicKey, flip(msg, bit), signature]);
  }
  for (const [key, m, sig] of cases) {
    assert.equal(await verifyEd25519(key, m, sig), false);
    assert.equal(verifyEd25519Sync(key, m, sig), false);
  }
});

Deno.test("bad secret keys and messages throw TypeError with exact messages", () => {
  const { secretKey } = generateKeyPair();
  throwsExactly(
    () => publicKeyOf(secretKey.subarray(1)),
    TypeError,
    "Cannot use secret key: it has 31 bytes, expected 32",
  );
  throwsExactly(
    () => publicKeyOf(new Uint8Array(64)),
    TypeError,
    "Cannot use secret key: it has 64 bytes, expected 32",
  );
  throwsExactly(
    () => publicKeyOf([1] as unknown as Uint8Array),
    TypeError,
    "Cannot use secret key: it is not a Uint8Array",
  );
  throwsExactly(
    () => sign(new Uint8Array(31), new Uint8Array()),
    TypeError,
    "Cannot use secret key: it has 31 bytes, expected 32",
  );
  throwsExactly(
    () => sign(secretKey, "hi" as unknown as Uint8Array),
    TypeError,
    "Cannot sign message: it is not a Uint8Array",
  );
});
