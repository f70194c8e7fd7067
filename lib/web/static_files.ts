/**
 * Files in static/, indexed by URL path with a content hash, so pages can
 * link them with cache-busting URLs and answers carry strong ETags.
 *
 * @module
 */
import { join, relative, sep } from "node:path";
import { getMimeType } from "hono/utils/mime";
import type { Context, MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import { encodeHex } from "./_internal.ts";

/** One file under static/. */
export interface StaticFile {
  /** Absolute path on disk. */
  path: string;
  /** First 16 hex digits of the SHA-256 of the content. */
  hash: string;
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
}

/**
 * Reads every file under `staticDir` (dotfiles aside) into memory, keyed
 * by URL path (`/styles.css`). A missing folder gives an empty index.
 *
 * @example
 * ```ts
 * const files = await indexStaticFiles("/srv/kith/static");
 * files.get("/styles.css")?.hash;
 * ```
 */
export async function indexStaticFiles(
  staticDir: string,
): Promise<Map<string, StaticFile>> {
  const index = new Map<string, StaticFile>();
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) {
        const urlPath = "/" + relative(staticDir, path).split(sep).join("/");
        index.set(urlPath, await readStaticFile(path));
      }
    }
  };
  try {
    await walk(staticDir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return index;
}

/**
 * Reads one static file and hashes it.
 *
 * @example
 * ```ts
 * const file = await readStaticFile("/srv/kith/static/styles.css");
 * ```
 */
export async function readStaticFile(path: string): Promise<StaticFile> {
  const body = await Deno.readFile(path);
  const digest = await crypto.subtle.digest("SHA-256", body);
  return {
    path,
    hash: encodeHex(new Uint8Array(digest)).slice(0, 16),
    contentType: getMimeType(path) ?? "application/octet-stream",
    body,
  };
}

/**
 * Middleware answering GET and HEAD for files in `files`, with strong
 * ETags (Hono's `etag` answers 304) and a year of caching for `?v=<hash>`
 * URLs. In development the file is read again on every request.
 *
 * @example
 * ```ts
 * hono.use(serveStaticFiles(await indexStaticFiles(dir), { dev: false }));
 * ```
 */
export function serveStaticFiles(
  files: Map<string, StaticFile>,
  options: { dev: boolean },
): MiddlewareHandler {
  const withEtag = etag();
  return async (c, next) => {
    const known = files.get(c.req.path);
    if (!known || (c.req.method !== "GET" && c.req.method !== "HEAD")) {
      return await next();
    }
    const file = options.dev ? await readStaticFile(known.path) : known;
    await withEtag(c, () => {
      c.res = staticResponse(c, file, options.dev);
      return Promise.resolve();
    });
    return c.res;
  };
}

function staticResponse(c: Context, file: StaticFile, dev: boolean): Response {
  const versioned = c.req.query("v") === file.hash;
  return new Response(c.req.method === "HEAD" ? null : file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.body.length),
      ETag: `"${file.hash}"`,
      "Cache-Control": versioned && !dev
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
    },
  });
}
