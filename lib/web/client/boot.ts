/**
 * The browser half of islands: reads the page's serialized props and
 * hydrates each `<kith-island>` with its component. Pages import it only
 * when they render at least one island.
 *
 * @module
 */
import { type ComponentType, h, hydrate } from "preact";
import { deserialize } from "../serialize.ts";

/** The id of the `<script type="application/json">` holding island props. */
export const PAYLOAD_ID = "__kith_islands";

/**
 * Hydrates every island on the page. `components` maps island ids
 * (`<file stem>:<export>`) to components; the page's inline module passes
 * exactly the islands it rendered.
 *
 * @example
 * ```ts
 * import * as counter from "/_kith/js/<build>/islands/counter.js";
 * boot({ "counter:Counter": counter.Counter });
 * ```
 */
export function boot(
  components: Record<string, ComponentType<Record<string, unknown>>>,
): void {
  const payload = document.getElementById(PAYLOAD_ID);
  if (!payload?.textContent) return;
  const islands = deserialize(payload.textContent) as [
    string,
    Record<string, unknown>,
  ][];
  for (const host of document.querySelectorAll("kith-island")) {
    const entry = islands[Number(host.getAttribute("data-island"))];
    const component = entry && components[entry[0]];
    if (!component) {
      console.error(
        `Kith: no component for island ${host.getAttribute("data-island")}`,
      );
      continue;
    }
    hydrate(h(component, entry[1]), host);
  }
  document.documentElement.dataset.hydrated = "true";
}
