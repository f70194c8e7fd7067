/**
 * Replication between instances over GUN: the graph layout, the firewall
 * in front of GUN, publishing, serving from KV and multi-peer backfill.
 * Described in docs/replication.md.
 *
 * @example
 * ```ts
 * import { Replicator } from "./lib/replication/mod.ts";
 * const replication = new Replicator({ store, ingest, peers, followDepth: 1 });
 * await replication.start();
 * ```
 *
 * @module
 */
export {
  backfillAuthor,
  type BackfillResult,
  fetchHead,
  httpSource,
  type LogSource,
} from "./backfill.ts";
export type { DropReason } from "./firewall.ts";
export {
  BLOCK_SIZE,
  headSoul,
  logSoul,
  MAX_STATE_AHEAD_MS,
  packSegments,
  peekEntry,
  SEGMENT_BYTES,
  SEGMENT_RECORDS,
  segmentKey,
} from "./layout.ts";
export {
  type LedgerHandler,
  ledgerPut,
  ledgerSoul,
  MAX_LEDGER_MESSAGE,
} from "./ledger_channel.ts";
export {
  type BudgetVerdict,
  DEFAULT_MESSAGE_BUDGET,
  MessageBudget,
  type MessageBudgetOptions,
} from "./message_budget.ts";
export type { PeerStatus } from "./peer_status.ts";
export {
  MAX_GUN_MESSAGE,
  Replicator,
  type ReplicatorOptions,
} from "./replicator.ts";
