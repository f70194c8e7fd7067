/**
 * Use cases behind the pages and the API, free of HTTP plumbing.
 *
 * @example
 * ```ts
 * import { statusOf } from "./lib/app/mod.ts";
 * ```
 *
 * @module
 */
export { outcomeBody, statusOf } from "./statuses.ts";
export { authorSummary, parseAuthorParam, parseLogQuery } from "./authors.ts";
