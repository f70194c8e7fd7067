/**
 * The single ingest pipeline used by the HTTP API, the CLI and replication.
 *
 * @example
 * ```ts
 * import { Ingest } from "./lib/ingest/mod.ts";
 * const ingest = new Ingest(store, { verify: verifyEd25519, now: Date.now });
 * ```
 *
 * @module
 */
export {
  type CommittedRecord,
  Ingest,
  type IngestOptions,
  type IngestOutcome,
  type IngestSource,
} from "./ingest.ts";
