/**
 * The bytes an owner signs, the same in the browser, the CLI and the
 * server. Each kind starts with its own `kith-…/v1/` prefix, so a
 * signature made for one purpose (a claim, a login, an API call, a
 * record) can never pass as another. Browser-safe.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../protocol/mod.ts";

const encoder = new TextEncoder();

/** Headers of an API request signed by the owner. */
export const ADMIN_KEY_HEADER = "Kith-Admin-Key";
/** Seconds since the epoch when the request was signed. */
export const ADMIN_TIME_HEADER = "Kith-Admin-Time";
/** Base64url Ed25519 signature of {@linkcode requestMessage}. */
export const ADMIN_SIGNATURE_HEADER = "Kith-Admin-Signature";

/**
 * SHA-256 of `text` (UTF-8) as base64url: how a claim token appears in
 * what is signed and stored.
 *
 * @example
 * ```ts
 * tokenHash("abc"); // "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
 * ```
 */
export function tokenHash(text: string): string {
  return encodeBase64Url(sha256(encoder.encode(text)));
}

/**
 * What a claimant signs: the instance's origin, the claim token's hash
 * and the claimant's key.
 *
 * @example
 * ```ts
 * claimMessage("https://kith.example", { tokenHash: h, author: key });
 * ```
 */
export function claimMessage(
  origin: string,
  fields: { tokenHash: string; author: string },
): Uint8Array {
  return encoder.encode(
    `kith-claim/v1/${origin}/${fields.tokenHash}/${fields.author}`,
  );
}

/**
 * What the owner signs to log in to the admin pages: a fresh nonce from
 * the server.
 *
 * @example
 * ```ts
 * loginMessage("https://kith.example", { nonce, author: key });
 * ```
 */
export function loginMessage(
  origin: string,
  fields: { nonce: string; author: string },
): Uint8Array {
  return encoder.encode(
    `kith-login/v1/${origin}/${fields.nonce}/${fields.author}`,
  );
}

/**
 * What the owner signs for one admin API request: method, path with
 * query, time (seconds) and the SHA-256 of the body.
 *
 * @example
 * ```ts
 * requestMessage({ method: "POST", path: "/api/admin/instance", time: 1700000000, body });
 * ```
 */
export function requestMessage(
  request: { method: string; path: string; time: number; body: Uint8Array },
): Uint8Array {
  const bodyHash = encodeBase64Url(sha256(request.body));
  return encoder.encode(
    `kith-admin/v1/${request.method.toUpperCase()}/${request.path}/${request.time}/${bodyHash}`,
  );
}

/**
 * The three headers of an admin API request, signed with `sign` (the
 * owner's key).
 *
 * @example
 * ```ts
 * const headers = signRequestHeaders(
 *   { method: "POST", path: "/api/admin/instance", body },
 *   { author: key, sign: (bytes) => sign(secretKey, bytes) },
 * );
 * ```
 */
export function signRequestHeaders(
  request: { method: string; path: string; body: Uint8Array },
  signer: {
    author: string;
    sign: (bytes: Uint8Array) => Uint8Array;
    now?: number;
  },
): Record<string, string> {
  const time = Math.floor((signer.now ?? Date.now()) / 1000);
  const signature = signer.sign(requestMessage({ ...request, time }));
  return {
    [ADMIN_KEY_HEADER]: signer.author,
    [ADMIN_TIME_HEADER]: String(time),
    [ADMIN_SIGNATURE_HEADER]: encodeBase64Url(signature),
  };
}
