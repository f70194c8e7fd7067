/**
 * Base64url without padding (RFC 4648 §5), strict: a string decodes only
 * if it is the one canonical encoding of its bytes, so two different
 * strings can never name the same key or hash.
 *
 * @module
 */

const ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as base64url without padding.
 *
 * @example
 * ```ts
 * encodeBase64Url(new Uint8Array([255, 254])); // "__4"
 * ```
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let text = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    text += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] +
      ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    text += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    text += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] +
      ALPHABET[(n >> 6) & 63];
  }
  return text;
}

/**
 * Decodes canonical base64url without padding, or returns `undefined` when
 * `text` is not one (bad character, impossible length, padding, or unused
 * trailing bits that are not zero) or does not decode to `expectedBytes`.
 *
 * @example
 * ```ts
 * decodeBase64Url("__4", { expectedBytes: 2 }); // Uint8Array [255, 254]
 * decodeBase64Url("__5"); // undefined: trailing bits set
 * ```
 */
export function decodeBase64Url(
  text: string,
  options: { expectedBytes?: number } = {},
): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const length = Math.floor((text.length * 3) / 4);
  if (options.expectedBytes !== undefined && length !== options.expectedBytes) {
    return undefined;
  }
  const bytes = new Uint8Array(length);
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? LOOKUP[code] : -1;
    if (value === -1) return undefined;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, or several strings would decode alike.
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return bytes;
}
