/**
 * `deno task build`: bundles the islands ahead of time into `_kith/`, so
 * `deno task start` serves them without permission to run the bundler.
 *
 * @module
 */
import { buildApp } from "./lib/web/mod.ts";

if (import.meta.main) {
  const started = performance.now();
  const build = await buildApp(new URL(".", import.meta.url));
  const bytes = [...build.files.values()].reduce(
    (sum, file) => sum + file.length,
    0,
  );
  console.log(
    `Built ${build.entryUrls.size} island files into _kith/ (${build.files.size} scripts, ${
      (bytes / 1024).toFixed(1)
    } KB, build ${build.buildId}) in ${
      (performance.now() - started).toFixed(0)
    } ms`,
  );
}
