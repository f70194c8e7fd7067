import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BUCKETS,
  MAX_PLAINTEXT_BYTES,
  MessageError,
  pad,
  unpad,
} from "./mod.ts";

function throwsReason(fn: () => unknown, reason: string, message: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MessageError, String(error));
    assert.equal(error.reason, reason);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("buckets are the powers of two from 256 to 32 KiB, one byte kept for the marker", () => {
  assert.deepEqual(BUCKETS, [
    256,
    512,
    1_024,
    2_048,
    4_096,
    8_192,
    16_384,
    32_768,
  ]);
  assert.equal(MAX_PLAINTEXT_BYTES, 32_767);
});

Deno.test("pad picks the smallest bucket that holds the plaintext and its marker", () => {
  const cases: [number, number][] = [
    [0, 256],
    [1, 256],
    [255, 256],
    [256, 512],
    [511, 512],
    [512, 1_024],
    [8_191, 8_192],
    [8_192, 16_384],
    [32_767, 32_768],
  ];
  for (const [length, bucket] of cases) {
    const padded = pad(new Uint8Array(length).fill(0x41));
    assert.equal(padded.length, bucket, `length ${length}`);
    assert.equal(padded[length], 0x80);
    assert.ok(padded.subarray(length + 1).every((byte) => byte === 0));
  }
});

Deno.test("pad refuses plaintext over MAX_PLAINTEXT_BYTES", () => {
  throwsReason(
    () => pad(new Uint8Array(MAX_PLAINTEXT_BYTES + 1)),
    "bad_payload",
    "Cannot pad message: it has 32768 bytes, at most 32767 allowed",
  );
  throwsReason(
    () => pad(new Uint8Array(40_000)),
    "bad_payload",
    "Cannot pad message: it has 40000 bytes, at most 32767 allowed",
  );
});

Deno.test("unpad refuses lengths that are not buckets and a missing marker", () => {
  throwsReason(
    () => unpad(new Uint8Array(300)),
    "bad_payload",
    "Cannot unpad message: 300 bytes is not a bucket size",
  );
  throwsReason(
    () => unpad(new Uint8Array(0)),
    "bad_payload",
    "Cannot unpad message: 0 bytes is not a bucket size",
  );
  throwsReason(
    () => unpad(new Uint8Array(256)),
    "bad_payload",
    "Cannot unpad message: the padding marker is missing",
  );
  const trailing = pad(new Uint8Array([1, 2, 3]));
  trailing[255] = 1;
  throwsReason(
    () => unpad(trailing),
    "bad_payload",
    "Cannot unpad message: the padding marker is missing",
  );
  const noMarker = new Uint8Array(512).fill(0x41);
  throwsReason(
    () => unpad(noMarker),
    "bad_payload",
    "Cannot unpad message: the padding marker is missing",
  );
});

Deno.test("unpad keeps trailing zeros and 0x80 bytes of the plaintext itself", () => {
  const plaintext = new Uint8Array([0x80, 0, 0x80, 0, 0]);
  assert.deepEqual(unpad(pad(plaintext)), plaintext);
  assert.deepEqual(unpad(pad(new Uint8Array(0))), new Uint8Array(0));
});

Deno.test("property: unpad(pad(x)) is x, in the smallest bucket over its length", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: MAX_PLAINTEXT_BYTES }).map((length) =>
          new Uint8Array(length).fill(length % 256)
        ),
      ),
      (plaintext) => {
        const padded = pad(plaintext);
        assert.ok(BUCKETS.includes(padded.length));
        assert.ok(padded.length > plaintext.length);
        const smaller = BUCKETS.filter((size) => size < padded.length);
        assert.ok(smaller.every((size) => size <= plaintext.length));
        assert.deepEqual(unpad(padded), plaintext);
      },
    ),
    { numRuns: 300 },
  );
});
