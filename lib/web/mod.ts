/**
 * Kith's Fresh-shaped web layer: file routes from routes/, `_app`, nested
 * `_layout`, `_middleware`, `_error` and `_404`, islands from islands/
 * hydrated in the browser, and static/ with ETags. See docs/architecture.md.
 *
 * @example
 * ```ts
 * import { createWebApp } from "./lib/web/mod.ts";
 * const app = await createWebApp({ root: new URL(".", import.meta.url) });
 * Deno.serve(app.fetch);
 * ```
 *
 * @module
 */
export { createWebApp, type WebApp, type WebAppOptions } from "./app.ts";
export { HttpError } from "./http_error.ts";
export { asset, Head } from "./islands.ts";
export { BundleError } from "./bundle.ts";
export { buildApp } from "./build_snapshot.ts";
export { RoutePatternError } from "./route_pattern.ts";
export { SerializeError } from "./serialize.ts";
export type {
  Handler,
  Handlers,
  LayoutProps,
  Middleware,
  PageProps,
  RouteConfig,
  RouteContext,
} from "./types.ts";
