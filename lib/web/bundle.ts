/**
 * Bundles islands for the browser with Deno's built-in bundler: one entry
 * per island file plus the hydration runtime, split into shared chunks,
 * minified, and served under a content-hashed folder so every URL can be
 * cached forever.
 *
 * @module
 */
import { dirname, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "./_internal.ts";

/** The browser code of an app's islands, in memory. */
export interface IslandBuild {
  /** Hash of every output file; part of every URL. */
  buildId: string;
  /** URL path (`/_kith/js/<buildId>/…`) to file content. */
  files: Map<string, Uint8Array<ArrayBuffer>>;
  /** URL of the hydration runtime. */
  bootUrl: string;
  /** URL of each island file's bundle, by absolute source path. */
  entryUrls: Map<string, string>;
}

/** Error thrown when the islands cannot be bundled. */
export class BundleError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "BundleError";
  }
}

/** URL prefix under which bundles are served. */
export const BUNDLE_PREFIX = "/_kith/js/";

const BOOT_ENTRY = fileURLToPath(new URL("./client/boot.ts", import.meta.url));

/**
 * Bundles `islandFiles` and the hydration runtime.
 *
 * @throws {BundleError} When Deno runs without `--unstable-bundle` or the
 * bundler reports errors (the message lists them with file and line).
 *
 * @example
 * ```ts
 * const build = await bundleIslands(["/srv/kith/islands/counter.tsx"], { dev: false });
 * build.bootUrl; // "/_kith/js/1a2b…/lib/web/client/boot.js"
 * ```
 */
export async function bundleIslands(
  islandFiles: string[],
  options: { dev?: boolean } = {},
): Promise<IslandBuild> {
  if (typeof Deno.bundle !== "function") {
    throw new BundleError(
      'Cannot bundle islands: Deno.bundle is missing; run with --unstable-bundle or add "bundle" to "unstable" in deno.json',
    );
  }
  const entrypoints = [BOOT_ENTRY, ...islandFiles];
  const outbase = commonDirectory(entrypoints);
  const outputDir = "/kith-bundle";
  const result = await Deno.bundle({
    entrypoints,
    outputDir,
    write: false,
    format: "esm",
    platform: "browser",
    codeSplitting: true,
    minify: !options.dev,
    sourcemap: options.dev ? "inline" : undefined,
  });
  if (!result.success || !result.outputFiles) {
    const messages = result.errors.map((message) =>
      message.location
        ? `${message.location.file}:${message.location.line}: ${message.text}`
        : message.text
    );
    throw new BundleError(`Cannot bundle islands:\n${messages.join("\n")}`);
  }
  const outputs = result.outputFiles
    .map((file) => ({
      relative: relative(outputDir, file.path).split(sep).join("/"),
      contents: file.contents ?? new TextEncoder().encode(file.text()),
    }))
    .sort((a, b) => (a.relative < b.relative ? -1 : 1));
  const buildId = (await sha256Hex(
    outputs.flatMap((output) => [
      new TextEncoder().encode(output.relative),
      output.contents,
    ]),
  )).slice(0, 16);
  const base = `${BUNDLE_PREFIX}${buildId}/`;
  const files = new Map(
    outputs.map((output) => [base + output.relative, output.contents]),
  );
  const urlOf = (entry: string) => {
    const url = base +
      relative(outbase, entry).split(sep).join("/").replace(
        /\.[jt]sx?$/,
        ".js",
      );
    if (!files.has(url)) {
      throw new BundleError(
        `Cannot bundle islands: the bundler wrote no output for ${entry}`,
      );
    }
    return url;
  };
  return {
    buildId,
    files,
    bootUrl: urlOf(BOOT_ENTRY),
    entryUrls: new Map(islandFiles.map((file) => [file, urlOf(file)])),
  };
}

function commonDirectory(paths: string[]): string {
  const split = paths.map((path) => dirname(path).split(sep));
  const first = split[0];
  let length = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < length && parts[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(sep) || sep;
}
