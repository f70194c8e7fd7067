/**
 * Looking for secrets where they must not be: every encoding of a private
 * key (and the key it derives for messages), passphrases as typed and as
 * they travel, searched in text and in raw bytes; Deno KV dumped to text
 * with bytes written out in each encoding searched.
 *
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { encodeBase64Url } from "../lib/protocol/mod.ts";

/** A secret and every form it could leak in. */
export interface Secret {
  label: string;
  /** Text forms, searched in text and (as UTF-8) in bytes. */
  forms: string[];
  /** Raw byte forms, searched in bytes. */
  bytes: Uint8Array[];
}

/** Somewhere searched: a text, or the raw bytes of a file. */
export interface Place {
  name: string;
  text?: string;
  bytes?: Uint8Array;
}

/** A secret found somewhere. */
export interface Hit {
  secret: string;
  form: string;
  place: string;
}

/** Standard base64 with padding, as `btoa` writes it. */
const encodeBase64 = (bytes: Uint8Array) =>
  btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""));

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

/** Text forms of `bytes`: base64url, base64, hex, and halves of each. */
function textForms(bytes: Uint8Array): string[] {
  const whole = [
    encodeBase64Url(bytes),
    encodeBase64(bytes),
    hex(bytes),
    hex(bytes).toUpperCase(),
  ];
  // Halves catch a truncated key in a log line; 16 bytes never collide.
  const halves = [bytes.subarray(0, 16), bytes.subarray(16)].flatMap((
    half,
  ) => [encodeBase64Url(half), hex(half)]);
  return [...whole, ...halves];
}

/**
 * A private key (32-byte Ed25519 seed) in every form the code writes it:
 * the seed and the X25519 secret derived from it for messages, each raw
 * and as text, plus the key file's text when given.
 *
 * @example
 * ```ts
 * const secret = keySecret("alice", seed, await Deno.readTextFile(path));
 * ```
 */
export function keySecret(
  label: string,
  seed: Uint8Array,
  keyFileText?: string,
): Secret {
  const messageSecret = ed25519.utils.toMontgomerySecret(seed);
  const forms = [...textForms(seed), ...textForms(messageSecret)];
  if (keyFileText) forms.push(keyFileText.trim());
  return { label, forms, bytes: [seed, messageSecret] };
}

/**
 * A passphrase or token as typed, URL- and form-encoded, JSON-escaped and
 * in base64 (as in a Basic authorization header).
 */
export function passphraseSecret(label: string, text: string): Secret {
  const utf8 = new TextEncoder().encode(text);
  const forms = new Set([
    text,
    encodeURIComponent(text),
    new URLSearchParams({ x: text }).toString().slice(2),
    JSON.stringify(text).slice(1, -1),
    encodeBase64(utf8),
    encodeBase64Url(utf8),
  ]);
  return { label, forms: [...forms], bytes: [] };
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0];
  outer: for (
    let i = haystack.indexOf(first);
    i !== -1 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/**
 * Every secret found in every place: text forms in texts; text forms (as
 * UTF-8) and raw forms in bytes.
 *
 * @example
 * ```ts
 * assert.deepEqual(findSecrets([secret], [{ name: "stdout", text }]), []);
 * ```
 */
export function findSecrets(secrets: Secret[], places: Place[]): Hit[] {
  const encoder = new TextEncoder();
  const hits: Hit[] = [];
  for (const place of places) {
    for (const secret of secrets) {
      for (const form of secret.forms) {
        const found = place.text !== undefined && place.text.includes(form) ||
          place.bytes !== undefined &&
            indexOfBytes(place.bytes, encoder.encode(form)) >= 0;
        if (found) hits.push({ secret: secret.label, form, place: place.name });
      }
      for (const [index, raw] of secret.bytes.entries()) {
        if (place.bytes && indexOfBytes(place.bytes, raw) >= 0) {
          hits.push({
            secret: secret.label,
            form: `raw bytes #${index}`,
            place: place.name,
          });
        }
      }
    }
  }
  return hits;
}

/** JSON with bytes written as base64url and hex, and KV's own types. */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, item) => {
    if (item instanceof Uint8Array) {
      return `bytes:${encodeBase64Url(item)}:${hex(item)}`;
    }
    if (item instanceof ArrayBuffer) {
      const bytes = new Uint8Array(item);
      return `bytes:${encodeBase64Url(bytes)}:${hex(bytes)}`;
    }
    if (typeof item === "bigint") return `${item}n`;
    if (item instanceof Deno.KvU64) return `${item.value}n`;
    if (item instanceof Map) return { map: [...item.entries()] };
    if (item instanceof Set) return { set: [...item] };
    return item;
  }) ?? String(value);
}

/**
 * Every entry of the Deno KV at `path` (opened after its instance stopped),
 * one line each, keys and values as text; and how many there were.
 */
export async function dumpKv(
  path: string,
): Promise<{ text: string; entries: number }> {
  const kv = await Deno.openKv(path);
  try {
    const lines: string[] = [];
    for await (const { key, value } of kv.list({ prefix: [] })) {
      lines.push(`${stringify(key)} => ${stringify(value)}`);
    }
    return { text: lines.join("\n"), entries: lines.length };
  } finally {
    kv.close();
  }
}

/** The raw bytes of every file under `dir`, as places. */
export async function filesUnder(dir: string): Promise<Place[]> {
  const places: Place[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) places.push(...await filesUnder(path));
    else if (entry.isFile) {
      places.push({ name: `file: ${path}`, bytes: await Deno.readFile(path) });
    }
  }
  return places;
}
