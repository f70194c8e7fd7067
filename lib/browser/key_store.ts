/**
 * The author's key on this device: IndexedDB holds the secret key (it never
 * leaves the browser); a cookie holds the public key so that pages rendered
 * by the server know who is signed in. Browser-only.
 *
 * @module
 */
import { publicKeyOf } from "../crypto/keys.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import { storeRequest } from "./indexed_db.ts";

const DATABASE = "kith";
const STORE = "identity";
const SLOT = "current";
/** Event fired on `globalThis` when the identity is saved or forgotten. */
export const IDENTITY_EVENT = "kith-identity";
/** Cookie naming the signed-in author (public key only). */
export const AUTHOR_COOKIE = "kith_author";

/** The key pair on this device. */
export interface StoredIdentity {
  author: string;
  secretKey: Uint8Array;
}

function run<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  return storeRequest<T>({ database: DATABASE, stores: [STORE] }, {
    store: STORE,
    mode,
    work,
  });
}

/**
 * The identity stored on this device, or null. Re-sets the author cookie
 * (it may have expired while the key stayed).
 *
 * @example
 * ```ts
 * const identity = await loadIdentity();
 * ```
 */
export async function loadIdentity(): Promise<StoredIdentity | null> {
  const secretKey = await run<Uint8Array | undefined>(
    "readonly",
    (store) => store.get(SLOT),
  );
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    return null;
  }
  const author = encodeBase64Url(publicKeyOf(secretKey));
  setAuthorCookie(author);
  return { author, secretKey };
}

/**
 * Keeps `secretKey` on this device as the current identity.
 *
 * @example
 * ```ts
 * await saveIdentity(generateKeyPair().secretKey);
 * ```
 */
export async function saveIdentity(
  secretKey: Uint8Array,
): Promise<StoredIdentity> {
  const author = encodeBase64Url(publicKeyOf(secretKey));
  await run("readwrite", (store) => store.put(secretKey, SLOT));
  setAuthorCookie(author);
  dispatchEvent(new Event(IDENTITY_EVENT));
  return { author, secretKey };
}

/** Forgets the identity on this device (the key is gone unless backed up). */
export async function forgetIdentity(): Promise<void> {
  await run("readwrite", (store) => store.delete(SLOT));
  document.cookie = `${AUTHOR_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`;
  dispatchEvent(new Event(IDENTITY_EVENT));
}

function setAuthorCookie(author: string): void {
  // Cookies ignore the port but IndexedDB does not: the value names the
  // port, so an instance on another port of this host never mistakes
  // this key for its reader.
  document.cookie = `${AUTHOR_COOKIE}=${
    location.port || "-"
  }:${author}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
