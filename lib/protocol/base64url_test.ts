import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";

Deno.test("base64url matches RFC 4648 test vectors, without padding", () => {
  // RFC 4648 §10, with the base64url alphabet and the padding dropped.
  const cases: [string, string][] = [
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg"],
    [
      "fooba",
      "Zm9vYmE",
    ],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [text, encoded] of cases) {
    const bytes = new TextEncoder().encode(text);
    assert.equal(encodeBase64Url(bytes), encoded);
    assert.deepEqual(decodeBase64Url(encoded), bytes);
  }
  assert.equal(encodeBase64Url(new Uint8Array([251, 255])), "-_8");
});

Deno.test("decodeBase64Url refuses anything but the one canonical encoding", () => {
  assert.equal(decodeBase64Url("Zg=="), undefined, "padding");
  assert.equal(decodeBase64Url("Zh"), undefined, "unused bits set");
  assert.equal(decodeBase64Url("Z"), undefined, "impossible length");
  assert.equal(decodeBase64Url("Zm+v"), undefined, "standard alphabet");
  assert.equal(
    decodeBase64Url("Zm9v", { expectedBytes: 4 }),
    undefined,
    "wrong size",
  );
  assert.deepEqual(
    decodeBase64Url("A".repeat(43), { expectedBytes: 32 }),
    new Uint8Array(32),
  );
});

Deno.test("property: encode/decode round-trips and decoding is unique", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const text = encodeBase64Url(bytes);
      assert.deepEqual(
        decodeBase64Url(text, { expectedBytes: bytes.length }),
        bytes,
      );
      assert.ok(/^[A-Za-z0-9_-]*$/.test(text));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,24}$/), (text) => {
      const bytes = decodeBase64Url(text);
      if (bytes) {
        assert.equal(
          encodeBase64Url(bytes),
          text,
          "a decodable string is the canonical one",
        );
      }
    }),
    { numRuns: 1000 },
  );
});
