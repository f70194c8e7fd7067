/**
 * The island build, kept on disk in `<app>/_kith/islands.json` (like
 * Fresh's `_fresh/`), so a production start serves a bundle made ahead of
 * time by `deno task build` and needs no permission to run the bundler.
 * The snapshot records a hash of the project's sources; a start whose
 * sources differ rebuilds, or, without permission to, says to run the build.
 *
 * @module
 */
import { dirname, join, relative, sep } from "node:path";
import { sha256Hex } from "./_internal.ts";
import { BundleError, bundleIslands, type IslandBuild } from "./bundle.ts";
import { loadIslands } from "./islands.ts";
import { fileURLToPath } from "node:url";

const SNAPSHOT_VERSION = 1;
const SOURCE = /\.(ts|tsx|js|jsx|mts)$|^deno\.(json|jsonc|lock)$/;
const SKIP_DIRS = new Set(["_kith", "data", "node_modules", "docs", "bench"]);

interface Snapshot {
  version: number;
  inputHash: string;
  buildId: string;
  bootUrl: string;
  /** Island file (relative to the app root) to its bundle's URL. */
  entries: Record<string, string>;
  /** URL path to JavaScript text. */
  files: Record<string, string>;
}

/**
 * Returns the island build for the app in `root`: in development always a
 * fresh one; in production the snapshot when it matches the sources, else a
 * new build that replaces the snapshot.
 *
 * @throws {BundleError} When a build is needed and cannot be made.
 *
 * @example
 * ```ts
 * const build = await loadIslandBuild(registry.files, { root: "/srv/kith" });
 * ```
 */
export async function loadIslandBuild(
  islandFiles: string[],
  options: { root: string; dev?: boolean; force?: boolean },
): Promise<IslandBuild> {
  const { root } = options;
  const configFile = await findConfigFile(root);
  if (options.dev) {
    return await bundleIslands(islandFiles, { configFile, dev: true });
  }
  const snapshotPath = join(root, "_kith", "islands.json");
  const inputHash = await hashSources(dirname(configFile));
  if (!options.force) {
    const snapshot = await readSnapshot(snapshotPath);
    if (
      snapshot?.inputHash === inputHash &&
      islandFiles.every((file) => snapshot.entries[relativeTo(root, file)])
    ) {
      return fromSnapshot(snapshot, root);
    }
  }
  const build = await bundleIslands(islandFiles, { configFile });
  await writeSnapshot(snapshotPath, toSnapshot(build, root, inputHash));
  return build;
}

/** The deno.json (or deno.jsonc) at or above `start`. */
async function findConfigFile(start: string): Promise<string> {
  for (let dir = start;; dir = dirname(dir)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      try {
        await Deno.stat(join(dir, name));
        return join(dir, name);
      } catch {
        // Keep looking upwards.
      }
    }
    if (dirname(dir) === dir) {
      throw new BundleError(
        `Cannot bundle islands: no deno.json at or above ${start}`,
      );
    }
  }
}

/** Hash of every source file of the project: anything an island could import. */
async function hashSources(projectDir: string): Promise<string> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory && !SKIP_DIRS.has(entry.name)) await walk(path);
      else if (entry.isFile && SOURCE.test(entry.name)) {
        parts.push(
          new TextEncoder().encode(relative(projectDir, path)),
          await Deno.readFile(path),
        );
      }
    }
  };
  await walk(projectDir);
  return await sha256Hex(parts);
}

async function readSnapshot(path: string): Promise<Snapshot | undefined> {
  try {
    const snapshot = JSON.parse(await Deno.readTextFile(path)) as Snapshot;
    return snapshot.version === SNAPSHOT_VERSION ? snapshot : undefined;
  } catch {
    // Missing or unreadable: build anew.
    return undefined;
  }
}

async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temporary, JSON.stringify(snapshot));
  await Deno.rename(temporary, path);
}

function relativeTo(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}

function toSnapshot(
  build: IslandBuild,
  root: string,
  inputHash: string,
): Snapshot {
  const decoder = new TextDecoder();
  return {
    version: SNAPSHOT_VERSION,
    inputHash,
    buildId: build.buildId,
    bootUrl: build.bootUrl,
    entries: Object.fromEntries(
      [...build.entryUrls].map(([file, url]) => [relativeTo(root, file), url]),
    ),
    files: Object.fromEntries(
      [...build.files].map(([url, body]) => [url, decoder.decode(body)]),
    ),
  };
}

function fromSnapshot(snapshot: Snapshot, root: string): IslandBuild {
  const encoder = new TextEncoder();
  return {
    buildId: snapshot.buildId,
    bootUrl: snapshot.bootUrl,
    entryUrls: new Map(
      Object.entries(snapshot.entries).map((
        [file, url],
      ) => [join(root, ...file.split("/")), url]),
    ),
    files: new Map(
      Object.entries(snapshot.files).map((
        [url, text],
      ) => [url, encoder.encode(text)]),
    ),
  };
}

/**
 * Builds the islands of the app in `root` and writes its `_kith/`
 * snapshot, whether or not the old one was current: `deno task build`.
 *
 * @throws {BundleError} When the islands do not bundle.
 *
 * @example
 * ```ts
 * const build = await buildApp(new URL(".", import.meta.url));
 * console.log(build.buildId);
 * ```
 */
export async function buildApp(root: string | URL): Promise<IslandBuild> {
  const dir = typeof root === "string" ? root : fileURLToPath(root);
  const islands = await loadIslands(join(dir, "islands"));
  return await loadIslandBuild(islands.files, { root: dir, force: true });
}
