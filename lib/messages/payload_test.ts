import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeBase64Url } from "../protocol/mod.ts";
import {
  assertValidPayload,
  decodePayload,
  encodePayload,
  GROUP_NAME_CHARS,
  GROUP_SALT_BYTES,
  isValidPayload,
  MESSAGE_TEXT_CHARS,
  MessageError,
  type MessagePayload,
} from "./mod.ts";

const encoder = new TextEncoder();
const salt = encodeBase64Url(new Uint8Array(GROUP_SALT_BYTES).fill(3));

function throwsReason(fn: () => unknown, reason: string, message: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MessageError, String(error));
    assert.equal(error.reason, reason);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("payloads encode as canonical JSON and decode back", () => {
  const cases: [MessagePayload, string][] = [
    [{ kind: "leave" }, '{"kind":"leave"}'],
    [{ kind: "message", text: "hi" }, '{"kind":"message","text":"hi"}'],
    [
      { text: "hé 👋", kind: "message", group: { name: "G", salt } },
      `{"group":{"name":"G","salt":"${salt}"},"kind":"message","text":"hé 👋"}`,
    ],
    [
      { kind: "message", text: "x", group: { salt } },
      `{"group":{"salt":"${salt}"},"kind":"message","text":"x"}`,
    ],
  ];
  for (const [payload, text] of cases) {
    const bytes = encodePayload(payload);
    assert.equal(new TextDecoder().decode(bytes), text);
    assert.deepEqual(decodePayload(bytes), payload);
    assert.ok(isValidPayload(payload));
  }
});

Deno.test("text is limited to 5,000 code points, not bytes or UTF-16 units", () => {
  assert.equal(MESSAGE_TEXT_CHARS, 5_000);
  encodePayload({ kind: "message", text: "🌱".repeat(5_000) });
  throwsReason(
    () => encodePayload({ kind: "message", text: "x".repeat(5_001) }),
    "text_too_long",
    "Cannot accept message: text has 5001 characters, at most 5000 allowed",
  );
  throwsReason(
    () => encodePayload({ kind: "message", text: "🌱".repeat(5_001) }),
    "text_too_long",
    "Cannot accept message: text has 5001 characters, at most 5000 allowed",
  );
});

Deno.test("invalid payloads are refused with a message saying what is wrong", () => {
  const cases: [unknown, string][] = [
    [null, "the payload must be an object"],
    [[], "the payload must be an object"],
    ["leave", "the payload must be an object"],
    [{ kind: "poll" }, 'kind must be "message" or "leave"'],
    [{}, 'kind must be "message" or "leave"'],
    [{ kind: "leave", text: "bye" }, 'a leave has unknown field "text"'],
    [
      { kind: "message", text: "hi", to: "bob" },
      'a message has unknown field "to"',
    ],
    [{ kind: "message" }, "text must be a string"],
    [{ kind: "message", text: 5 }, "text must be a string"],
    [{ kind: "message", text: "" }, "text is empty"],
    [{ kind: "message", text: " \n\t " }, "text is empty"],
    [{ kind: "message", text: "a\u0000b" }, "text has control characters"],
    [{ kind: "message", text: "a\u007fb" }, "text has control characters"],
    [{ kind: "message", text: "a\ud800b" }, "text has a lone surrogate"],
    [{ kind: "message", text: "hi", group: null }, "group must be an object"],
    [
      { kind: "message", text: "hi", group: { salt, admin: true } },
      'group has unknown field "admin"',
    ],
    [
      { kind: "message", text: "hi", group: {} },
      "group.salt must be 16 bytes of base64url",
    ],
    [
      {
        kind: "message",
        text: "hi",
        group: { salt: encodeBase64Url(new Uint8Array(15)) },
      },
      "group.salt must be 16 bytes of base64url",
    ],
    [
      {
        kind: "message",
        text: "hi",
        group: { salt: encodeBase64Url(new Uint8Array(17)) },
      },
      "group.salt must be 16 bytes of base64url",
    ],
    [
      { kind: "message", text: "hi", group: { salt, name: "" } },
      "group.name is empty",
    ],
    [
      {
        kind: "message",
        text: "hi",
        group: { salt, name: "n".repeat(GROUP_NAME_CHARS + 1) },
      },
      "group.name has 65 characters, at most 64 allowed",
    ],
  ];
  for (const [payload, message] of cases) {
    throwsReason(
      () => assertValidPayload(payload),
      "bad_payload",
      `Cannot accept message: ${message}`,
    );
    assert.equal(isValidPayload(payload), false);
  }
});

Deno.test("a lone surrogate is a MessageError, not a canonical JSON error, when sealing", () => {
  throwsReason(
    () => encodePayload({ kind: "message", text: "\udc00" }),
    "bad_payload",
    "Cannot accept message: text has a lone surrogate",
  );
  throwsReason(
    () =>
      encodePayload({
        kind: "message",
        text: "ok",
        group: { salt, name: "\ud83c" },
      }),
    "bad_payload",
    "Cannot accept message: group.name has a lone surrogate",
  );
});

Deno.test("decodePayload refuses bytes that are not canonical JSON of a payload", () => {
  const cases: [Uint8Array, string | RegExp][] = [
    [
      encoder.encode('{"kind": "leave"}'),
      /^Cannot accept message: the plaintext is not canonical JSON \(Cannot parse canonical JSON: not canonical/,
    ],
    [
      encoder.encode('{"text":"hi","kind":"message"}'),
      /^Cannot accept message: the plaintext is not canonical JSON/,
    ],
    [
      new Uint8Array([0xff, 0xfe]),
      /^Cannot accept message: the plaintext is not canonical JSON/,
    ],
    [
      encoder.encode(""),
      /^Cannot accept message: the plaintext is not canonical JSON/,
    ],
    [
      encoder.encode('{"kind":"poll"}'),
      'Cannot accept message: kind must be "message" or "leave"',
    ],
    [
      encoder.encode('"leave"'),
      "Cannot accept message: the payload must be an object",
    ],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => decodePayload(bytes), (error: unknown) => {
      assert.ok(error instanceof MessageError, String(error));
      assert.equal(error.reason, "bad_payload");
      if (typeof message === "string") assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("property: a text is valid exactly when its payload round-trips", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 80 }),
        // Any code points, lone surrogates and controls more often than by chance.
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 0x10ffff }),
            fc.integer({ min: 0, max: 0x7f }),
            fc.integer({ min: 0xd800, max: 0xdfff }),
          ),
          { maxLength: 80 },
        ).map((points) => String.fromCodePoint(...points)),
        fc.string({ unit: "grapheme-ascii", maxLength: 80 }),
      ),
      fc.option(fc.string({ unit: "grapheme", maxLength: 70 }), {
        nil: undefined,
      }),
      (text, name) => {
        const payload = name === undefined
          ? { kind: "message", text }
          : { kind: "message", text, group: { salt, name } };
        if (!isValidPayload(payload)) {
          assert.throws(() => encodePayload(payload as MessagePayload), {
            name: "MessageError",
          });
          return;
        }
        assert.deepEqual(decodePayload(encodePayload(payload)), payload);
      },
    ),
    { numRuns: 400 },
  );
});
