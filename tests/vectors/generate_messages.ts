/**
 * Generates tests/vectors/messages.json: sealed message boxes (scheme
 * `kith-dm/v1`, lib/messages) with what every implementation must get when
 * it opens them, plus `dm` records that carry some of them.
 *
 *   deno run -A tests/vectors/generate_messages.ts
 *
 * Deterministic: secret keys are SHA-256 of `kith test vector author
 * <name>`, and the randomness a box draws (content key, then nonce) comes
 * from {@linkcode randomStream}, so re-running reproduces the file byte for
 * byte. The file is frozen: lib/messages/vectors_test.ts regenerates it in
 * memory and fails on any difference, so a change to the scheme cannot slip
 * in silently. Rewrite it only for a new scheme version.
 *
 * Cases the sealing code refuses to make (a plaintext that is not a valid
 * payload, a body that is not a bucket, version 2) are built by
 * {@linkcode sealRaw}, a second implementation of the box layout that the
 * generator first checks against `sealMessage` on every valid case.
 *
 * @module
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { sign } from "../../lib/crypto/mod.ts";
import {
  associatedData,
  encodePayload,
  type Envelope,
  groupIdOf,
  MessageError,
  type MessageErrorReason,
  MessageKeys,
  type MessagePayload,
  openMessage,
  pad,
  sealMessage,
} from "../../lib/messages/mod.ts";
import {
  canonicalize,
  createRecord,
  decodeBase64Url,
  encodeBase64Url,
} from "../../lib/protocol/mod.ts";

/** The receiver's clock for the record lines. */
export const NOW = 1_795_500_000_000;

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Deterministic stand-in for `crypto.getRandomValues`: the bytes of
 * SHA-256(UTF-8 of `kith test vector randomness <label>` ‖ counter), the
 * counter a 4-byte big-endian integer from 0, block after block, handed
 * out in order.
 */
export function randomStream(label: string): (length: number) => Uint8Array {
  const prefix = utf8(`kith test vector randomness ${label}`);
  let counter = 0;
  let buffer: Uint8Array = new Uint8Array(0);
  return (length: number) => {
    while (buffer.length < length) {
      const block = new Uint8Array(4);
      new DataView(block.buffer).setUint32(0, counter++);
      buffer = concat(buffer, sha256(concat(prefix, block)));
    }
    const out = buffer.slice(0, length);
    buffer = buffer.slice(length);
    return out;
  };
}

/** Records what a random source hands out. */
function recording(random: (length: number) => Uint8Array) {
  const draws: Uint8Array[] = [];
  return {
    draws,
    random: (length: number) => {
      const bytes = random(length);
      draws.push(bytes);
      return bytes;
    },
  };
}

const NAMES = ["alice", "bob", "carol"] as const;
type Name = typeof NAMES[number];

function identity(name: Name) {
  const label = `kith test vector author ${name}`;
  const secretKey = sha256(utf8(label));
  const keys = new MessageKeys(secretKey);
  return { name, label, secretKey, keys, key: keys.author };
}

const people = {
  alice: identity("alice"),
  bob: identity("bob"),
  carol: identity("carol"),
};
const alice = people.alice;
const bob = people.bob;
const carol = people.carol;

/**
 * Seals already padded plaintext bytes exactly as `sealMessage` lays a box
 * out (optionally with another version byte), without checking them.
 */
export function sealRaw(
  keys: MessageKeys,
  to: readonly string[],
  conv: string | undefined,
  padded: Uint8Array,
  random: (length: number) => Uint8Array,
  version = 1,
): string {
  const contentKey = random(32);
  const nonce = random(24);
  const aad = associatedData(keys.author, to, conv);
  const slots = [...to, keys.author];
  const header = new Uint8Array(1 + 24 + 48 * slots.length);
  header[0] = version;
  header.set(nonce, 1);
  slots.forEach((recipient, i) => {
    const wrapKey = keys.wrapKey(keys.author, recipient);
    header.set(
      xchacha20poly1305(wrapKey, nonce, aad).encrypt(contentKey),
      25 + 48 * i,
    );
  });
  const body = xchacha20poly1305(contentKey, nonce, concat(aad, header))
    .encrypt(padded);
  return encodeBase64Url(concat(header, body));
}

/** Pads like lib/messages but into `size` bytes, which need not be a bucket. */
function padTo(plaintext: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(plaintext);
  out[plaintext.length] = 0x80;
  return out;
}

/** The wire envelope: `conv` only when present, keys in a fixed order. */
function envelopeOf(
  author: string,
  to: readonly string[],
  conv: string | undefined,
  box: string,
): Envelope {
  return conv === undefined
    ? { author, to: [...to], box }
    : { author, to: [...to], conv, box };
}

/** A box with one bit flipped, `byte` counted in the decoded bytes. */
function flip(box: string, byte: number, bit = 0): string {
  const bytes = decodeBase64Url(box)!;
  bytes[byte] ^= 1 << bit;
  return encodeBase64Url(bytes);
}

/** The reason `reader` gets, or "ok". */
function reasonFor(reader: Name, envelope: Envelope): string {
  try {
    openMessage(people[reader].keys, envelope);
    return "ok";
  } catch (error) {
    if (error instanceof MessageError) return error.reason;
    throw error;
  }
}

interface ValidCase {
  name: string;
  description: string;
  envelope: Envelope;
  /** The payload as its canonical JSON text (the plaintext before padding). */
  plaintext: string;
  /** Bytes of the plaintext (UTF-8). */
  plaintext_bytes: number;
  /** The padded plaintext's length: its bucket. */
  padded_length: number;
  /** Bytes of the decoded box. */
  box_length: number;
  /** The randomness the box drew, base64url: content key, then nonce. */
  content_key: string;
  nonce: string;
  /** Who can open it (all to the same payload). */
  readers: Name[];
  /** Who gets `not_a_recipient`. */
  non_readers: Name[];
}

interface InvalidCase {
  name: string;
  description: string;
  envelope: Envelope;
  /** Each of these readers gets `reason`. */
  readers: Name[];
  reason: MessageErrorReason;
  /** For boxes sealed from raw bytes: the padded plaintext, hex. */
  padded_plaintext_hex?: string;
}

interface RecordCase {
  name: string;
  description: string;
  line: string;
  id: string;
  /** The valid case whose box the record carries. */
  box_case: string;
}

const CITE = {
  x25519: "RFC 7748",
  birational:
    "the Ed25519-to-Montgomery map of libsodium's crypto_sign_ed25519_pk_to_curve25519 (u = (1 + y) / (1 - y))",
  hkdf: "RFC 5869",
  xchacha: "draft-irtf-cfrg-xchacha",
  padding: "ISO/IEC 7816-4 padding (0x80 then zeros)",
  jcs: "RFC 8785 (JSON Canonicalization Scheme)",
};

function build() {
  const valid: ValidCase[] = [];
  const invalid: InvalidCase[] = [];
  const boxes = new Map<string, ValidCase>();

  const seal = (
    name: string,
    description: string,
    sender: typeof alice,
    to: readonly string[],
    conv: string | undefined,
    payload: MessagePayload,
    readers: Name[],
  ) => {
    const { draws, random } = recording(randomStream(name));
    const box = sealMessage(sender.keys, { to, conv, payload }, {
      randomBytes: random,
    });
    const plaintext = encodePayload(payload);
    const padded = pad(plaintext);
    // The second implementation must agree byte for byte.
    const raw = sealRaw(sender.keys, to, conv, padded, randomStream(name));
    if (raw !== box) throw new Error(`sealRaw disagrees on ${name}`);
    const envelope = envelopeOf(sender.key, to, conv, box);
    const item: ValidCase = {
      name,
      description,
      envelope,
      plaintext: new TextDecoder().decode(plaintext),
      plaintext_bytes: plaintext.length,
      padded_length: padded.length,
      box_length: decodeBase64Url(box)!.length,
      content_key: encodeBase64Url(draws[0]),
      nonce: encodeBase64Url(draws[1]),
      readers,
      non_readers: NAMES.filter((name) => !readers.includes(name)),
    };
    for (const reader of readers) {
      const got = openMessage(people[reader].keys, envelope);
      if (canonicalize(got) !== item.plaintext) {
        throw new Error(`${reader} cannot open ${name}`);
      }
    }
    for (const reader of item.non_readers) {
      if (reasonFor(reader, envelope) !== "not_a_recipient") {
        throw new Error(`${reader} is not refused on ${name}`);
      }
    }
    valid.push(item);
    boxes.set(name, item);
    return item;
  };

  const bad = (
    name: string,
    description: string,
    envelope: Envelope,
    readers: Name[],
    reason: MessageErrorReason,
    padded?: Uint8Array,
  ) => {
    for (const reader of readers) {
      const got = reasonFor(reader, envelope);
      if (got !== reason) {
        throw new Error(`${name}: ${reader} got ${got}, expected ${reason}`);
      }
    }
    invalid.push({
      name,
      description,
      envelope,
      readers,
      reason,
      ...(padded ? { padded_plaintext_hex: bytesToHex(padded) } : {}),
    });
  };

  // --- Valid boxes -------------------------------------------------------
  const direct = seal(
    "direct message",
    `Alice to Bob, a short text: the 256-byte bucket. One X25519 (${CITE.x25519}) ` +
      `between keys mapped from Ed25519 by ${CITE.birational}; wrap key by HKDF-SHA256 (${CITE.hkdf}); ` +
      `content key wrapped, padded payload sealed with XChaCha20-Poly1305 (${CITE.xchacha}). Two wraps: Bob's, then Alice's.`,
    alice,
    [bob.key],
    undefined,
    { kind: "message", text: "Hello, Bob! Lunch on Thursday?" },
    ["bob", "alice"],
  );
  seal(
    "text in the 512-byte bucket",
    `A 300-character text: its canonical JSON (${CITE.jcs}) is 328 bytes, so with the marker byte of ${CITE.padding} it pads to 512.`,
    alice,
    [bob.key],
    undefined,
    {
      kind: "message",
      text: "The tomatoes are finally ripe. ".repeat(10).slice(0, 300),
    },
    ["bob", "alice"],
  );
  const salt = encodeBase64Url(randomStream("group salt")(16));
  const conv = groupIdOf(alice.key, salt);
  const start = seal(
    "group start",
    "Alice starts a group with Bob and Carol: the payload carries the group's 16-byte salt and name, " +
      "and conv = groupIdOf(alice, salt) = base64url(SHA-256(`kith-dm-group/v1\\n<creator>\\n<salt>`)). " +
      "conv is part of the associated data. Three wraps: Bob's, Carol's, then Alice's.",
    alice,
    [bob.key, carol.key],
    conv,
    {
      kind: "message",
      text: "Welcome to the garden club",
      group: { salt, name: "Garden club 🌱" },
    },
    ["alice", "bob", "carol"],
  );
  const groupMessage = seal(
    "group message",
    "Bob writes to the group: recipients are the other members, conv the group id.",
    bob,
    [alice.key, carol.key],
    conv,
    {
      kind: "message",
      text: "Thanks for starting this! I can bring seedlings.",
    },
    ["alice", "bob", "carol"],
  );
  seal(
    "group leave",
    'Carol leaves the group: payload {"kind":"leave"}.',
    carol,
    [alice.key, bob.key],
    conv,
    { kind: "leave" },
    ["alice", "bob", "carol"],
  );
  seal(
    "message to self",
    "Alice to herself (to = [alice]): two wraps under the same wrap key alice->alice, " +
      "from X25519 of her own key pair.",
    alice,
    [alice.key],
    undefined,
    { kind: "message", text: "Note to self: order more seeds" },
    ["alice"],
  );
  seal(
    "unicode and emoji text",
    "Non-ASCII text is kept exactly, not normalized: NFD 'cafe\\u0301', a skin-tone modifier, " +
      "a ZWJ family and CJK, UTF-8 in canonical JSON without escapes.",
    bob,
    [alice.key],
    undefined,
    {
      kind: "message",
      text: "Grüße, Alice! 👋🏽 cafe\u0301 · 👨‍👩‍👧 · 日本語のテキスト",
    },
    ["alice", "bob"],
  );
  const pattern = Array.from("Kith 🌱 ");
  const codePoints = (count: number) =>
    Array.from({ length: count }, (_, i) => pattern[i % pattern.length]).join(
      "",
    );
  const longest = codePoints(5_000);
  seal(
    "text of 5,000 characters",
    "The longest text allowed: 5,000 characters, counted as Unicode code points " +
      `(${longest.length} UTF-16 code units, ${
        utf8(longest).length
      } UTF-8 bytes); pads to the 8,192 bucket.`,
    alice,
    [bob.key],
    undefined,
    { kind: "message", text: longest },
    ["bob", "alice"],
  );

  // --- Invalid boxes -----------------------------------------------------
  const dEnv = direct.envelope;
  const directBytes = decodeBase64Url(dEnv.box)!;
  const sEnv = start.envelope;
  const mEnv = groupMessage.envelope;
  const withBox = (envelope: Envelope, box: string): Envelope => ({
    ...envelope,
    box,
  });
  const header = (recipients: number) => 1 + 24 + 48 * (recipients + 1);

  bad(
    "bit flipped in the body",
    `One bit of the body ciphertext flipped: the Poly1305 tag fails (${CITE.xchacha}).`,
    withBox(dEnv, flip(dEnv.box, header(1) + 40, 3)),
    ["bob", "alice"],
    "cannot_decrypt",
  );
  bad(
    "bit flipped in the body's tag",
    "The last bit of the box (the body's tag) flipped.",
    withBox(dEnv, flip(dEnv.box, directBytes.length - 1, 7)),
    ["bob", "alice"],
    "cannot_decrypt",
  );
  bad(
    "bit flipped in the reader's wrap",
    "One bit of Bob's wrap (the first) flipped: Bob cannot unwrap the content key; " +
      "the others unwrap theirs, but the body is bound to the whole header, so it fails for them too.",
    withBox(sEnv, flip(sEnv.box, 25 + 10, 0)),
    ["bob", "carol", "alice"],
    "cannot_decrypt",
  );
  bad(
    "bit flipped in another recipient's wrap",
    "One bit of Carol's wrap (the second) flipped: Bob's wrap is intact, but the body's associated " +
      "data includes every wrap, so Bob (and everybody) fails.",
    withBox(sEnv, flip(sEnv.box, 25 + 48 + 20, 5)),
    ["bob", "carol", "alice"],
    "cannot_decrypt",
  );
  bad(
    "bit flipped in the sender's wrap",
    "One bit of Alice's own wrap (the last) flipped.",
    withBox(sEnv, flip(sEnv.box, 25 + 96 + 47, 1)),
    ["bob", "carol", "alice"],
    "cannot_decrypt",
  );
  bad(
    "bit flipped in the nonce",
    `One bit of the 24-byte nonce flipped, inside the 16 bytes HChaCha20 derives the subkey from (${CITE.xchacha}): every wrap and the body fail.`,
    withBox(dEnv, flip(dEnv.box, 1 + 12, 6)),
    ["bob", "alice"],
    "cannot_decrypt",
  );
  bad(
    "version byte 2",
    "A box sealed correctly in every other way but with version byte 2 (the header, version included, " +
      "is authenticated): refused before any decryption.",
    withBox(
      dEnv,
      sealRaw(
        alice.keys,
        [bob.key],
        undefined,
        pad(encodePayload({ kind: "message", text: "from the future" })),
        randomStream("version byte 2"),
        2,
      ),
    ),
    ["bob", "alice"],
    "bad_box",
  );
  bad(
    "bit flipped in the version byte",
    "Version byte 0x01 becomes 0x81.",
    withBox(dEnv, flip(dEnv.box, 0, 7)),
    ["bob", "alice"],
    "bad_box",
  );
  bad(
    "truncated by one byte",
    "The last byte dropped: the body is no longer a bucket plus a 16-byte tag.",
    withBox(dEnv, encodeBase64Url(directBytes.subarray(0, -1))),
    ["bob", "alice"],
    "bad_box",
  );
  bad(
    "shorter than its header",
    "Only the first 100 bytes: shorter than version, nonce, two wraps and a tag (137 bytes).",
    withBox(dEnv, encodeBase64Url(directBytes.subarray(0, 100))),
    ["bob", "alice"],
    "bad_box",
  );
  bad(
    "empty box",
    "The box is the empty string.",
    withBox(dEnv, ""),
    ["bob", "alice"],
    "bad_box",
  );
  bad(
    "box not base64url",
    "One character replaced by '+', which is base64 but not base64url (RFC 4648 §5).",
    withBox(dEnv, "+" + dEnv.box.slice(1)),
    ["bob", "alice"],
    "bad_box",
  );
  const oddPadded = padTo(
    encodePayload({ kind: "message", text: "not a bucket" }),
    300,
  );
  bad(
    "body not a bucket length",
    "A well-formed, authentic box whose padded plaintext is 300 bytes, not a bucket: refused by " +
      "length before decryption, so sizes can only ever reveal the bucket.",
    withBox(
      dEnv,
      sealRaw(
        alice.keys,
        [bob.key],
        undefined,
        oddPadded,
        randomStream("body not a bucket length"),
      ),
    ),
    ["bob", "alice"],
    "bad_box",
    oddPadded,
  );
  bad(
    "reader not a recipient",
    "Carol opens Alice's message to Bob: she has no wrap.",
    dEnv,
    ["carol"],
    "not_a_recipient",
  );
  bad(
    "recipients in another order",
    "The group start with to = [carol, bob]: the associated data lists recipients in order, " +
      "and each reader's wrap is found by position.",
    { ...sEnv, to: [carol.key, bob.key] },
    ["bob", "carol", "alice"],
    "cannot_decrypt",
  );
  bad(
    "a recipient dropped from the envelope",
    "The group start with to = [bob]: the header is computed from the number of recipients, " +
      "so the body is no longer a bucket.",
    { ...sEnv, to: [bob.key] },
    ["bob", "alice"],
    "bad_box",
  );
  bad(
    "conv removed",
    "Bob's group message without its conv: conv is in the associated data.",
    envelopeOf(mEnv.author, mEnv.to, undefined, mEnv.box),
    ["alice", "bob", "carol"],
    "cannot_decrypt",
  );
  bad(
    "a different conv",
    "Bob's group message claimed for another group of Alice's (another salt).",
    {
      ...mEnv,
      conv: groupIdOf(
        alice.key,
        encodeBase64Url(randomStream("other group salt")(16)),
      ),
    },
    ["alice", "bob", "carol"],
    "cannot_decrypt",
  );
  bad(
    "conv added to a direct message",
    "Alice's direct message to Bob with the group's conv added.",
    envelopeOf(dEnv.author, dEnv.to, conv, dEnv.box),
    ["bob", "alice"],
    "cannot_decrypt",
  );
  bad(
    "a different claimed author",
    "Alice's box to Bob claimed as Carol's: Bob derives the wrap key carol->bob, Carol tries " +
      "her own sender wrap (carol->carol); the sender is also in the associated data.",
    { ...dEnv, author: carol.key },
    ["bob", "carol"],
    "cannot_decrypt",
  );
  const identityPoint = new Uint8Array(32);
  identityPoint[0] = 1;
  bad(
    "author key is the identity point",
    "The claimed author is 0x01 ‖ 31 zero bytes, the Ed25519 identity: it has no Montgomery " +
      `form (1 - y = 0 in ${CITE.birational}).`,
    { ...dEnv, author: encodeBase64Url(identityPoint) },
    ["bob"],
    "bad_key",
  );
  bad(
    "author key of small order",
    `The claimed author is the Ed25519 point of order 2 (y = -1): its u is 0, and X25519 with it gives the all-zero output that ${CITE.x25519} §6.1 lets implementations refuse; Kith refuses it.`,
    {
      ...dEnv,
      author: encodeBase64Url(
        hexToBytes(
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        ),
      ),
    },
    ["bob"],
    "bad_key",
  );

  const rawPayload = (
    name: string,
    description: string,
    padded: Uint8Array,
    reason: MessageErrorReason = "bad_payload",
  ) =>
    bad(
      name,
      description,
      withBox(
        dEnv,
        sealRaw(alice.keys, [bob.key], undefined, padded, randomStream(name)),
      ),
      ["bob", "alice"],
      reason,
      padded,
    );
  const padText = (text: string) => pad(utf8(text));
  rawPayload(
    "plaintext with whitespace",
    `An authentic box whose plaintext is {"kind": "leave"}: valid JSON, not canonical (${CITE.jcs}).`,
    padText('{"kind": "leave"}'),
  );
  rawPayload(
    "plaintext keys out of order",
    `Plaintext {"text":"hi","kind":"message"}: keys not sorted (${CITE.jcs}).`,
    padText('{"text":"hi","kind":"message"}'),
  );
  rawPayload(
    "plaintext not UTF-8",
    "Plaintext bytes 0xff 0xfe: not UTF-8.",
    pad(new Uint8Array([0xff, 0xfe])),
  );
  rawPayload(
    "plaintext not JSON",
    "Plaintext `hello`.",
    padText("hello"),
  );
  rawPayload(
    "unknown payload kind",
    'Plaintext {"kind":"poll"}.',
    padText('{"kind":"poll"}'),
  );
  rawPayload(
    "unknown payload field",
    'Plaintext {"kind":"message","text":"hi","to":"bob"}: a message allows only kind, text and group.',
    padText('{"kind":"message","text":"hi","to":"bob"}'),
  );
  rawPayload(
    "leave with a text",
    'Plaintext {"kind":"leave","text":"bye"}: a leave carries nothing else.',
    padText('{"kind":"leave","text":"bye"}'),
  );
  rawPayload(
    "blank text",
    'Plaintext {"kind":"message","text":"   "}.',
    padText('{"kind":"message","text":"   "}'),
  );
  rawPayload(
    "group salt of 15 bytes",
    "A group start whose salt is 15 bytes, not 16.",
    padText(
      canonicalize({
        group: { salt: encodeBase64Url(new Uint8Array(15).fill(9)) },
        kind: "message",
        text: "hi",
      }),
    ),
  );
  rawPayload(
    "text of 5,001 characters",
    "One code point over the limit; reason text_too_long.",
    padText(canonicalize({ kind: "message", text: codePoints(5_001) })),
    "text_too_long",
  );
  const leave = encodePayload({ kind: "leave" });
  const noMarker = new Uint8Array(256);
  noMarker.set(leave);
  rawPayload(
    "padding marker missing",
    `The payload followed by zeros only, without the 0x80 marker of ${CITE.padding}.`,
    noMarker,
  );
  const trailing = pad(leave);
  trailing[255] = 0x01;
  rawPayload(
    "non-zero byte after the padding marker",
    `The payload, 0x80, zeros, then 0x01 as the last byte: ${CITE.padding} allows only zeros after the marker.`,
    trailing,
  );
  rawPayload(
    "all-zero plaintext",
    "256 zero bytes: no marker at all.",
    new Uint8Array(256),
  );

  // --- Records -----------------------------------------------------------
  const records: RecordCase[] = [];
  const logs = new Map<string, { seq: number; prev: string | null }>();
  const record = (
    name: string,
    description: string,
    who: typeof alice,
    item: ValidCase,
  ) => {
    const log = logs.get(who.key) ?? { seq: 0, prev: null };
    const { to, conv, box } = item.envelope;
    const made = createRecord(
      {
        author: who.key,
        seq: log.seq + 1,
        prev: log.prev,
        ts: NOW - 60_000 + records.length,
        type: "dm",
        content: conv === undefined
          ? { to: [...to], box }
          : { to: [...to], box, conv },
      },
      { sign: (bytes) => sign(who.secretKey, bytes) },
    );
    logs.set(who.key, { seq: log.seq + 1, prev: made.id });
    records.push({
      name,
      description,
      line: made.line,
      id: made.id,
      box_case: item.name,
    });
  };
  record(
    "direct message record",
    "Alice's first entry: a dm without conv (a direct conversation), carrying the 'direct message' box.",
    alice,
    direct,
  );
  record(
    "group start record",
    "Alice's second entry: a dm with the optional conv field (the group id), carrying the 'group start' box.",
    alice,
    start,
  );
  record(
    "group message record",
    "Bob's first entry: a dm with conv, carrying the 'group message' box.",
    bob,
    groupMessage,
  );

  return { valid, invalid, records, salt, conv };
}

/** The whole vector file, as a value. Pure apart from the fixed seeds. */
export function generateVectors() {
  const { valid, invalid, records, salt, conv } = build();
  const keys = Object.fromEntries(
    NAMES.map((name) => {
      const who = people[name];
      const montgomerySecret = ed25519.utils.toMontgomerySecret(who.secretKey);
      return [name, {
        label: who.label,
        ed25519_secret_hex: bytesToHex(who.secretKey),
        author: who.key,
        x25519_secret_hex: bytesToHex(montgomerySecret),
        x25519_public: encodeBase64Url(x25519.getPublicKey(montgomerySecret)),
      }];
    }),
  );
  const pairs: [Name, Name][] = [
    ["alice", "bob"],
    ["bob", "alice"],
    ["alice", "carol"],
    ["carol", "alice"],
    ["bob", "carol"],
    ["carol", "bob"],
    ["alice", "alice"],
  ];
  const wrapKeys = Object.fromEntries(pairs.map(([from, to]) => {
    const a = people[from].keys.wrapKey(people[from].key, people[to].key);
    const b = people[to].keys.wrapKey(people[from].key, people[to].key);
    if (bytesToHex(a) !== bytesToHex(b)) {
      throw new Error(`${from}->${to}: the two parties disagree`);
    }
    return [`${from}->${to}`, encodeBase64Url(a)];
  }));
  const shared = Object.fromEntries(
    ([["alice", "bob"], ["alice", "carol"], ["bob", "carol"]] as const).map((
      [a, b],
    ) => [
      `${a},${b}`,
      bytesToHex(
        x25519.getSharedSecret(
          ed25519.utils.toMontgomerySecret(people[a].secretKey),
          ed25519.utils.toMontgomery(decodeBase64Url(people[b].key)!),
        ),
      ),
    ]),
  );
  return {
    description:
      "Kith encrypted messages, scheme kith-dm/v1 (lib/messages, docs/messages.md): sealed boxes with what every " +
      "implementation must get when opening them. Generated by tests/vectors/generate_messages.ts from fixed seeds " +
      "and deterministic randomness; frozen (lib/messages/vectors_test.ts).",
    scheme: "kith-dm/v1",
    layout:
      "box = 0x01 ‖ nonce (24) ‖ wrap (48) for each recipient in `to` order, then one for the sender ‖ body. " +
      "wrap = XChaCha20-Poly1305(key = wrap key sender->recipient, nonce, aad).encrypt(content key (32)). " +
      "body = XChaCha20-Poly1305(key = content key, nonce, aad ‖ header).encrypt(padded payload), header = " +
      "every byte before the body. aad = UTF-8 of `kith-dm/v1\\n<sender>\\n<to joined by ,>\\n<conv or empty>`. " +
      "Padded payload = canonical JSON (RFC 8785) ‖ 0x80 ‖ zeros to the smallest bucket of 256, 512, …, 32768 " +
      "bytes that holds it (ISO/IEC 7816-4).",
    key_derivation:
      "X25519 secret = the RFC 8032 clamped scalar: SHA-512(Ed25519 seed)[0..32], clamped (RFC 7748 §5). " +
      "X25519 public = u = (1 + y) / (1 - y) of the Ed25519 public key (libsodium crypto_sign_ed25519_pk_to_curve25519); " +
      "the all-zero shared secret is refused. Wrap key sender->recipient = HKDF-SHA256 (RFC 5869) of the X25519 shared " +
      "secret, salt UTF-8 `kith-dm/v1`, info UTF-8 `kith-dm/v1 wrap` ‖ sender key (32) ‖ recipient key (32), 32 bytes.",
    randomness:
      "Each sealed box draws its content key (32 bytes) then its nonce (24 bytes) from SHA-256(UTF-8 of " +
      "`kith test vector randomness <case name>` ‖ counter as 4 bytes big-endian, from 0), block after block; " +
      "content_key and nonce give them for each valid case.",
    keys,
    x25519_shared_hex: shared,
    wrap_keys: wrapKeys,
    group: { creator: "alice", salt, conv },
    valid,
    invalid,
    records: { now: NOW, cases: records },
  };
}

/** The whole vector file as text. */
export function generateFile(): string {
  return JSON.stringify(generateVectors(), null, 2) + "\n";
}

if (import.meta.main) {
  const target = new URL("./messages.json", import.meta.url);
  await Deno.writeTextFile(target, generateFile());
  console.log(`Wrote ${target.pathname}`);
}
