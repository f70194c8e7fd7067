import assert from "node:assert/strict";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { verifyEd25519, verifyEd25519Sync } from "../crypto/mod.ts";
import {
  canonicalize,
  decodeBase64Url,
  decodeRecord,
  encodeBase64Url,
  entryIdOfLine,
  verifyRecord,
} from "../protocol/mod.ts";
import { generateFile } from "../../tests/vectors/generate_messages.ts";
import {
  associatedData,
  conversationKeyOf,
  directConversationKey,
  encryptionKeyOf,
  type Envelope,
  groupIdOf,
  MessageError,
  MessageKeys,
  openMessage,
  pad,
  participantsOf,
  unpad,
} from "./mod.ts";

const VECTORS = new URL("../../tests/vectors/messages.json", import.meta.url);
type Name = "alice" | "bob" | "carol";
const vectors = JSON.parse(await Deno.readTextFile(VECTORS)) as {
  scheme: string;
  keys: Record<Name, {
    label: string;
    ed25519_secret_hex: string;
    author: string;
    x25519_secret_hex: string;
    x25519_public: string;
  }>;
  x25519_shared_hex: Record<string, string>;
  wrap_keys: Record<string, string>;
  group: { creator: Name; salt: string; conv: string };
  valid: {
    name: string;
    envelope: Envelope;
    plaintext: string;
    plaintext_bytes: number;
    padded_length: number;
    box_length: number;
    content_key: string;
    nonce: string;
    readers: Name[];
    non_readers: Name[];
  }[];
  invalid: {
    name: string;
    envelope: Envelope;
    readers: Name[];
    reason: string;
    padded_plaintext_hex?: string;
  }[];
  records: {
    now: number;
    cases: { name: string; line: string; id: string; box_case: string }[];
  };
};

const keysOf = Object.fromEntries(
  (Object.keys(vectors.keys) as Name[]).map((name) => [
    name,
    new MessageKeys(hexToBytes(vectors.keys[name].ed25519_secret_hex)),
  ]),
) as Record<Name, MessageKeys>;

Deno.test("the message vectors are frozen: regenerating them changes nothing", async () => {
  assert.equal(generateFile(), await Deno.readTextFile(VECTORS));
});

Deno.test("vector keys: seeds, author keys, X25519 keys, shared secrets and wrap keys", () => {
  assert.equal(vectors.scheme, "kith-dm/v1");
  for (const [name, item] of Object.entries(vectors.keys)) {
    const seed = hexToBytes(item.ed25519_secret_hex);
    assert.deepEqual(seed, sha256(new TextEncoder().encode(item.label)));
    assert.equal(item.label, `kith test vector author ${name}`);
    assert.equal(keysOf[name as Name].author, item.author);
    assert.equal(encodeBase64Url(ed25519.getPublicKey(seed)), item.author);
    assert.deepEqual(
      hexToBytes(item.x25519_secret_hex),
      ed25519.utils.toMontgomerySecret(seed),
    );
    assert.equal(
      encodeBase64Url(encryptionKeyOf(item.author)),
      item.x25519_public,
    );
    assert.equal(
      encodeBase64Url(
        x25519.getPublicKey(hexToBytes(item.x25519_secret_hex)),
      ),
      item.x25519_public,
    );
  }
  for (const [pair, hex] of Object.entries(vectors.x25519_shared_hex)) {
    const [a, b] = pair.split(",") as Name[];
    const u = (name: Name) =>
      decodeBase64Url(vectors.keys[name].x25519_public)!;
    const secret = (name: Name) =>
      hexToBytes(vectors.keys[name].x25519_secret_hex);
    assert.deepEqual(x25519.getSharedSecret(secret(a), u(b)), hexToBytes(hex));
    assert.deepEqual(x25519.getSharedSecret(secret(b), u(a)), hexToBytes(hex));
  }
  assert.ok(vectors.wrap_keys["alice->bob"] && vectors.wrap_keys["bob->alice"]);
  for (const [pair, wrapKey] of Object.entries(vectors.wrap_keys)) {
    const [from, to] = pair.split("->") as Name[];
    const sender = vectors.keys[from].author;
    const recipient = vectors.keys[to].author;
    for (const party of [from, to]) {
      assert.equal(
        encodeBase64Url(keysOf[party].wrapKey(sender, recipient)),
        wrapKey,
        `${pair} as ${party}`,
      );
    }
  }
  assert.notEqual(
    vectors.wrap_keys["alice->bob"],
    vectors.wrap_keys["bob->alice"],
  );
  assert.equal(
    groupIdOf(vectors.keys[vectors.group.creator].author, vectors.group.salt),
    vectors.group.conv,
  );
});

Deno.test("every valid vector opens for each listed reader to its payload", () => {
  assert.equal(vectors.valid.length, 8);
  for (const item of vectors.valid) {
    const bytes = decodeBase64Url(item.envelope.box)!;
    assert.equal(bytes.length, item.box_length, item.name);
    assert.equal(
      item.box_length,
      1 + 24 + 48 * (item.envelope.to.length + 1) + item.padded_length + 16,
      item.name,
    );
    assert.equal(encodeBase64Url(bytes.subarray(1, 25)), item.nonce);
    assert.equal(decodeBase64Url(item.content_key)!.length, 32);
    const plaintext = new TextEncoder().encode(item.plaintext);
    assert.equal(plaintext.length, item.plaintext_bytes, item.name);
    assert.equal(pad(plaintext).length, item.padded_length, item.name);
    assert.ok(item.readers.length > 0);
    for (const reader of item.readers) {
      const payload = openMessage(keysOf[reader], item.envelope);
      assert.equal(
        canonicalize(payload),
        item.plaintext,
        `${item.name}: ${reader}`,
      );
      assert.deepEqual(payload, JSON.parse(item.plaintext));
    }
    for (const reader of item.non_readers) {
      assert.throws(() => openMessage(keysOf[reader], item.envelope), {
        name: "MessageError",
        message:
          "Cannot open message: this key is neither its sender nor a recipient",
      }, `${item.name}: ${reader}`);
    }
    const participants = participantsOf(item.envelope.author, item.envelope.to);
    const named = (Object.keys(keysOf) as Name[]).filter((name) =>
      participants.includes(keysOf[name].author)
    );
    assert.deepEqual([...item.readers].sort(), named.sort(), item.name);
  }
});

Deno.test("the body of a valid vector decrypts with its content key, bound to the header", async () => {
  const { xchacha20poly1305 } = await import("@noble/ciphers/chacha.js");
  for (const item of vectors.valid) {
    const { author, to, conv, box } = item.envelope;
    const bytes = decodeBase64Url(box)!;
    const header = 1 + 24 + 48 * (to.length + 1);
    const aad = associatedData(author, to, conv);
    const data = new Uint8Array([...aad, ...bytes.subarray(0, header)]);
    const padded = xchacha20poly1305(
      decodeBase64Url(item.content_key)!,
      bytes.subarray(1, 25),
      data,
    ).decrypt(bytes.subarray(header));
    assert.equal(new TextDecoder().decode(unpad(padded)), item.plaintext);
  }
});

Deno.test("every invalid vector gives each listed reader its reason", () => {
  assert.ok(vectors.invalid.length >= 30);
  const reasons = new Set(vectors.invalid.map((item) => item.reason));
  for (
    const reason of [
      "bad_box",
      "not_a_recipient",
      "cannot_decrypt",
      "bad_payload",
      "text_too_long",
      "bad_key",
    ]
  ) {
    assert.ok(reasons.has(reason), reason);
  }
  for (const item of vectors.invalid) {
    assert.ok(item.readers.length > 0);
    for (const reader of item.readers) {
      assert.throws(
        () => openMessage(keysOf[reader], item.envelope),
        (error: unknown) => {
          assert.ok(error instanceof MessageError, String(error));
          assert.equal(error.reason, item.reason, `${item.name}: ${reader}`);
          return true;
        },
        `${item.name}: ${reader}`,
      );
    }
  }
});

Deno.test("dm record vectors verify with both verifiers, give their ids and carry their boxes", async () => {
  const { now, cases } = vectors.records;
  assert.equal(cases.length, 3);
  assert.ok(cases.some((item) => item.line.includes('"conv":')));
  assert.ok(cases.some((item) => !item.line.includes('"conv":')));
  for (const item of cases) {
    const decoded = decodeRecord(item.line, { now });
    assert.equal(decoded.id, item.id, item.name);
    assert.equal(decoded.entry.type, "dm");
    for (const verify of [verifyEd25519, verifyEd25519Sync]) {
      const record = await verifyRecord(item.line, { now, verify });
      assert.equal(record.id, item.id, item.name);
    }
    assert.equal(entryIdOfLine(item.line), item.id);
    const source = vectors.valid.find((valid) => valid.name === item.box_case)!;
    const content = decoded.content as {
      to: string[];
      box: string;
      conv?: string;
    };
    assert.equal(decoded.entry.author, source.envelope.author);
    assert.deepEqual(
      { author: decoded.entry.author, ...content },
      source.envelope,
      item.name,
    );
    assert.equal(
      conversationKeyOf(decoded.entry.author, content),
      content.conv === undefined
        ? directConversationKey(decoded.entry.author, content.to)
        : vectors.group.conv,
    );
    for (const reader of source.readers) {
      assert.equal(
        canonicalize(
          openMessage(keysOf[reader], {
            author: decoded.entry.author,
            ...content,
          }),
        ),
        source.plaintext,
      );
    }
  }
});
