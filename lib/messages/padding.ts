/**
 * Length padding: a plaintext is padded to the smallest bucket that holds
 * it plus one marker byte, so ciphertext sizes reveal only the bucket.
 *
 * @module
 */
import { MessageError } from "./errors.ts";

/** Padded plaintext sizes in bytes (powers of two from 256 to 32 KiB). */
export const BUCKETS: readonly number[] = [
  256,
  512,
  1_024,
  2_048,
  4_096,
  8_192,
  16_384,
  32_768,
];

/** Largest plaintext that fits the largest bucket (one byte goes to the marker). */
export const MAX_PLAINTEXT_BYTES: number = BUCKETS[BUCKETS.length - 1] - 1;

/**
 * Pads `plaintext` ISO/IEC 7816-4 style: one 0x80 byte, then zeros up to the
 * bucket size.
 *
 * @throws {MessageError} `bad_payload` when the plaintext is over
 * {@linkcode MAX_PLAINTEXT_BYTES}.
 *
 * @example
 * ```ts
 * pad(new Uint8Array(10)).length; // 256
 * ```
 */
export function pad(plaintext: Uint8Array): Uint8Array {
  const bucket = BUCKETS.find((size) => size > plaintext.length);
  if (bucket === undefined) {
    throw new MessageError(
      "bad_payload",
      `Cannot pad message: it has ${plaintext.length} bytes, at most ${MAX_PLAINTEXT_BYTES} allowed`,
    );
  }
  const padded = new Uint8Array(bucket);
  padded.set(plaintext);
  padded[plaintext.length] = 0x80;
  return padded;
}

/**
 * Removes the padding {@linkcode pad} added.
 *
 * @throws {MessageError} `bad_payload` when the length is not a bucket or
 * the marker is missing.
 *
 * @example
 * ```ts
 * unpad(pad(bytes)); // bytes
 * ```
 */
export function unpad(padded: Uint8Array): Uint8Array {
  if (!BUCKETS.includes(padded.length)) {
    throw new MessageError(
      "bad_payload",
      `Cannot unpad message: ${padded.length} bytes is not a bucket size`,
    );
  }
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x80) {
    throw new MessageError(
      "bad_payload",
      "Cannot unpad message: the padding marker is missing",
    );
  }
  return padded.subarray(0, end);
}
