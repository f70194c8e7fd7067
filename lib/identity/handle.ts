/**
 * How an author key is shown to people: a short fingerprint to compare
 * out loud, and a readable handle (the profile name when there is one).
 * Browser-safe: no Deno APIs.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64Url } from "../protocol/mod.ts";
import { isConfusable } from "./confusable.ts";

// Crockford's base32: no I, L, O or U, so nothing reads as another letter.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The fingerprint of an author key: 40 bits of its SHA-256 in Crockford
 * base32, as two groups of four, e.g. `7K2M-QX9D`.
 *
 * @throws {TypeError} When `author` is not a 32-byte base64url key.
 *
 * @example
 * ```ts
 * fingerprint(author); // "7K2M-QX9D"
 * ```
 */
export function fingerprint(author: string): string {
  const known = remembered.get(author);
  if (known) return known;
  const key = decodeBase64Url(author);
  if (!key || key.length !== 32) {
    throw new TypeError(
      `Cannot fingerprint "${
        author.slice(0, 12)
      }": not a 32-byte base64url author key`,
    );
  }
  const digest = sha256(key);
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i]);
  let out = "";
  for (let i = 7; i >= 0; i--) {
    out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  }
  const print = `${out.slice(0, 4)}-${out.slice(4)}`;
  // Pages show the same few authors over and over; a hash each is waste.
  if (remembered.size >= REMEMBERED) remembered.clear();
  remembered.set(author, print);
  return print;
}

const REMEMBERED = 10_000;
const remembered = new Map<string, string>();

/**
 * The handle shown for an author: `@name` from their profile when it has
 * one usable for mentions, otherwise `@` and the fingerprint. A name whose
 * letters could pass for another's (mixed scripts such as a Cyrillic `а`
 * among Latin letters, or Cyrillic letters that all look Latin) gets no
 * handle of its own: it goes by its fingerprint, so `@аda` can never stand
 * beside `@ada`.
 *
 * @example
 * ```ts
 * handleOf(author, { name: "Ada Lovelace" }); // "@ada_lovelace"
 * handleOf(author); // "@7k2m-qx9d"
 * handleOf(author, { name: "\u0430da" }); // "@7k2m-qx9d"
 * ```
 */
export function handleOf(
  author: string,
  profile: { name?: unknown } = {},
): string {
  // Profiles come from stores that may predate today's checks.
  const raw = typeof profile.name === "string" ? profile.name : "";
  const name = raw.normalize("NFKC").toLowerCase().trim()
    .replace(/\s+/g, "_").replace(/[^\p{L}\p{N}_]/gu, "").slice(0, 30);
  if (name === "" || isConfusable(name)) {
    return `@${fingerprint(author).toLowerCase()}`;
  }
  return `@${name}`;
}
