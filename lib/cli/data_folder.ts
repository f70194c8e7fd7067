/**
 * Opening an instance's data folder from the CLI, for the commands that
 * read or rewrite it (backup, reindex) and the one that fills a new one
 * (restore).
 *
 * @module
 */
import { join } from "node:path";
import { DEFAULT_CONFIG_FILE, loadConfigFile } from "../config/mod.ts";

/**
 * The data folder named by the instance's config file (`KITH_CONFIG`, or
 * `./kith.json` when it exists), or undefined when there is none.
 *
 * @throws {ConfigError} When the file is named but cannot be read, or does
 * not check, with the same message the instance would give.
 *
 * @example
 * ```ts
 * const dataDir = await configuredDataDir(Deno.env.toObject()) ?? "./data";
 * ```
 */
export async function configuredDataDir(
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const named = env.KITH_CONFIG;
  const file = await loadConfigFile(named || DEFAULT_CONFIG_FILE, {
    optional: !named,
  });
  const data = file?.values.get("data");
  return typeof data === "string" && data.trim() !== "" ? data : undefined;
}

/** The KV file of a data folder (what main.ts opens). */
export function kvPathOf(dataDir: string): string {
  return join(dataDir, "kith.kv");
}

/**
 * Opens the KV of an existing data folder.
 *
 * @throws {Error} `Cannot open the data folder <dir>: it holds no Kith
 * data; ...` when there is no kith.kv or it holds no key at all.
 *
 * @example
 * ```ts
 * const kv = await openDataFolder("./data");
 * ```
 */
export async function openDataFolder(dataDir: string): Promise<Deno.Kv> {
  const path = kvPathOf(dataDir);
  const refuse = () =>
    new Error(
      `Cannot open the data folder ${dataDir}: it holds no Kith data (no kith.kv with keys); pass --data or set KITH_DATA`,
    );
  try {
    if (!(await Deno.stat(path)).isFile) throw refuse();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw refuse();
    throw error;
  }
  const kv = await Deno.openKv(path);
  for await (const _ of kv.list({ prefix: [] }, { limit: 1 })) return kv;
  kv.close();
  throw refuse();
}

/**
 * Creates the KV of a new data folder, refusing a folder that holds
 * anything already.
 *
 * @throws {Error} `Cannot restore into <dir>: it is not empty; ...`.
 *
 * @example
 * ```ts
 * const kv = await createDataFolder("./data-new");
 * ```
 */
export async function createDataFolder(dataDir: string): Promise<Deno.Kv> {
  await assertEmptyFolder(dataDir);
  await Deno.mkdir(dataDir, { recursive: true });
  return await Deno.openKv(kvPathOf(dataDir));
}

/**
 * Checks that `dataDir` is missing or an empty folder.
 *
 * @throws {Error} `Cannot restore into <dir>: it is not empty; restore into
 * a new, empty folder` (or `: it is not a folder`).
 *
 * @example
 * ```ts
 * await assertEmptyFolder("./data-new");
 * ```
 */
export async function assertEmptyFolder(dataDir: string): Promise<void> {
  let info;
  try {
    info = await Deno.stat(dataDir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (!info.isDirectory) {
    throw new Error(`Cannot restore into ${dataDir}: it is not a folder`);
  }
  for await (const _ of Deno.readDir(dataDir)) {
    throw new Error(
      `Cannot restore into ${dataDir}: it is not empty; restore into a new, empty folder`,
    );
  }
}
