/**
 * Ed25519 key generation and signing for Kith (RFC 8032, pure Ed25519, no
 * context or prehash). Browser-safe: no Deno APIs; randomness comes from
 * `crypto.getRandomValues`.
 *
 * @module
 */
import { ed } from "./noble.ts";

/** Length of a secret key (the RFC 8032 seed), in bytes. */
export const SECRET_KEY_LENGTH = 32;

/** A secret key (32-byte RFC 8032 seed) and its public key. */
export interface KeyPair {
  /** 32-byte seed. Keep it secret. */
  secretKey: Uint8Array;
  /** 32-byte public key, the canonical encoding of A. */
  publicKey: Uint8Array;
}

function assertSecretKey(secretKey: unknown): asserts secretKey is Uint8Array {
  if (!(secretKey instanceof Uint8Array)) {
    throw new TypeError("Cannot use secret key: it is not a Uint8Array");
  }
  if (secretKey.length !== SECRET_KEY_LENGTH) {
    throw new TypeError(
      `Cannot use secret key: it has ${secretKey.length} bytes, expected ${SECRET_KEY_LENGTH}`,
    );
  }
}

/**
 * Generates a fresh key pair from 32 bytes of `crypto.getRandomValues`.
 *
 * @throws {Error} If `crypto.getRandomValues` is unavailable.
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateKeyPair();
 * ```
 */
export function generateKeyPair(): KeyPair {
  const secretKey = crypto.getRandomValues(new Uint8Array(SECRET_KEY_LENGTH));
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

/**
 * Derives the 32-byte public key of a secret key.
 *
 * @throws {TypeError} If `secretKey` is not a 32-byte Uint8Array, e.g.
 * `Cannot use secret key: it has 31 bytes, expected 32`.
 * @example
 * ```ts
 * const publicKey = publicKeyOf(secretKey);
 * ```
 */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  assertSecretKey(secretKey);
  return ed.getPublicKey(secretKey);
}

/**
 * Signs `message` with `secretKey` (deterministic RFC 8032 Ed25519). The
 * signature always passes Kith's strict verification: S is reduced mod L
 * and R = [r]B is canonical and, except with negligible probability, not
 * small-order.
 *
 * @throws {TypeError} If `secretKey` is not a 32-byte Uint8Array (message as
 * in {@linkcode publicKeyOf}), or `message` is not a Uint8Array:
 * `Cannot sign message: it is not a Uint8Array`.
 * @example
 * ```ts
 * const signature = sign(secretKey, new TextEncoder().encode("hello"));
 * ```
 */
export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  assertSecretKey(secretKey);
  if (!(message instanceof Uint8Array)) {
    throw new TypeError("Cannot sign message: it is not a Uint8Array");
  }
  return ed.sign(message, secretKey);
}
