/**
 * Builds the HTTP app from a project folder with routes/, islands/ and
 * static/: Hono does routing primitives, secure headers with CSP nonces,
 * compression, ETags and body limits; this file wires file routes, their
 * middleware chains, page rendering and error pages onto it.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { compress } from "hono/compress";
import { etag } from "hono/etag";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { streamSSE } from "hono/streaming";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { prefersJson } from "./_internal.ts";
import { BUNDLE_PREFIX, type IslandBuild } from "./bundle.ts";
import { loadIslandBuild } from "./build_snapshot.ts";
import {
  type FileRoute,
  loadRouteTable,
  type RouteTable,
} from "./fs_routes.ts";
import { HttpError, toHttpError } from "./http_error.ts";
import { type IslandRegistry, loadIslands } from "./islands.ts";
import { renderPage } from "./render.ts";
import {
  indexStaticFiles,
  readStaticFile,
  type StaticFile,
} from "./static_files.ts";
import type {
  Handler,
  LayoutModule,
  Method,
  RouteContext,
  RouteModule,
} from "./types.ts";

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
  /** Called with every error that produced a 5xx answer. */
  onError?: (error: unknown, req: Request) => void;
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
const METHODS: Method[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

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
  const devToken = crypto.randomUUID();
  const assetUrl = (path: string) => {
    const file = staticFiles.get(path);
    return file && !dev ? `${path}?v=${file.hash}` : path;
  };
  const makeState = () => options.state?.() ?? {};
  const errors: AppParts = {
    routes,
    islands,
    build,
    assetUrl,
    dev,
    devToken,
    state: makeState,
    onError: options.onError,
  };

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
  if (dev) hono.get("/_kith/dev/reload", (c) => liveReload(c, devToken));
  const staticEtag = etag();
  hono.use(async (c, next) => {
    const known = staticFiles.get(c.req.path);
    if (!known || (c.req.method !== "GET" && c.req.method !== "HEAD")) {
      return await next();
    }
    // Development re-reads the file so edits show without a restart.
    const file = dev ? await readStaticFile(known.path) : known;
    await staticEtag(c, () => {
      c.res = staticResponse(c, file, dev);
      return Promise.resolve();
    });
    return c.res;
  });

  for (const route of routes.routes) {
    const limit = route.module.config?.bodyLimit ?? options.bodyLimit ??
      DEFAULT_BODY_LIMIT;
    hono.all(
      route.pattern.path,
      bodyLimit({
        maxSize: limit,
        onError: (c) => errorResponse(c, errors, route, new HttpError(413)),
      }),
      async (c) => {
        const ctx = createContext(c, route, makeState(), errors);
        try {
          const response = await runChain([
            ...route.middlewares,
            finalHandler(route),
          ], ctx);
          return c.req.method === "HEAD"
            ? new Response(null, response)
            : response;
        } catch (error) {
          return await errorResponse(c, errors, route, error);
        }
      },
    );
  }
  hono.notFound(async (c) => {
    const ctx = createContext(c, undefined, makeState(), errors);
    try {
      return await runChain([...routes.rootMiddlewares, () => {
        throw new HttpError(404);
      }], ctx);
    } catch (error) {
      return await errorResponse(c, errors, undefined, error);
    }
  });
  hono.onError((error, c) => errorResponse(c, errors, undefined, error));

  return {
    fetch: async (req, info) => await hono.fetch(req, info),
    hono,
    routes,
    islands,
    build,
  };
}

interface AppParts {
  routes: RouteTable;
  islands: IslandRegistry;
  build: () => Promise<IslandBuild>;
  assetUrl: (path: string) => string;
  dev: boolean;
  devToken: string;
  state: () => unknown;
  onError?: (error: unknown, req: Request) => void;
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

function createContext(
  c: Context,
  route: FileRoute | undefined,
  state: unknown,
  parts: AppParts,
): RouteContext<unknown> {
  const url = new URL(c.req.url);
  const ctx: RouteContext<unknown> = {
    req: c.req.raw,
    url,
    params: route ? c.req.param() as Record<string, string> : {},
    state,
    route: route?.pattern.display ?? "",
    nonce: c.get("secureHeadersNonce") ?? "",
    hono: c,
    render: async (data, init) => {
      const page = route?.module.default;
      if (!page) {
        throw new Error(
          `Cannot render "${route?.file}": it has no default page component`,
        );
      }
      const html = await renderPage({
        page,
        wrappers: wrappersFor(parts.routes, route, route.module),
        props: {
          data,
          url,
          params: ctx.params,
          state: ctx.state,
          route: ctx.route,
        },
        registry: parts.islands,
        build: parts.build,
        nonce: ctx.nonce,
        assetUrl: parts.assetUrl,
        bodyEnd: parts.dev
          ? liveReloadScript(ctx.nonce, parts.devToken)
          : undefined,
      });
      const headers = new Headers(init?.headers);
      if (!headers.has("Content-Type")) {
        headers.set("Content-Type", "text/html; charset=utf-8");
      }
      return new Response(html, {
        status: init?.status ?? 200,
        statusText: init?.statusText,
        headers,
      });
    },
    next: () =>
      Promise.reject(new Error("ctx.next() is only available in middleware")),
  };
  return ctx;
}

function wrappersFor(
  routes: RouteTable,
  route: FileRoute | undefined,
  module: RouteModule,
): LayoutModule[] {
  const layouts = route
    ? route.layouts
    : routes.rootLayout
    ? [routes.rootLayout]
    : [];
  const skipApp = module.config?.skipAppWrapper ||
    layouts.some((layout) => layout.config?.skipAppWrapper);
  return routes.app && !skipApp ? [routes.app, ...layouts] : layouts;
}

async function runChain(
  chain: Handler<unknown>[],
  ctx: RouteContext<unknown>,
): Promise<Response> {
  let last = -1;
  const dispatch = async (index: number): Promise<Response> => {
    if (index <= last) {
      throw new Error("ctx.next() was called twice in one middleware");
    }
    last = index;
    ctx.next = () => dispatch(index + 1);
    const response = await chain[index](ctx);
    if (!(response instanceof Response)) {
      throw new TypeError(
        `A handler for ${
          ctx.route || ctx.url.pathname
        } returned ${typeof response}, not a Response`,
      );
    }
    return response;
  };
  return await dispatch(0);
}

function finalHandler(route: FileRoute): Handler<unknown> {
  const { handler, default: page } = route.module;
  return (ctx) => {
    if (typeof handler === "function") return handler(ctx);
    const method = ctx.req.method as Method;
    const own = handler?.[method] ??
      (method === "HEAD" ? handler?.GET : undefined);
    if (own) return own(ctx);
    if (page && (method === "GET" || method === "HEAD")) return ctx.render();
    const allowed = METHODS.filter((name) =>
      handler?.[name] || (name === "HEAD" && handler?.GET) ||
      (page && (name === "GET" || name === "HEAD"))
    );
    throw new HttpError(
      405,
      `${route.pattern.display} accepts ${allowed.join(", ")}`,
      {
        cause: { allow: allowed.join(", ") },
      },
    );
  };
}

async function errorResponse(
  c: Context,
  parts: AppParts,
  route: FileRoute | undefined,
  thrown: unknown,
): Promise<Response> {
  const error = toHttpError(thrown);
  if (error.status >= 500) {
    (parts.onError ?? ((caught) => console.error(caught)))(thrown, c.req.raw);
  }
  const headers: Record<string, string> = {};
  const allow = (error.cause as { allow?: string } | undefined)?.allow;
  if (error.status === 405 && allow) headers.Allow = allow;
  if (prefersJson(c.req.raw, c.req.path)) {
    return c.json(
      { error: error.message, reason: error.reason },
      error.status as 500,
      headers,
    );
  }
  const table = parts.routes;
  const page = error.status === 404
    ? route?.notFoundPage ?? table.rootNotFoundPage ?? route?.errorPage ??
      table.rootErrorPage
    : route?.errorPage ?? table.rootErrorPage;
  const ctx = createContext(c, route, parts.state(), parts);
  if (page?.default) {
    for (const wrappers of [wrappersFor(table, route, page), []]) {
      try {
        const html = await renderPage({
          page: page.default,
          wrappers,
          props: {
            data: undefined,
            url: ctx.url,
            params: ctx.params,
            state: ctx.state,
            route: ctx.route,
            error,
          },
          registry: parts.islands,
          build: parts.build,
          nonce: ctx.nonce,
          assetUrl: parts.assetUrl,
        });
        return c.html(html, error.status as 500, headers);
      } catch (renderError) {
        (parts.onError ?? ((caught) => console.error(caught)))(
          renderError,
          c.req.raw,
        );
      }
    }
  }
  const text = error.message.replace(
    /[&<>"]/g,
    (char) => `&#${char.charCodeAt(0)};`,
  );
  return c.html(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${error.status}</title></head><body><h1>${error.status}</h1><p>${text}</p></body></html>`,
    error.status as 500,
    headers,
  );
}

function liveReload(c: Context, token: string): Response {
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => void (open = false));
    while (open) {
      await stream.writeSSE({ data: token });
      await stream.sleep(15_000);
    }
  });
}

function liveReloadScript(nonce: string, token: string): string {
  return `<script type="module" nonce="${nonce}">const s=new EventSource("/_kith/dev/reload");` +
    `s.onmessage=(e)=>{if(e.data!==${
      JSON.stringify(token)
    })location.reload()};</script>`;
}
