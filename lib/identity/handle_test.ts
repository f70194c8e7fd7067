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

Deno.test("a name that could pass for another's gets the fingerprint handle", () => {
  const print = `@${fingerprint(ZERO).toLowerCase()}`;
  // Cyrillic а (U+0430) among Latin letters, as in "аda" for "ada".
  assert.equal(handleOf(ZERO, { name: "\u0430da" }), print);
  assert.equal(handleOf(ZERO, { name: "Ad\u0430 Lovelace" }), print);
  // All Cyrillic, every letter a Latin lookalike: "рау" reads "pay".
  assert.equal(handleOf(ZERO, { name: "\u0440\u0430\u0443" }), print);
  // Greek omicron for o.
  assert.equal(handleOf(ZERO, { name: "b\u03bfb" }), print);
  // Real names in one script, or Latin beside Japanese, keep theirs.
  assert.equal(
    handleOf(ZERO, { name: "\u0410\u0434\u0430" }),
    "@\u0430\u0434\u0430",
  );
  assert.equal(handleOf(ZERO, { name: "Ελένη" }), "@ελένη");
  assert.equal(handleOf(ZERO, { name: "Ada 山田" }), "@ada_山田");
  // Zero-width and bidi controls are not part of a handle.
  assert.equal(handleOf(ZERO, { name: "A\u200bd\u202ea" }), "@ada");
});

Deno.test("a profile name that is not a string gives the fingerprint handle", () => {
  assert.equal(
    handleOf(ZERO, { name: { toString: () => "ada" } }),
    `@${fingerprint(ZERO).toLowerCase()}`,
  );
});
