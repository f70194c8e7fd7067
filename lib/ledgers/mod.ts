/**
 * Ledgers inside an instance: persistence, the consensus loop with real
 * timers and keys, the ledger channel over replication, HTTP catch-up,
 * and verdict lookups for pages. The rules themselves are lib/ledger's.
 *
 * @example
 * ```ts
 * import { Ledgers } from "./lib/ledgers/mod.ts";
 * const ledgers = new Ledgers({ kv, replication, ids: [], genesisFiles: ["genesis.json"] });
 * await ledgers.start();
 * ```
 *
 * @module
 */
export { BLOCKS_PER_REQUEST, fetchBlocks, fetchGenesis } from "./catch_up.ts";
export {
  type LedgerMessage,
  LedgerNode,
  type LedgerNodeOptions,
} from "./ledger_node.ts";
export {
  Ledgers,
  type LedgersOptions,
  type LedgerSummary,
  type LedgerVerdict,
  readGenesisFile,
} from "./ledgers.ts";
export { LedgerStore } from "./ledger_store.ts";
export { verifyAll } from "./verify.ts";
