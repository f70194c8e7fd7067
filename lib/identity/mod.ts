/**
 * Identity in the browser and on the command line: encrypted key backups,
 * fingerprints and handles. Browser-safe: no Deno APIs.
 *
 * @example
 * ```ts
 * import { encryptBackup, fingerprint } from "./lib/identity/mod.ts";
 * const text = await encryptBackup(secretKey, passphrase);
 * ```
 *
 * @module
 */
export {
  BACKUP_COST,
  BackupError,
  type BackupErrorCode,
  type BackupOptions,
  decryptBackup,
  encryptBackup,
  type KeyBackup,
  parseBackup,
} from "./backup.ts";
export { isConfusable } from "./confusable.ts";
export { fingerprint, handleOf } from "./handle.ts";
