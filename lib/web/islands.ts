/**
 * Islands on the server: finding them in islands/, and marking where they
 * render so the browser can hydrate them with the same props.
 *
 * A top-level island renders inside `<kith-island data-island="N">`, and its
 * props are kept for the page's payload. An island inside another island is
 * rendered as a plain component: the outer one hydrates it with live props.
 *
 * @module
 */
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type ComponentChildren,
  type ComponentType,
  h,
  options,
  type VNode,
} from "preact";

/** One island component: an export of a file in islands/. */
export interface Island {
  /** Unique id, `<file stem>:<export name>`, e.g. `copy_button:CopyButton`. */
  id: string;
  /** Absolute path of the island's file. */
  file: string;
  exportName: string;
  component: ComponentType<Record<string, unknown>>;
}

/** The islands of an app, found by component identity. */
export interface IslandRegistry {
  byComponent: Map<unknown, Island>;
  files: string[];
}

/** A top-level island rendered on the current page. */
export interface RenderedIsland {
  island: Island;
  props: Record<string, unknown>;
}

/** What one server render collects while it runs. */
export interface RenderState {
  registry: IslandRegistry;
  islands: RenderedIsland[];
  head: ComponentChildren[];
  assetUrl: (path: string) => string;
}

const ISLAND_EXTENSIONS = /\.[jt]sx?$/;

/**
 * Imports every file in `islandsDir` (test files aside) and registers each
 * exported component, i.e. the default export and every export whose name
 * starts with a capital letter and is a function.
 *
 * @throws {Error} When an island file exports no component.
 *
 * @example
 * ```ts
 * const registry = await loadIslands("/srv/kith/islands");
 * ```
 */
export async function loadIslands(islandsDir: string): Promise<IslandRegistry> {
  const registry: IslandRegistry = { byComponent: new Map(), files: [] };
  let names: string[];
  try {
    names = [];
    for await (const entry of Deno.readDir(islandsDir)) {
      if (
        entry.isFile && ISLAND_EXTENSIONS.test(entry.name) &&
        !/_test\.[jt]sx?$/.test(entry.name) && !entry.name.startsWith(".")
      ) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return registry;
    throw error;
  }
  for (const name of names.sort()) {
    const file = join(islandsDir, name);
    const module = await import(pathToFileURL(file).href);
    const stem = basename(name).replace(ISLAND_EXTENSIONS, "");
    let found = 0;
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value !== "function") continue;
      if (exportName !== "default" && !/^[A-Z]/.test(exportName)) continue;
      if (registry.byComponent.has(value)) continue;
      registry.byComponent.set(value, {
        id: `${stem}:${exportName}`,
        file,
        exportName,
        component: value as Island["component"],
      });
      found++;
    }
    if (found === 0) {
      throw new Error(
        `Cannot load island file "islands/${name}": it exports no component (a default export or a capitalized function)`,
      );
    }
    registry.files.push(file);
  }
  return registry;
}

let current: RenderState | null = null;
let creatingInner = false;
/** How many island markers enclose the vnode being rendered. */
let islandDepth = 0;
const wrappers = new WeakMap<Island, ComponentType<Record<string, unknown>>>();
const markers = new WeakSet<object>();

/**
 * Runs a synchronous render with `state` collecting islands and head
 * elements. Renders never interleave: preact-render-to-string's
 * `renderToString` is synchronous.
 *
 * @example
 * ```ts
 * const html = withRenderState(state, () => renderToString(tree));
 * ```
 */
export function withRenderState<T>(state: RenderState, render: () => T): T {
  const previous = [current, islandDepth] as const;
  current = state;
  islandDepth = 0;
  try {
    return render();
  } finally {
    [current, islandDepth] = previous;
  }
}

function wrapperFor(island: Island): ComponentType<Record<string, unknown>> {
  let wrapper = wrappers.get(island);
  if (wrapper) return wrapper;
  wrapper = function IslandMarker(props: Record<string, unknown>) {
    creatingInner = true;
    let inner: VNode;
    try {
      inner = h(island.component, props);
    } finally {
      creatingInner = false;
    }
    // The diff hook below has already counted this marker itself.
    if (islandDepth > 1 || current === null) return inner;
    const index = current.islands.push({ island, props }) - 1;
    return h("kith-island", { "data-island": String(index) }, inner);
  };
  wrappers.set(island, wrapper);
  markers.add(wrapper);
  return wrapper;
}

// Preact's option hooks; `__b` is the stable mangled name of `_diff`, which
// preact-render-to-string calls before a vnode's subtree and `diffed` after.
const hooks = options as typeof options & { __b?: (vnode: VNode) => void };
const previousVNode = hooks.vnode;
hooks.vnode = (vnode: VNode) => {
  if (current !== null && !creatingInner && typeof vnode.type === "function") {
    const island = current.registry.byComponent.get(vnode.type);
    if (island) (vnode as { type: unknown }).type = wrapperFor(island);
  }
  previousVNode?.(vnode);
};
const previousDiff = hooks.__b;
hooks.__b = (vnode: VNode) => {
  if (current !== null && markers.has(vnode.type as object)) islandDepth++;
  previousDiff?.(vnode);
};
const previousDiffed = hooks.diffed;
hooks.diffed = (vnode: VNode) => {
  if (current !== null && markers.has(vnode.type as object)) islandDepth--;
  previousDiffed?.(vnode);
};

/**
 * Adds its children to the page's `<head>`; a `<title>` here replaces the
 * one `_app` renders.
 *
 * @example
 * ```tsx
 * <Head><title>Settings · Kith</title></Head>
 * ```
 */
export function Head(props: { children?: ComponentChildren }): null {
  current?.head.push(props.children);
  return null;
}

/**
 * Returns a cache-busting URL for a file in static/ (`/styles.css?v=hash`),
 * which lib/web serves with immutable caching. Unknown paths come back
 * unchanged.
 *
 * @example
 * ```tsx
 * <link rel="stylesheet" href={asset("/styles.css")} />
 * ```
 */
export function asset(path: string): string {
  return current ? current.assetUrl(path) : path;
}
