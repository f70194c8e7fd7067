/**
 * The contracts between lib/web and the files in routes/: what a route,
 * layout, middleware or error page exports and what it receives.
 *
 * @module
 */
import type { ComponentChildren, ComponentType } from "preact";
import type { Context as HonoContext } from "hono";

/** HTTP methods a route may handle. */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Everything a handler or middleware gets for one request. */
export interface RouteContext<State = Record<string, unknown>> {
  /** The incoming request. */
  readonly req: Request;
  /** The request's URL, parsed. */
  readonly url: URL;
  /** Values of `[param]` and `[...rest]` segments. */
  readonly params: Record<string, string>;
  /** Per-request state; middleware may add to it. */
  state: State;
  /** The matched route's pattern, e.g. `/authors/[author]`. */
  readonly route: string;
  /** The per-response CSP nonce for inline scripts. */
  readonly nonce: string;
  /** The error being shown, on error pages. */
  readonly error?: unknown;
  /** The underlying Hono context, for Hono helpers such as `streamSSE`. */
  readonly hono: HonoContext;
  /** Renders the route's page component with `data` as `props.data`. */
  render(data?: unknown, init?: ResponseInit): Promise<Response>;
  /** Runs the next middleware or the handler; middleware only. */
  next(): Promise<Response>;
}

/** A function that answers one request. */
export type Handler<State = Record<string, unknown>> = (
  ctx: RouteContext<State>,
) => Response | Promise<Response>;

/** Per-method handlers of a route file. */
export type Handlers<State = Record<string, unknown>> = Partial<
  Record<Method, Handler<State>>
>;

/** What `_middleware.ts` exports as `handler`: one function or several. */
export type Middleware<State = Record<string, unknown>> =
  | Handler<State>
  | Handler<State>[];

/** Props of a page component. */
export interface PageProps<Data = unknown, State = Record<string, unknown>> {
  /** What the handler passed to `ctx.render`. */
  data: Data;
  url: URL;
  params: Record<string, string>;
  state: State;
  route: string;
  /** The error being shown, on error pages. */
  error?: unknown;
}

/** Props of `_app` and `_layout` components: page props plus the inner tree. */
export interface LayoutProps<Data = unknown, State = Record<string, unknown>>
  extends PageProps<Data, State> {
  /** Renders whatever the layout wraps. */
  Component: () => ComponentChildren;
}

/** Per-file options a route or layout may export as `config`. */
export interface RouteConfig {
  /** Do not wrap this route in layouts of enclosing folders. */
  skipInheritedLayouts?: boolean;
  /** Do not wrap this route in `_app`. */
  skipAppWrapper?: boolean;
  /**
   * Largest request body accepted, in bytes (default 1 MiB), or a function
   * of the request when it depends on it (say, a batch content type).
   * Bodies are cut off while they stream in.
   */
  bodyLimit?: number | ((req: Request) => number);
}

/** The exports lib/web understands in a route file. */
export interface RouteModule {
  default?: ComponentType<PageProps<unknown, unknown>>;
  handler?: Handler<unknown> | Handlers<unknown>;
  config?: RouteConfig;
}

/** The exports of `_layout.tsx` or `_app.tsx`. */
export interface LayoutModule {
  default: ComponentType<LayoutProps<unknown, unknown>>;
  config?: RouteConfig;
}

/** The exports of `_middleware.ts`. */
export interface MiddlewareModule {
  handler: Middleware<unknown>;
}
