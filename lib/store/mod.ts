/**
 * The record store on Deno KV. Schema in docs/architecture.md.
 *
 * @example
 * ```ts
 * import { RecordStore } from "./lib/store/mod.ts";
 * const store = new RecordStore(await Deno.openKv(":memory:"));
 * ```
 *
 * @module
 */
export { type Append, type AuthorHead, RecordStore } from "./record_store.ts";
export { KEYS } from "./schema.ts";
export { DERIVED_FAMILIES } from "./derived_families.ts";
export { STATS } from "./indexes.ts";
export {
  authorPage,
  CursorError,
  entriesAt,
  followList,
  indexPage,
  type Page,
  type PageOptions,
} from "./queries.ts";
export type { EntryWithContent } from "./record_store.ts";
