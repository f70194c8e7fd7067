/**
 * One request against an IndexedDB object store, as a promise: opens the
 * database (creating its stores on first use), runs the request in its own
 * transaction and closes the database again. Browser-only.
 *
 * @module
 */

/**
 * Runs `request.work` on `request.store` of database `schema.database`
 * (version 1, created with `schema.stores`) and resolves with its result.
 *
 * @throws {Error} `Cannot open this browser's storage: …` when IndexedDB is
 * unavailable; the request's own error when it fails.
 *
 * @example
 * ```ts
 * const key = await storeRequest({ database: "kith", stores: ["identity"] }, {
 *   store: "identity", mode: "readonly", work: (s) => s.get("current"),
 * });
 * ```
 */
export async function storeRequest<T>(
  schema: { database: string; stores: readonly string[] },
  request: {
    store: string;
    mode: IDBTransactionMode;
    work: (store: IDBObjectStore) => IDBRequest;
  },
): Promise<T> {
  const { store, mode, work } = request;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(schema.database, 1);
    request.onupgradeneeded = () => {
      for (const name of schema.stores) request.result.createObjectStore(name);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new Error(`Cannot open this browser's storage: ${request.error}`));
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(store, mode).objectStore(store));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}
