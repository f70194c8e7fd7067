/**
 * Reads routes/ into a route table: every route with the layouts,
 * middleware and error pages of the folders around it.
 *
 * @module
 */
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import {
  compareRoutePatterns,
  parseRoutePath,
  type RoutePattern,
  RoutePatternError,
} from "./route_pattern.ts";
import type {
  Handler,
  LayoutModule,
  Method,
  MiddlewareModule,
  RouteModule,
} from "./types.ts";

/** A route file with everything that wraps it, outermost first. */
export interface FileRoute {
  /** Path relative to routes/, e.g. `(public)/authors/[author].tsx`. */
  file: string;
  pattern: RoutePattern;
  module: RouteModule;
  layouts: LayoutModule[];
  middlewares: Handler<unknown>[];
  /** Nearest `_error` page, if any folder around the route has one. */
  errorPage?: RouteModule;
  /** Nearest `_404` page. */
  notFoundPage?: RouteModule;
}

/** All routes of an app, most specific first. */
export interface RouteTable {
  routes: FileRoute[];
  app?: LayoutModule;
  /** Root middleware, also run for URLs that match no route. */
  rootMiddlewares: Handler<unknown>[];
  /** Layout of routes/ itself, used for pages of unmatched URLs. */
  rootLayout?: LayoutModule;
  rootErrorPage?: RouteModule;
  rootNotFoundPage?: RouteModule;
}

interface FolderSpecials {
  layout?: LayoutModule;
  middlewares: Handler<unknown>[];
  errorPage?: RouteModule;
  notFoundPage?: RouteModule;
}

const SPECIALS = ["_app", "_layout", "_middleware", "_error", "_404"];
const EXTENSIONS = [".tsx", ".ts", ".jsx", ".js"];
const METHODS: readonly Method[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
];

/**
 * Scans `routesDir` and imports every route, layout, middleware and error
 * page in it. Test files (`*_test.ts`) and dotfiles are skipped.
 *
 * @throws {RoutePatternError} When a file name cannot become a route, two
 * files serve the same URL pattern, a file starts with `_` but is not one of
 * the special files, or a module exports nothing lib/web can serve.
 *
 * @example
 * ```ts
 * const table = await loadRouteTable("/srv/kith/routes");
 * table.routes.map((route) => route.pattern.display);
 * ```
 */
export async function loadRouteTable(routesDir: string): Promise<RouteTable> {
  const table: RouteTable = { routes: [], rootMiddlewares: [] };
  await walk(routesDir, routesDir, [], table);
  table.routes.sort((a, b) => compareRoutePatterns(a.pattern, b.pattern));
  for (let i = 1; i < table.routes.length; i++) {
    const [previous, current] = [table.routes[i - 1], table.routes[i]];
    if (previous.pattern.path === current.pattern.path) {
      throw new RoutePatternError(
        `Cannot load routes: "${previous.file}" and "${current.file}" both serve ${current.pattern.display}`,
      );
    }
  }
  return table;
}

async function walk(
  routesDir: string,
  dir: string,
  outer: FolderSpecials[],
  table: RouteTable,
): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  const files = entries.filter((entry) => entry.isFile && isSourceFile(entry));
  const folder: FolderSpecials = { middlewares: [] };
  const isRoot = dir === routesDir;
  for (const entry of files) {
    const name = stripExtension(entry.name);
    if (!name.startsWith("_")) continue;
    const path = join(dir, entry.name);
    const shown = relative(routesDir, path).split(sep).join("/");
    if (!SPECIALS.includes(name) || (name === "_app" && !isRoot)) {
      throw new RoutePatternError(
        `Cannot load routes: "${shown}" starts with "_" but is not one of ${
          SPECIALS.join(", ")
        } (_app only at the top); keep helpers outside routes/`,
      );
    }
    const module = await importModule(path);
    if (name === "_middleware") {
      folder.middlewares = checkMiddleware(module, shown);
    } else if (name === "_app") {
      table.app = checkComponent(module, shown);
    } else if (name === "_layout") {
      folder.layout = checkComponent(module, shown);
    } else if (name === "_error") {
      folder.errorPage = checkComponent(module, shown) as RouteModule;
    } else {
      folder.notFoundPage = checkComponent(module, shown) as RouteModule;
    }
  }
  const chain = [...outer, folder];
  if (isRoot) {
    table.rootMiddlewares = folder.middlewares;
    table.rootLayout = folder.layout;
    table.rootErrorPage = folder.errorPage;
    table.rootNotFoundPage = folder.notFoundPage;
  }
  for (const entry of files) {
    if (stripExtension(entry.name).startsWith("_")) continue;
    const path = join(dir, entry.name);
    const file = relative(routesDir, path).split(sep).join("/");
    const module = checkRoute(await importModule(path), file);
    table.routes.push({
      file,
      pattern: parseRoutePath(stripExtension(file)),
      module,
      layouts: pickLayouts(chain, module),
      middlewares: chain.flatMap((specials) => specials.middlewares),
      errorPage: chain.findLast((specials) => specials.errorPage)?.errorPage,
      notFoundPage: chain.findLast((specials) => specials.notFoundPage)
        ?.notFoundPage,
    });
  }
  for (const entry of entries) {
    if (!entry.isDirectory || entry.name.startsWith(".")) continue;
    await walk(routesDir, join(dir, entry.name), chain, table);
  }
}

function pickLayouts(
  chain: FolderSpecials[],
  module: RouteModule,
): LayoutModule[] {
  const layouts: LayoutModule[] = [];
  for (const specials of chain) {
    if (!specials.layout) continue;
    // A layout that skips inherited layouts starts the list afresh.
    if (specials.layout.config?.skipInheritedLayouts) layouts.length = 0;
    layouts.push(specials.layout);
  }
  return module.config?.skipInheritedLayouts ? [] : layouts;
}

function isSourceFile(entry: Deno.DirEntry): boolean {
  const { name } = entry;
  if (name.startsWith(".") || name.endsWith(".d.ts")) return false;
  if (!EXTENSIONS.some((extension) => name.endsWith(extension))) return false;
  return !/_test\.[jt]sx?$/.test(name);
}

function stripExtension(name: string): string {
  return name.replace(/\.[jt]sx?$/, "");
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  return await import(pathToFileURL(path).href);
}

function checkRoute(
  module: Record<string, unknown>,
  file: string,
): RouteModule {
  const { default: page, handler } = module;
  if (page === undefined && handler === undefined) {
    throw new RoutePatternError(
      `Cannot load route "${file}": it exports neither a default page component nor a handler`,
    );
  }
  if (page !== undefined && typeof page !== "function") {
    throw new RoutePatternError(
      `Cannot load route "${file}": the default export must be a component, got ${typeof page}`,
    );
  }
  if (handler !== undefined && typeof handler !== "function") {
    if (typeof handler !== "object" || handler === null) {
      throw new RoutePatternError(
        `Cannot load route "${file}": handler must be a function or an object of per-method functions`,
      );
    }
    for (const [key, value] of Object.entries(handler)) {
      if (!METHODS.includes(key as Method) || typeof value !== "function") {
        throw new RoutePatternError(
          `Cannot load route "${file}": handler.${key} is not one of ${
            METHODS.join(", ")
          } with a function`,
        );
      }
    }
  }
  return module as RouteModule;
}

function checkComponent(
  module: Record<string, unknown>,
  file: string,
): LayoutModule {
  if (typeof module.default !== "function") {
    throw new RoutePatternError(
      `Cannot load "${file}": it must export a component as default`,
    );
  }
  return module as unknown as LayoutModule;
}

function checkMiddleware(
  module: Record<string, unknown>,
  file: string,
): Handler<unknown>[] {
  const { handler } = module as Partial<MiddlewareModule>;
  const list = Array.isArray(handler) ? handler : [handler];
  if (list.length === 0 || list.some((item) => typeof item !== "function")) {
    throw new RoutePatternError(
      `Cannot load "${file}": export handler as a middleware function or an array of them`,
    );
  }
  return list as Handler<unknown>[];
}
