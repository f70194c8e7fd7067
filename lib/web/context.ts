/**
 * The per-request side of lib/web: the `ctx` handlers receive, middleware
 * chains, and which method of a route file answers.
 *
 * @module
 */
import type { Context } from "hono";
import type { IslandBuild } from "./bundle.ts";
import type { FileRoute, RouteTable } from "./fs_routes.ts";
import { HttpError } from "./http_error.ts";
import type { IslandRegistry } from "./islands.ts";
import { renderPage } from "./render.ts";
import { liveReloadScript } from "./dev_reload.ts";
import type {
  Handler,
  LayoutModule,
  Method,
  RouteContext,
  RouteModule,
} from "./types.ts";

/** What every request of one app shares. */
export interface AppRuntime {
  routes: RouteTable;
  islands: IslandRegistry;
  build: () => Promise<IslandBuild>;
  assetUrl: (path: string) => string;
  dev: boolean;
  devToken: string;
  state: () => unknown;
  onError?: (error: unknown, req: Request) => void;
}

const METHODS: Method[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/** Builds the `ctx` a handler, middleware or page gets. */
export function createContext(
  c: Context,
  route: FileRoute | undefined,
  state: unknown,
  parts: AppRuntime,
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

/** `_app` (unless skipped) and the layouts around a route, outermost first. */
export function wrappersFor(
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

/** Runs middleware then the handler; each `ctx.next()` calls the next one. */
export async function runChain(
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

/** The handler that ends a route's chain: per-method handler, page, or 405. */
export function finalHandler(route: FileRoute): Handler<unknown> {
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
