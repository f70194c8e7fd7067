/**
 * Server rendering of one page: `_app`, then layouts outermost first, then
 * the page; `<Head>` elements go into `<head>`; when islands rendered, their
 * props and a nonce'd module script that hydrates them go before `</body>`.
 * A page with no island gets no script at all.
 *
 * @module
 */
import {
  type ComponentChildren,
  type ComponentType,
  Fragment,
  h,
} from "preact";
import { renderToString } from "preact-render-to-string";
import type { IslandBuild } from "./bundle.ts";
import {
  type IslandRegistry,
  type RenderState,
  withRenderState,
} from "./islands.ts";
import { serialize, SerializeError } from "./serialize.ts";
import { PAYLOAD_ID } from "./client/boot.ts";
import type { LayoutModule, LayoutProps, PageProps } from "./types.ts";

/** Everything needed to render one page. */
export interface PageRender {
  page: ComponentType<PageProps<unknown, unknown>>;
  /** `_app` first, then layouts outermost first. */
  wrappers: LayoutModule[];
  props: PageProps<unknown, unknown>;
  registry: IslandRegistry;
  /** Resolves the island bundle; called only when the page has islands. */
  build: () => Promise<IslandBuild>;
  nonce: string;
  assetUrl: (path: string) => string;
  /** Extra HTML for the end of `<body>`, e.g. dev-mode live reload. */
  bodyEnd?: string;
}

/**
 * Renders a page to a complete HTML document.
 *
 * @throws {SerializeError} When an island's props cannot be serialized; the
 * message names the island and the prop.
 * @throws Whatever a component throws while rendering.
 *
 * @example
 * ```ts
 * const html = await renderPage({ page: Home, wrappers: [app], props, registry, build, nonce, assetUrl });
 * ```
 */
export async function renderPage(options: PageRender): Promise<string> {
  const state: RenderState = {
    registry: options.registry,
    islands: [],
    head: [],
    assetUrl: options.assetUrl,
  };
  const body = withRenderState(state, () => {
    let inner: () => ComponentChildren = () => h(options.page, options.props);
    for (const wrapper of options.wrappers.toReversed()) {
      const child = inner;
      const props: LayoutProps<unknown, unknown> = {
        ...options.props,
        Component: child,
      };
      inner = () => h(wrapper.default, props);
    }
    const tree = inner();
    const html = renderToString(tree as never);
    const head = renderToString(h(Fragment, null, state.head) as never);
    return { html, head };
  });
  let html = body.html;
  if (body.head) {
    if (/<title[\s>]/.test(body.head)) {
      html = html.replace(/<title[\s>][\s\S]*?<\/title>/, "");
    }
    html = insertBefore(html, "</head>", body.head);
  }
  let tail = options.bodyEnd ?? "";
  if (state.islands.length > 0) {
    tail = islandScripts(state, await options.build(), options.nonce) + tail;
  }
  if (tail) html = insertBefore(html, "</body>", tail);
  return html.startsWith("<html") ? `<!DOCTYPE html>${html}` : html;
}

function islandScripts(
  state: RenderState,
  build: IslandBuild,
  nonce: string,
): string {
  const entries = state.islands.map(({ island, props }) => [island.id, props]);
  let payload: string;
  try {
    payload = serialize(entries, { label: "islands" });
  } catch (error) {
    if (!(error instanceof SerializeError)) throw error;
    // Name the island that failed rather than a slot index.
    for (const { island, props } of state.islands) {
      serialize(props, { label: `island "${island.id}" props` });
    }
    throw error;
  }
  return `<script type="application/json" id="${PAYLOAD_ID}">${payload}</script>` +
    `<script type="module" nonce="${nonce}">${
      bootModule(state, build)
    }</script>`;
}

const bootModules = new WeakMap<IslandBuild, Map<string, string>>();

/** The inline module that imports the islands a page used; cached per set. */
function bootModule(state: RenderState, build: IslandBuild): string {
  const ids = [...new Set(state.islands.map(({ island }) => island.id))];
  let cache = bootModules.get(build);
  if (!cache) bootModules.set(build, cache = new Map());
  const key = ids.join(" ");
  const cached = cache.get(key);
  if (cached) return cached;
  const islands = ids.map((id) =>
    state.islands.find((entry) => entry.island.id === id)!.island
  );
  const files = [...new Set(islands.map((island) => island.file))];
  const imports = files.map((file, i) =>
    `import*as i${i} from${JSON.stringify(build.entryUrls.get(file))};`
  );
  const components = islands.map((island) =>
    `${JSON.stringify(island.id)}:i${files.indexOf(island.file)}[${
      JSON.stringify(island.exportName)
    }]`
  );
  const module = `import{boot}from${JSON.stringify(build.bootUrl)};${
    imports.join("")
  }boot({${components.join(",")}});`;
  cache.set(key, module);
  return module;
}

function insertBefore(html: string, marker: string, insert: string): string {
  const at = html.lastIndexOf(marker);
  return at === -1
    ? html + insert
    : html.slice(0, at) + insert + html.slice(at);
}
