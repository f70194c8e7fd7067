/**
 * Helpers shared inside lib/ledger: hashing to ids, key checks, integers.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { canonicalBytes } from "../protocol/canonical_json.ts";
import { decodeBase64Url, encodeBase64Url } from "../protocol/base64url.ts";
import { LedgerError, type LedgerErrorReason } from "./errors.ts";

const encoder = new TextEncoder();

/** SHA-256 of the canonical JSON of `value`, base64url (43 characters). */
export function hashId(value: unknown): string {
  return encodeBase64Url(sha256(canonicalBytes(value)));
}

/** Domain-separated signing bytes: `prefix` + "\n" + canonical JSON. */
export function domainBytes(prefix: string, value: unknown): Uint8Array {
  const head = encoder.encode(prefix + "\n");
  const body = canonicalBytes(value);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** Whether `value` is a 43-character base64url string of 32 bytes. */
export function isKey(value: unknown): value is string {
  return typeof value === "string" && value.length === 43 &&
    decodeBase64Url(value)?.length === 32;
}

/** Whether `value` is a plain (non-array, non-null) object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` is a safe integer ≥ `min`. */
export function isInteger(value: unknown, min = 0): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min;
}

/** Throws a {@linkcode LedgerError} unless `condition` holds. */
export function check(
  condition: unknown,
  reason: LedgerErrorReason,
  message: string,
): asserts condition {
  if (!condition) throw new LedgerError(reason, message);
}

/** Refuses fields of `value` outside `allowed`. */
export function onlyFields(
  value: Record<string, unknown>,
  allowed: readonly string[],
  reason: LedgerErrorReason,
  what: string,
): void {
  for (const field of Object.keys(value)) {
    check(
      allowed.includes(field),
      reason,
      `Cannot accept ${what}: unknown field "${field}"`,
    );
  }
}

/** `amount × bps / 10,000`, rounded down, in integers. */
export function share(amount: number, bps: number): number {
  return Number((BigInt(amount) * BigInt(bps)) / 10_000n);
}
