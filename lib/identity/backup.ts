/**
 * Encrypted key backups: an author's secret key sealed with a passphrase,
 * as a small JSON text that can be saved as a file or copied. scrypt
 * (N = 2^17, r = 8, p = 1) derives the key; XChaCha20-Poly1305 seals the
 * secret with the version and author as associated data, so neither can be
 * swapped. Browser-safe: no Deno APIs.
 *
 * @module
 */
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { publicKeyOf, SECRET_KEY_LENGTH } from "../crypto/mod.ts";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";

/** scrypt cost of new backups. */
export const BACKUP_COST = { N: 2 ** 17, r: 8, p: 1 } as const;
/** Highest scrypt N a backup may ask for (a larger one would exhaust memory). */
const MAX_N = 2 ** 20;
/** Lowest scrypt N accepted when restoring. */
const MIN_N = 2 ** 10;
const SALT_BYTES = 16;
const NONCE_BYTES = 24;
const encoder = new TextEncoder();

/** Why a backup cannot be made or read. */
export type BackupErrorCode =
  | "not_a_backup"
  | "unsupported_version"
  | "bad_parameters"
  | "wrong_passphrase"
  | "empty_passphrase";

/** A backup that cannot be made or restored, with a code and a message for people. */
export class BackupError extends Error {
  /** Machine-readable reason. */
  readonly code: BackupErrorCode;

  /** Creates the error. */
  constructor(code: BackupErrorCode, message: string) {
    super(message);
    this.name = "BackupError";
    this.code = code;
  }
}

/** The JSON form of a backup (version 1). */
export interface KeyBackup {
  kith: "key-backup";
  v: 1;
  /** The author's public key, base64url. */
  author: string;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  cipher: { name: "xchacha20poly1305"; nonce: string };
  /** The sealed 32-byte secret key and its 16-byte tag, base64url. */
  ciphertext: string;
}

/** Options of {@linkcode encryptBackup}; tests may lower the cost. */
export interface BackupOptions {
  cost?: { N: number; r: number; p: number };
  /** Called with progress from 0 to 1 while the key is derived. */
  onProgress?: (fraction: number) => void;
}

/**
 * Seals `secretKey` with `passphrase` into a backup text (one line of JSON).
 *
 * @throws {BackupError} `empty_passphrase` for an empty passphrase.
 * @throws {TypeError} For a secret key that is not 32 bytes.
 *
 * @example
 * ```ts
 * const text = await encryptBackup(secretKey, "correct horse battery staple");
 * ```
 */
export async function encryptBackup(
  secretKey: Uint8Array,
  passphrase: string,
  options: BackupOptions = {},
): Promise<string> {
  const author = encodeBase64Url(publicKeyOf(secretKey));
  if (passphrase.length === 0) {
    throw new BackupError(
      "empty_passphrase",
      "Cannot make a backup: choose a passphrase",
    );
  }
  const cost = options.cost ?? BACKUP_COST;
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const key = await deriveKey(passphrase, salt, cost, options.onProgress);
  const backup: KeyBackup = {
    kith: "key-backup",
    v: 1,
    author,
    kdf: { name: "scrypt", ...cost, salt: encodeBase64Url(salt) },
    cipher: { name: "xchacha20poly1305", nonce: encodeBase64Url(nonce) },
    ciphertext: encodeBase64Url(
      xchacha20poly1305(key, nonce, associatedData(author)).encrypt(secretKey),
    ),
  };
  return JSON.stringify(backup);
}

/**
 * Opens a backup text with `passphrase` and returns the secret key, after
 * checking that it belongs to the author the backup names.
 *
 * @throws {BackupError} `not_a_backup`, `unsupported_version`,
 * `bad_parameters` (a field missing or out of range) or `wrong_passphrase`
 * (also for a backup whose sealed part was changed).
 *
 * @example
 * ```ts
 * const secretKey = await decryptBackup(text, passphrase);
 * ```
 */
export async function decryptBackup(
  text: string,
  passphrase: string,
  options: Pick<BackupOptions, "onProgress"> = {},
): Promise<{ secretKey: Uint8Array; author: string }> {
  const backup = parseBackup(text);
  const salt = bytes(backup.kdf.salt, SALT_BYTES, "salt");
  const nonce = bytes(backup.cipher.nonce, NONCE_BYTES, "nonce");
  const sealed = bytes(backup.ciphertext, SECRET_KEY_LENGTH + 16, "ciphertext");
  const key = await deriveKey(passphrase, salt, backup.kdf, options.onProgress);
  let secretKey: Uint8Array;
  try {
    secretKey = xchacha20poly1305(key, nonce, associatedData(backup.author))
      .decrypt(sealed);
  } catch {
    throw new BackupError(
      "wrong_passphrase",
      "Cannot restore: the passphrase is wrong, or the backup was changed",
    );
  }
  if (encodeBase64Url(publicKeyOf(secretKey)) !== backup.author) {
    throw new BackupError(
      "bad_parameters",
      "Cannot restore: the key inside does not belong to the author the backup names",
    );
  }
  return { secretKey, author: backup.author };
}

/**
 * Reads and checks the fields of a backup text without opening it.
 *
 * @throws {BackupError} As {@linkcode decryptBackup}, except `wrong_passphrase`.
 *
 * @example
 * ```ts
 * parseBackup(text).author; // whose key this is
 * ```
 */
export function parseBackup(text: string): KeyBackup {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    throw new BackupError(
      "not_a_backup",
      "Cannot restore: this is not a Kith key backup (it is not JSON)",
    );
  }
  const backup = value as Partial<KeyBackup> | null;
  if (!backup || typeof backup !== "object" || backup.kith !== "key-backup") {
    throw new BackupError(
      "not_a_backup",
      "Cannot restore: this is not a Kith key backup",
    );
  }
  if (backup.v !== 1) {
    throw new BackupError(
      "unsupported_version",
      `Cannot restore: backup version ${backup.v} is not supported; this Kith reads version 1`,
    );
  }
  const kdf = backup.kdf;
  const { N, r, p } = kdf ?? {};
  if (
    kdf?.name !== "scrypt" || !isInt(N) || !isInt(r) || !isInt(p) ||
    N < MIN_N || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > 32 ||
    p < 1 || p > 16
  ) {
    throw new BackupError(
      "bad_parameters",
      `Cannot restore: scrypt parameters must be N a power of two from 2^10 to 2^20, r 1-32, p 1-16`,
    );
  }
  if (backup.cipher?.name !== "xchacha20poly1305") {
    throw new BackupError(
      "bad_parameters",
      "Cannot restore: the cipher must be xchacha20poly1305",
    );
  }
  if (
    typeof backup.author !== "string" ||
    decodeBase64Url(backup.author)?.length !== 32
  ) {
    throw new BackupError(
      "bad_parameters",
      "Cannot restore: author is not a 32-byte base64url key",
    );
  }
  return backup as KeyBackup;
}

function isInt(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

function bytes(value: unknown, length: number, name: string): Uint8Array {
  const decoded = typeof value === "string" ? decodeBase64Url(value) : null;
  if (!decoded || decoded.length !== length) {
    throw new BackupError(
      "bad_parameters",
      `Cannot restore: ${name} must be ${length} bytes of base64url`,
    );
  }
  return decoded;
}

function associatedData(author: string): Uint8Array {
  return encoder.encode(`kith-key-backup/v1/${author}`);
}

function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  cost: { N: number; r: number; p: number },
  onProgress?: (fraction: number) => void,
): Promise<Uint8Array> {
  // NFKC: the same passphrase typed on another keyboard gives the same key.
  return scryptAsync(passphrase.normalize("NFKC"), salt, {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    dkLen: 32,
    onProgress,
  });
}
