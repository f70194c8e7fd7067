import assert from "node:assert/strict";
import fc from "fast-check";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";
import {
  BOX_VERSION,
  BUCKETS,
  encodePayload,
  type Envelope,
  isValidPayload,
  type Letter,
  MessageError,
  MessageKeys,
  type MessagePayload,
  openMessage,
  pad,
  sealMessage,
} from "./mod.ts";

const seedOf = (i: number) =>
  sha256(new TextEncoder().encode(`box_test identity ${i}`));
/** 17 identities: enough for a sender and 16 recipients. */
const pool = Array.from({ length: 17 }, (_, i) => new MessageKeys(seedOf(i)));
const [alice, bob, carol] = pool;
const salt = encodeBase64Url(new Uint8Array(16).fill(5));
const hi: MessagePayload = { kind: "message", text: "hi" };

function throwsReason(fn: () => unknown, reason: string, message: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MessageError, String(error));
    assert.equal(error.reason, reason);
    assert.equal(error.message, message);
    return true;
  });
}

function seal(sender: MessageKeys, letter: Letter): Envelope {
  const box = sealMessage(sender, letter);
  return letter.conv === undefined
    ? { author: sender.author, to: letter.to, box }
    : { author: sender.author, to: letter.to, conv: letter.conv, box };
}

const boxLength = (recipients: number, bucket: number) =>
  1 + 24 + 48 * (recipients + 1) + bucket + 16;

const validText = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }),
  // Any code points (fc.string's "binary" unit is slow to generate).
  fc.array(fc.integer({ min: 0, max: 0x10ffff }), {
    minLength: 1,
    maxLength: 300,
  }).map((points) => String.fromCodePoint(...points)),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1_200 }),
).filter((text) => isValidPayload({ kind: "message", text }));

const validPayload: fc.Arbitrary<MessagePayload> = fc.oneof(
  validText.map((text) => ({ kind: "message" as const, text })),
  fc.tuple(validText, fc.uint8Array({ minLength: 16, maxLength: 16 })).map((
    [text, bytes],
  ) => ({
    kind: "message" as const,
    text,
    group: { salt: encodeBase64Url(bytes), name: "Group" },
  })),
  fc.constant({ kind: "leave" as const }),
);

Deno.test("a direct message opens for its recipient and its sender, on any device", () => {
  const envelope = seal(alice, { to: [bob.author], payload: hi });
  assert.deepEqual(openMessage(bob, envelope), hi);
  assert.deepEqual(openMessage(alice, envelope), hi);
  // Another MessageKeys of the same seed (another device, empty cache).
  assert.deepEqual(openMessage(new MessageKeys(seedOf(1)), envelope), hi);
  assert.equal(decodeBase64Url(envelope.box)![0], BOX_VERSION);
  assert.equal(decodeBase64Url(envelope.box)!.length, boxLength(1, 256));
});

Deno.test("property: seal then open gives the payload back to every recipient and the sender", () => {
  fc.assert(
    fc.property(
      fc.nat({ max: pool.length - 1 }),
      fc.shuffledSubarray(pool, { minLength: 1, maxLength: 16 }),
      validPayload,
      fc.option(fc.constant("Q".repeat(43)), { nil: undefined }),
      (senderIndex, recipients, payload, conv) => {
        const sender = pool[senderIndex];
        const to = recipients.map((keys) => keys.author);
        const envelope = seal(sender, { to, conv, payload });
        for (const reader of [...recipients, sender]) {
          assert.deepEqual(openMessage(reader, envelope), payload);
        }
        const outsider = pool.find((keys) =>
          keys !== sender && !recipients.includes(keys)
        );
        if (outsider) {
          assert.throws(() => openMessage(outsider, envelope), {
            name: "MessageError",
            message:
              "Cannot open message: this key is neither its sender nor a recipient",
          });
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("property: any single flipped bit of a box fails it for every reader", () => {
  const boxes = [
    seal(alice, { to: [bob.author], payload: hi }),
    seal(alice, {
      to: [bob.author, carol.author, pool[3].author],
      conv: "Q".repeat(43),
      payload: {
        kind: "message",
        text: "Welcome",
        group: { salt, name: "G" },
      },
    }),
    seal(bob, {
      to: pool.filter((keys) => keys !== bob).slice(0, 16).map((k) => k.author),
      payload: { kind: "message", text: "long ".repeat(120) },
    }),
  ];
  const readersOf = (envelope: Envelope) =>
    pool.filter((keys) =>
      keys.author === envelope.author || envelope.to.includes(keys.author)
    );
  fc.assert(
    fc.property(
      fc.nat({ max: boxes.length - 1 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (which, where) => {
        const envelope = boxes[which];
        const bytes = decodeBase64Url(envelope.box)!;
        const bit = Math.floor(where * bytes.length * 8);
        bytes[bit >> 3] ^= 1 << (bit & 7);
        const flipped = { ...envelope, box: encodeBase64Url(bytes) };
        for (const reader of readersOf(envelope)) {
          assert.throws(
            () => openMessage(reader, flipped),
            (error: unknown) => {
              assert.ok(error instanceof MessageError, String(error));
              assert.ok(
                ["bad_box", "cannot_decrypt", "bad_payload"].includes(
                  error.reason,
                ),
                error.reason,
              );
              return true;
            },
          );
        }
      },
    ),
    { numRuns: 300 },
  );
  // The three regions, each at least once, deterministically.
  const envelope = boxes[1];
  for (const byte of [0, 1, 24, 25, 25 + 48, 25 + 48 * 3, 25 + 48 * 4, -1]) {
    const bytes = decodeBase64Url(envelope.box)!;
    bytes[(byte + bytes.length) % bytes.length] ^= 1;
    const flipped = { ...envelope, box: encodeBase64Url(bytes) };
    for (const reader of readersOf(envelope)) {
      assert.throws(() => openMessage(reader, flipped), {
        name: "MessageError",
      });
    }
  }
});

Deno.test("property: a box's length depends only on its recipients and bucket", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 16 }),
      validPayload,
      validPayload,
      (recipients, first, second) => {
        const to = pool.slice(1, 1 + recipients).map((keys) => keys.author);
        const a = decodeBase64Url(sealMessage(alice, { to, payload: first }))!;
        const b = decodeBase64Url(sealMessage(alice, { to, payload: second }))!;
        const bucketA = pad(encodePayload(first)).length;
        const bucketB = pad(encodePayload(second)).length;
        assert.equal(a.length, boxLength(recipients, bucketA));
        assert.equal(b.length, boxLength(recipients, bucketB));
        assert.equal(a.length === b.length, bucketA === bucketB);
      },
    ),
    { numRuns: 100 },
  );
  // Within a bucket the size says nothing: 1 and 200 characters look alike.
  const short = sealMessage(alice, { to: [bob.author], payload: hi });
  const longer = sealMessage(alice, {
    to: [bob.author],
    payload: { kind: "message", text: "x".repeat(200) },
  });
  assert.equal(short.length, longer.length);
  assert.ok(BUCKETS.includes(256));
});

Deno.test("sealing draws a 32-byte content key then a 24-byte nonce from randomBytes", () => {
  const draws: number[] = [];
  let counter = 0;
  const randomBytes = (length: number) => {
    draws.push(length);
    return new Uint8Array(length).fill(++counter);
  };
  const letter = { to: [bob.author], payload: hi };
  const box = sealMessage(alice, letter, { randomBytes });
  assert.deepEqual(draws, [32, 24]);
  assert.deepEqual(
    decodeBase64Url(box)!.subarray(1, 25),
    new Uint8Array(24).fill(2),
  );
  counter = 0;
  assert.equal(sealMessage(alice, letter, { randomBytes }), box);
  // Fresh randomness by default: the same letter never seals alike.
  assert.notEqual(sealMessage(alice, letter), sealMessage(alice, letter));
});

Deno.test("sealing refuses bad recipient lists with bad_recipients", () => {
  throwsReason(
    () => sealMessage(alice, { to: [bob.author, bob.author], payload: hi }),
    "bad_recipients",
    "Cannot seal message: a recipient is listed twice",
  );
  throwsReason(
    () => sealMessage(alice, { to: [], payload: hi }),
    "bad_recipients",
    "Cannot seal message: it needs 1 to 16 recipients, got 0",
  );
  throwsReason(
    () =>
      sealMessage(alice, {
        to: pool.slice(0, 17).map((keys) => keys.author),
        payload: hi,
      }),
    "bad_recipients",
    "Cannot seal message: it needs 1 to 16 recipients, got 17",
  );
  throwsReason(
    () =>
      sealMessage(alice, {
        to: bob.author as unknown as string[],
        payload: hi,
      }),
    "bad_recipients",
    "Cannot seal message: it needs 1 to 16 recipients, got none",
  );
  // 16 is fine, the sender included.
  sealMessage(alice, {
    to: pool.slice(0, 16).map((keys) => keys.author),
    payload: hi,
  });
});

Deno.test("sealing refuses recipient keys that are not usable points with bad_key", () => {
  throwsReason(
    () => sealMessage(alice, { to: ["not-a-key"], payload: hi }),
    "bad_key",
    "Cannot use recipient key: it is not 32 bytes of base64url",
  );
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const identityKey = encodeBase64Url(identity);
  assert.equal(identityKey, "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  throwsReason(
    () => sealMessage(alice, { to: [bob.author, identityKey], payload: hi }),
    "bad_key",
    "Cannot use recipient key: it is not a point of Ed25519",
  );
  const orderTwo = encodeBase64Url(
    hexToBytes(
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ),
  );
  throwsReason(
    () => sealMessage(alice, { to: [orderTwo], payload: hi }),
    "bad_key",
    "Cannot use author key: X25519 with it gives no shared secret (small order)",
  );
});

Deno.test("sealing refuses invalid payloads", () => {
  const to = [bob.author];
  throwsReason(
    () =>
      sealMessage(alice, {
        to,
        payload: { kind: "message", text: "y".repeat(5_001) },
      }),
    "text_too_long",
    "Cannot accept message: text has 5001 characters, at most 5000 allowed",
  );
  sealMessage(alice, {
    to,
    payload: { kind: "message", text: "y".repeat(5_000) },
  });
  throwsReason(
    () => sealMessage(alice, { to, payload: { kind: "message", text: "  " } }),
    "bad_payload",
    "Cannot accept message: text is empty",
  );
  throwsReason(
    () =>
      sealMessage(alice, {
        to,
        payload: { kind: "message", text: "hi", extra: 1 } as MessagePayload,
      }),
    "bad_payload",
    'Cannot accept message: a message has unknown field "extra"',
  );
  throwsReason(
    () =>
      sealMessage(alice, {
        to,
        payload: {
          kind: "message",
          text: "hi",
          group: { salt: encodeBase64Url(new Uint8Array(8)) },
        },
      }),
    "bad_payload",
    "Cannot accept message: group.salt must be 16 bytes of base64url",
  );
  throwsReason(
    () =>
      sealMessage(alice, {
        to,
        payload: { kind: "message", text: "\ud800" },
      }),
    "bad_payload",
    "Cannot accept message: text has a lone surrogate",
  );
});

Deno.test("opening says why a box cannot be opened", () => {
  const envelope = seal(alice, { to: [bob.author], payload: hi });
  const bytes = decodeBase64Url(envelope.box)!;
  throwsReason(
    () => openMessage(carol, envelope),
    "not_a_recipient",
    "Cannot open message: this key is neither its sender nor a recipient",
  );
  const v2 = bytes.slice();
  v2[0] = 2;
  throwsReason(
    () => openMessage(bob, { ...envelope, box: encodeBase64Url(v2) }),
    "bad_box",
    "Cannot open message: box version 2, expected 1",
  );
  throwsReason(
    () =>
      openMessage(bob, {
        ...envelope,
        box: encodeBase64Url(bytes.subarray(0, 136)),
      }),
    "bad_box",
    "Cannot open message: the box is shorter than 137 bytes",
  );
  throwsReason(
    () => openMessage(bob, { ...envelope, box: "*" }),
    "bad_box",
    "Cannot open message: the box is shorter than 137 bytes",
  );
  throwsReason(
    () =>
      openMessage(bob, {
        ...envelope,
        box: encodeBase64Url(bytes.subarray(0, -1)),
      }),
    "bad_box",
    "Cannot open message: the body is not a padded bucket",
  );
  throwsReason(
    () => openMessage(bob, { ...envelope, conv: "Q".repeat(43) }),
    "cannot_decrypt",
    "Cannot open message: its ciphertext does not authenticate (tampered, or not made for this key)",
  );
  throwsReason(
    () => openMessage(bob, { ...envelope, author: carol.author }),
    "cannot_decrypt",
    "Cannot open message: its ciphertext does not authenticate (tampered, or not made for this key)",
  );
  // A box made for Bob, re-addressed to Carol, is still not hers to read.
  throwsReason(
    () => openMessage(carol, { ...envelope, to: [carol.author] }),
    "cannot_decrypt",
    "Cannot open message: its ciphertext does not authenticate (tampered, or not made for this key)",
  );
});

Deno.test("a message to oneself opens for the sender", () => {
  const envelope = seal(alice, { to: [alice.author], payload: hi });
  assert.deepEqual(openMessage(alice, envelope), hi);
  assert.equal(decodeBase64Url(envelope.box)!.length, boxLength(1, 256));
  throwsReason(
    () => openMessage(bob, envelope),
    "not_a_recipient",
    "Cannot open message: this key is neither its sender nor a recipient",
  );
});
