/**
 * Bundles islands for the browser: one entry per island file plus the
 * hydration runtime, split into shared chunks, minified, and served under a
 * content-hashed folder so every URL can be cached forever.
 *
 * The server compiles JSX with Deno's `precompile` transform, which renders
 * several times faster but emits templates only a server renderer
 * understands. The browser needs ordinary `jsx()` calls, so the bundler runs
 * as `deno bundle` with a copy of the project's deno.json whose only change
 * is `"jsx": "react-jsx"`.
 *
 * @module
 */
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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
 * Bundles `islandFiles` and the hydration runtime with `deno bundle`,
 * using the project's `configFile` (deno.json) with browser JSX.
 *
 * @throws {BundleError} When this process may not run the bundler or the
 * bundler reports errors (quoted in the message).
 *
 * @example
 * ```ts
 * const build = await bundleIslands(["/srv/kith/islands/counter.tsx"], { configFile: "/srv/kith/deno.json" });
 * build.bootUrl; // "/_kith/js/1a2b…/lib/web/client/boot.js"
 * ```
 */
export async function bundleIslands(
  islandFiles: string[],
  options: { configFile: string; dev?: boolean },
): Promise<IslandBuild> {
  const run = await Deno.permissions.query({
    name: "run",
    command: Deno.execPath(),
  });
  if (run.state !== "granted") {
    throw new BundleError(
      "Cannot bundle islands: this process may not run `deno bundle`; run `deno task build` first (it writes _kith/), then start",
    );
  }
  const { configFile } = options;
  const work = await Deno.makeTempDir({ prefix: "kith_bundle_" });
  try {
    const browserConfig = join(work, "deno.json");
    await Deno.writeTextFile(
      browserConfig,
      JSON.stringify(await browserConfigOf(configFile)),
    );
    const outDir = join(work, "out");
    const entrypoints = [BOOT_ENTRY, ...islandFiles];
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--config",
        browserConfig,
        "--platform",
        "browser",
        "--format",
        "esm",
        "--code-splitting",
        ...(options.dev ? ["--sourcemap", "inline"] : ["--minify"]),
        "--outdir",
        outDir,
        ...entrypoints,
      ],
      cwd: dirname(configFile),
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      // Deno appends a native backtrace that says nothing about the source.
      const text = new TextDecoder().decode(output.stderr).replace(
        /\n*Stack backtrace:[\s\S]*$/,
        "",
      ).trim();
      throw new BundleError(`Cannot bundle islands:\n${text}`);
    }
    return await collect(outDir, entrypoints);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/** The project's config with browser JSX; relative import targets made absolute. */
async function browserConfigOf(
  configFile: string,
): Promise<Record<string, unknown>> {
  const config = JSON.parse(await Deno.readTextFile(configFile));
  const base = pathToFileURL(configFile);
  const absolute = (map: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(map).map((
        [key, value],
      ) => [key, /^\.\.?\//.test(value) ? new URL(value, base).href : value]),
    );
  return {
    imports: absolute(config.imports),
    compilerOptions: {
      ...config.compilerOptions,
      jsx: "react-jsx",
      jsxPrecompileSkipElements: undefined,
    },
    nodeModulesDir: config.nodeModulesDir,
    lock: false,
  };
}

async function collect(
  outDir: string,
  entrypoints: string[],
): Promise<IslandBuild> {
  const outputs: { relative: string; contents: Uint8Array<ArrayBuffer> }[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else {outputs.push({
          relative: relative(outDir, path).split(sep).join("/"),
          contents: await Deno.readFile(path),
        });}
    }
  };
  await walk(outDir);
  outputs.sort((a, b) => (a.relative < b.relative ? -1 : 1));
  const buildId = (await sha256Hex(
    outputs.flatMap((
      output,
    ) => [new TextEncoder().encode(output.relative), output.contents]),
  )).slice(0, 16);
  const base = `${BUNDLE_PREFIX}${buildId}/`;
  const files = new Map(
    outputs.map((output) => [base + output.relative, output.contents]),
  );
  const outbase = commonDirectory(entrypoints);
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
    entryUrls: new Map(entrypoints.slice(1).map((file) => [file, urlOf(file)])),
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
