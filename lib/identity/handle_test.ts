import assert from "node:assert/strict";
import fc from "fast-check";
import { generateKeyPair } from "../crypto/mod.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import { fingerprint, handleOf } from "./mod.ts";

// 32 zero bytes; SHA-256 of them starts 66 68 7a ad f8.
const ZERO = encodeBase64Url(new Uint8Array(32));

Deno.test("fingerprint is 40 bits of SHA-256 in Crockford base32", () => {
  // 0x66687aadf8 = 01100 11001 10100 00111 10101 01011 01111 11000
  assert.equal(fingerprint(ZERO), "CSM7-NBFR");
  assert.throws(() => fingerprint("abc"), {
    name: "TypeError",
    message: 'Cannot fingerprint "abc": not a 32-byte base64url author key',
  });
});

Deno.test("property: fingerprints are two groups of four unambiguous characters", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
      assert.match(
        fingerprint(encodeBase64Url(bytes)),
        /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
      );
    }),
  );
});

Deno.test("handles come from the profile name, else from the fingerprint", () => {
  const author = encodeBase64Url(generateKeyPair().publicKey);
  assert.equal(handleOf(author, { name: "Ada Lovelace" }), "@ada_lovelace");
  assert.equal(handleOf(author, { name: "  Zoë <b>!</b> " }), "@zoë_bb");
  assert.equal(handleOf(ZERO), "@csm7-nbfr");
  assert.equal(handleOf(ZERO, { name: "!!!" }), "@csm7-nbfr");
});
