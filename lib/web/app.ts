/**
 * Builds the HTTP app from a project folder with routes/, islands/ and
 * static/: Hono does routing primitives, secure headers with CSP nonces,
 * compression, ETags and body limits; this file wires file routes, their
 * middleware chains, page rendering and error pages onto it.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { compress } from "hono/compress";
import { etag } from "hono/etag";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { limitBody } from "./body_limit.ts";
import { BUNDLE_PREFIX, type IslandBuild } from "./bundle.ts";
import { loadIslandBuild } from "./build_snapshot.ts";
import {
  type AppRuntime,
  createContext,
  finalHandler,
  runChain,
} from "./context.ts";
import { LIVE_RELOAD_PATH, liveReload } from "./dev_reload.ts";
import { csrfGuard } from "./csrf.ts";
import { errorResponse } from "./error_page.ts";
import { loadRouteTable, type RouteTable } from "./fs_routes.ts";
import { HttpError } from "./http_error.ts";
import { type IslandRegistry, loadIslands } from "./islands.ts";
import { indexStaticFiles, serveStaticFiles } from "./static_files.ts";

/** Options of {@linkcode createWebApp}. */
export interface WebAppOptions<State> {
  /** Folder holding routes/, islands/ and static/. */
  root: string | URL;
  /** Development: unminified bundles, no caching, live reload. */
  dev?: boolean;
  /** Makes each request's initial `ctx.state`. */
  state?: () => State;
  /** Default largest request body in bytes (1 MiB); routes may override. */
  bodyLimit?: number;
  /**
   * Public origins of the site besides each request's own, for the
   * cross-site check of state-changing requests.
   */
  origins?: () => string[];
  /** Called with every error that produced a 5xx answer. */
  onError?: (error: unknown, req: Request) => void;
  /** Told about every answer, for request metrics. */
  onResponse?: (event: ResponseEvent) => void;
}

/** One answer of the app, as {@linkcode WebAppOptions.onResponse} sees it. */
export interface ResponseEvent {
  /**
   * The file route's pattern in Hono's syntax (`/authors/:author`), never
   * the raw path; `(not_found)` for paths no route serves, `(static)` for
   * static files and island bundles.
   */
  route: string;
  method: string;
  status: number;
}

/** A built app: hand `fetch` to `Deno.serve`. */
export interface WebApp {
  /** Answers one request; pass Deno.serve's `info` for the client address. */
  fetch(req: Request, info?: Deno.ServeHandlerInfo): Promise<Response>;
  hono: Hono;
  routes: RouteTable;
  islands: IslandRegistry;
  /** The island bundle (built once, on first use or at start). */
  build(): Promise<IslandBuild>;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Loads routes and islands under `options.root` and returns the app. The
 * island bundle is ready before this resolves (in production from the
 * `_kith/` snapshot that `deno task build` writes, when it matches the
 * sources), so a broken island fails the start, not the first page view.
 *
 * @throws {RoutePatternError} For route files that cannot be served.
 * @throws {BundleError} When islands do not bundle.
 *
 * @example
 * ```ts
 * const app = await createWebApp({ root: new URL(".", import.meta.url) });
 * Deno.serve(app.fetch);
 * ```
 */
export async function createWebApp<State = Record<string, unknown>>(
  options: WebAppOptions<State>,
): Promise<WebApp> {
  const root = typeof options.root === "string"
    ? options.root
    : fileURLToPath(options.root);
  const dev = options.dev ?? false;
  const [routes, islands, staticFiles] = await Promise.all([
    loadRouteTable(join(root, "routes")),
    loadIslands(join(root, "islands")),
    indexStaticFiles(join(root, "static")),
  ]);
  let building: Promise<IslandBuild> | undefined;
  const build = () =>
    building ??= loadIslandBuild(islands.files, { root, dev });
  if (islands.files.length > 0) await build();

  const hono = new Hono();
  // Which file route answered each request, for onResponse.
  const routeOf = new WeakMap<Context, string>();
  const devToken = crypto.randomUUID();
  const assetUrl = (path: string) => {
    const file = staticFiles.get(path);
    return file && !dev ? `${path}?v=${file.hash}` : path;
  };
  const makeState = () => options.state?.() ?? {};
  const runtime: AppRuntime = {
    routes,
    islands,
    build,
    assetUrl,
    dev,
    devToken,
    state: makeState,
    onError: options.onError,
  };

  if (options.onResponse) {
    const report = options.onResponse;
    hono.use(async (c, next) => {
      await next();
      const route = routeOf.get(c) ?? "(static)";
      report({ route, method: c.req.method, status: c.res.status });
    });
  }
  hono.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: [NONCE, "'strict-dynamic'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      imgSrc: ["'self'", "data:", "https:"],
      styleSrc: ["'self'"],
    },
    referrerPolicy: "same-origin",
  }));
  hono.use(csrfGuard(options.origins ?? (() => [])));
  hono.use(compress());
  hono.use(varyOnEncoding);
  hono.use(`${BUNDLE_PREFIX}*`, etag());
  hono.get(`${BUNDLE_PREFIX}*`, async (c) => {
    const body = (await build()).files.get(c.req.path);
    if (!body) throw new HttpError(404, "No such script in this build");
    return c.body(body, 200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": dev ? "no-cache" : "public, max-age=31536000, immutable",
      ETag: `"${c.req.path.slice(BUNDLE_PREFIX.length).split("/")[0]}"`,
    });
  });
  if (dev) hono.get(LIVE_RELOAD_PATH, (c) => liveReload(c, devToken));
  hono.use(serveStaticFiles(staticFiles, { dev }));

  for (const route of routes.routes) {
    const chain = [...route.middlewares, finalHandler(route)];
    const limit = route.module.config?.bodyLimit ?? options.bodyLimit ??
      DEFAULT_BODY_LIMIT;
    hono.all(
      route.pattern.path,
      limitBody(typeof limit === "number" ? () => limit : limit),
      async (c) => {
        routeOf.set(c, route.pattern.path);
        const ctx = createContext(c, route, makeState(), runtime);
        try {
          const response = await runChain(chain, ctx);
          return c.req.method === "HEAD"
            ? new Response(null, response)
            : response;
        } catch (error) {
          return await errorResponse(c, runtime, route, error);
        }
      },
    );
  }
  const notFoundChain = [...routes.rootMiddlewares, () => {
    throw new HttpError(404);
  }];
  hono.notFound(async (c) => {
    routeOf.set(c, "(not_found)");
    const ctx = createContext(c, undefined, makeState(), runtime);
    try {
      return await runChain(notFoundChain, ctx);
    } catch (error) {
      return await errorResponse(c, runtime, undefined, error);
    }
  });
  hono.onError((error, c) => errorResponse(c, runtime, undefined, error));

  return {
    fetch: async (req, info) => await hono.fetch(req, info),
    hono,
    routes,
    islands,
    build,
  };
}

/**
 * Adds `Vary: Accept-Encoding` to every answer before Hono's `compress`
 * looks at it. `compress` would add it itself through `c.header()`, which
 * re-creates a finished response from its body stream: a string body then
 * goes out as a stream even when nothing is compressed, which costs about
 * half the throughput of a small page.
 */
async function varyOnEncoding(
  c: Context,
  next: () => Promise<void>,
): Promise<void> {
  await next();
  const vary = c.res.headers.get("Vary");
  if (vary && /accept-encoding|\*/i.test(vary)) return;
  try {
    c.res.headers.append("Vary", "Accept-Encoding");
  } catch {
    // Immutable headers (a proxied fetch answer): compress handles those.
  }
}
