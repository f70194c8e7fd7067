/**
 * What a message says once decrypted: its payload, canonical JSON inside
 * the box. The server never sees it.
 *
 * @module
 */
import {
  canonicalBytes,
  decodeBase64Url,
  parseCanonical,
} from "../protocol/mod.ts";
import { MessageError } from "./errors.ts";

/** Characters (code points) of a message's text. */
export const MESSAGE_TEXT_CHARS = 5_000;
/** Characters of a group's name. */
export const GROUP_NAME_CHARS = 64;
/** Bytes of a group's salt. */
export const GROUP_SALT_BYTES = 16;

/** Starts a group: sent once, by its creator, in the group's first message. */
export interface GroupStart {
  /** 16 random bytes, base64url; with the creator's key it makes the group id. */
  salt: string;
  /** Shown as the conversation's title. */
  name?: string;
}

/** A decrypted message. */
export type MessagePayload =
  | { kind: "message"; text: string; group?: GroupStart }
  | { kind: "leave" };

function fail(
  message: string,
  reason: "bad_payload" | "text_too_long" = "bad_payload",
): never {
  throw new MessageError(reason, `Cannot accept message: ${message}`);
}

function chars(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function checkText(value: unknown, path: string, max: number): void {
  if (typeof value !== "string") fail(`${path} must be a string`);
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
    fail(`${path} has control characters`);
  }
  // Canonical JSON (and UTF-8) cannot carry a lone surrogate.
  if (/\p{Surrogate}/u.test(value)) fail(`${path} has a lone surrogate`);
  if (value.trim() === "") fail(`${path} is empty`);
  const length = chars(value);
  if (length > max) {
    fail(
      `${path} has ${length} characters, at most ${max} allowed`,
      path === "text" ? "text_too_long" : "bad_payload",
    );
  }
}

function onlyKeys(value: object, allowed: string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${path} has unknown field "${key}"`);
  }
}

/**
 * Checks that `value` is a valid {@linkcode MessagePayload}.
 *
 * @throws {MessageError} `bad_payload` or `text_too_long`, e.g.
 * `Cannot accept message: text has 5001 characters, at most 5000 allowed`.
 *
 * @example
 * ```ts
 * assertValidPayload({ kind: "message", text: "hi" });
 * ```
 */
export function assertValidPayload(
  value: unknown,
): asserts value is MessagePayload {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail("the payload must be an object");
  }
  const payload = value as Record<string, unknown>;
  if (payload.kind === "leave") {
    onlyKeys(payload, ["kind"], "a leave");
    return;
  }
  if (payload.kind !== "message") fail('kind must be "message" or "leave"');
  onlyKeys(payload, ["kind", "text", "group"], "a message");
  checkText(payload.text, "text", MESSAGE_TEXT_CHARS);
  if (!Object.hasOwn(payload, "group")) return;
  const group = payload.group;
  if (group === null || typeof group !== "object" || Array.isArray(group)) {
    fail("group must be an object");
  }
  onlyKeys(group, ["salt", "name"], "group");
  const { salt, name } = group as Record<string, unknown>;
  if (
    typeof salt !== "string" ||
    decodeBase64Url(salt, { expectedBytes: GROUP_SALT_BYTES }) === undefined
  ) {
    fail(`group.salt must be ${GROUP_SALT_BYTES} bytes of base64url`);
  }
  if (Object.hasOwn(group, "name")) {
    checkText(name, "group.name", GROUP_NAME_CHARS);
  }
}

/** Whether `value` is a valid {@linkcode MessagePayload}. */
export function isValidPayload(value: unknown): value is MessagePayload {
  try {
    assertValidPayload(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The canonical UTF-8 bytes of a payload, checked first.
 *
 * @throws {MessageError} As {@linkcode assertValidPayload}.
 *
 * @example
 * ```ts
 * encodePayload({ kind: "leave" }); // bytes of {"kind":"leave"}
 * ```
 */
export function encodePayload(payload: MessagePayload): Uint8Array {
  assertValidPayload(payload);
  return canonicalBytes(payload);
}

/**
 * Reads a payload from its canonical UTF-8 bytes.
 *
 * @throws {MessageError} `bad_payload` when the bytes are not canonical
 * JSON of a valid payload.
 *
 * @example
 * ```ts
 * decodePayload(encodePayload({ kind: "leave" })); // { kind: "leave" }
 * ```
 */
export function decodePayload(bytes: Uint8Array): MessagePayload {
  let value: unknown;
  try {
    value = parseCanonical(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    );
  } catch (error) {
    fail(`the plaintext is not canonical JSON (${(error as Error).message})`);
  }
  assertValidPayload(value);
  return value;
}
