/**
 * Sealing and opening a message box: the `box` of a `dm` entry.
 *
 * A fresh 32-byte content key encrypts the padded payload with
 * XChaCha20-Poly1305; the content key is wrapped once for each recipient
 * and once for the sender (so the sender can read it on another device),
 * each time under the pair's wrap key. Layout, all binary:
 *
 * ```
 * 0x01 ‖ nonce (24) ‖ wrap × (recipients + 1) (48 each) ‖ body (bucket + 16)
 * ```
 *
 * Every ciphertext is bound to the envelope (sender, recipients in order,
 * conversation) as associated data; the body is also bound to the box's
 * whole binary header (version, nonce, every wrap), so flipping any bit of a
 * box fails it for every reader. Specified in docs/messages.md.
 *
 * @module
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { LIMITS } from "../protocol/limits.ts";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";
import { MessageError } from "./errors.ts";
import { encryptionKeyOf, type MessageKeys, SCHEME } from "./keys.ts";
import { BUCKETS, pad, unpad } from "./padding.ts";
import {
  decodePayload,
  encodePayload,
  type MessagePayload,
} from "./payload.ts";

/** Version byte of the box format. */
export const BOX_VERSION = 1;
const NONCE = 24;
const WRAP = 48;
const TAG = 16;

/** The public half of a message: what its `dm` entry carries. */
export interface Envelope {
  /** The sender's author key. */
  author: string;
  /** Recipients, in the order their wraps appear. */
  to: readonly string[];
  /** Group conversation id; absent for a direct conversation. */
  conv?: string;
  /** The box, base64url. */
  box: string;
}

/** What {@linkcode sealMessage} needs besides the sender's keys. */
export interface Letter {
  to: readonly string[];
  conv?: string;
  payload: MessagePayload;
}

/**
 * The associated data every ciphertext of a box is bound to:
 * UTF-8 of `kith-dm/v1\n<sender>\n<to, comma-separated>\n<conv or empty>`.
 */
export function associatedData(
  author: string,
  to: readonly string[],
  conv?: string,
): Uint8Array {
  return new TextEncoder().encode(
    `${SCHEME}\n${author}\n${to.join(",")}\n${conv ?? ""}`,
  );
}

/** Associated data of the body: the envelope's, then the binary header. */
function bodyData(aad: Uint8Array, header: Uint8Array): Uint8Array {
  const data = new Uint8Array(aad.length + header.length);
  data.set(aad);
  data.set(header, aad.length);
  return data;
}

function assertRecipients(to: readonly string[]): void {
  if (!Array.isArray(to) || to.length < 1 || to.length > LIMITS.recipients) {
    throw new MessageError(
      "bad_recipients",
      `Cannot seal message: it needs 1 to ${LIMITS.recipients} recipients, got ${
        Array.isArray(to) ? to.length : "none"
      }`,
    );
  }
  if (new Set(to).size !== to.length) {
    throw new MessageError(
      "bad_recipients",
      "Cannot seal message: a recipient is listed twice",
    );
  }
  to.forEach((recipient) => encryptionKeyOf(recipient, "recipient"));
}

/**
 * Encrypts `letter.payload` for `letter.to` and the sender; returns the box
 * as base64url, ready for a `dm` entry's content.
 *
 * @throws {MessageError} `bad_recipients`, `bad_key`, `bad_payload` or
 * `text_too_long`, e.g. `Cannot seal message: a recipient is listed twice`.
 *
 * @example
 * ```ts
 * const box = sealMessage(keys, { to: [bob], payload: { kind: "message", text: "hi" } });
 * ```
 */
export function sealMessage(
  keys: MessageKeys,
  letter: Letter,
  options: { randomBytes?: (length: number) => Uint8Array } = {},
): string {
  assertRecipients(letter.to);
  const random = options.randomBytes ??
    ((length: number) => crypto.getRandomValues(new Uint8Array(length)));
  const padded = pad(encodePayload(letter.payload));
  const contentKey = random(32);
  const nonce = random(NONCE);
  const aad = associatedData(keys.author, letter.to, letter.conv);
  const slots = [...letter.to, keys.author];
  const out = new Uint8Array(
    1 + NONCE + WRAP * slots.length + padded.length + TAG,
  );
  out[0] = BOX_VERSION;
  out.set(nonce, 1);
  slots.forEach((recipient, i) => {
    const wrapKey = keys.wrapKey(keys.author, recipient);
    const wrap = xchacha20poly1305(wrapKey, nonce, aad).encrypt(contentKey);
    out.set(wrap, 1 + NONCE + WRAP * i);
  });
  const header = 1 + NONCE + WRAP * slots.length;
  const body = xchacha20poly1305(
    contentKey,
    nonce,
    bodyData(aad, out.subarray(0, header)),
  ).encrypt(padded);
  out.set(body, header);
  return encodeBase64Url(out);
}

/**
 * Decrypts a message for the identity of `keys`, which must be its sender
 * or one of its recipients. Fails closed: nothing is returned unless every
 * check passes.
 *
 * @throws {MessageError} `bad_box` (not a version-1 box of a valid length),
 * `not_a_recipient`, `cannot_decrypt` (tampered, or not made for this key),
 * `bad_payload`.
 *
 * @example
 * ```ts
 * const payload = openMessage(keys, { author, to, box });
 * ```
 */
export function openMessage(
  keys: MessageKeys,
  envelope: Envelope,
): MessagePayload {
  const { author, to, conv } = envelope;
  const bytes = decodeBase64Url(envelope.box);
  const slots = to.length + 1;
  const header = 1 + NONCE + WRAP * slots;
  if (!bytes || bytes.length < header + TAG) {
    throw new MessageError(
      "bad_box",
      `Cannot open message: the box is shorter than ${header + TAG} bytes`,
    );
  }
  if (bytes[0] !== BOX_VERSION) {
    throw new MessageError(
      "bad_box",
      `Cannot open message: box version ${bytes[0]}, expected ${BOX_VERSION}`,
    );
  }
  if (!BUCKETS.includes(bytes.length - header - TAG)) {
    throw new MessageError(
      "bad_box",
      "Cannot open message: the body is not a padded bucket",
    );
  }
  const slot = author === keys.author ? to.length : to.indexOf(keys.author);
  if (slot < 0) {
    throw new MessageError(
      "not_a_recipient",
      "Cannot open message: this key is neither its sender nor a recipient",
    );
  }
  const nonce = bytes.subarray(1, 1 + NONCE);
  const aad = associatedData(author, to, conv);
  const recipient = slot === to.length ? author : to[slot];
  let padded: Uint8Array;
  try {
    const wrap = bytes.subarray(
      1 + NONCE + WRAP * slot,
      1 + NONCE + WRAP * (slot + 1),
    );
    const contentKey = xchacha20poly1305(
      keys.wrapKey(author, recipient),
      nonce,
      aad,
    )
      .decrypt(wrap);
    padded = xchacha20poly1305(
      contentKey,
      nonce,
      bodyData(aad, bytes.subarray(0, header)),
    ).decrypt(bytes.subarray(header));
  } catch (error) {
    if (error instanceof MessageError && error.reason !== "cannot_decrypt") {
      throw error;
    }
    throw new MessageError(
      "cannot_decrypt",
      "Cannot open message: its ciphertext does not authenticate (tampered, or not made for this key)",
    );
  }
  return decodePayload(unpad(padded));
}
