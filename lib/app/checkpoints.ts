/**
 * Checkpoints: whether the history this instance serves for an author is
 * complete up to the ledger's finalized checkpoint. The log is a hash
 * chain, so a served entry at the checkpoint's seq with the checkpoint's id
 * proves every earlier entry is the one the checkpoint covers.
 *
 * @module
 */
import type { LedgerNode } from "../ledgers/mod.ts";
import type { Checkpoint } from "../ledger/mod.ts";
import type { RecordStore } from "../store/mod.ts";

/** What an instance can prove about an author's log against a ledger. */
export interface CheckpointProof {
  author: string;
  ledger: string;
  /** The finalized checkpoint, or null when the ledger has none. */
  checkpoint: Checkpoint | null;
  /** The entry id served here at the checkpoint's seq (null: not held). */
  servedId: string | null;
  /** This instance's head seq for the author. */
  servedHead: number;
  /**
   * `complete`: the chain served here reaches the checkpoint with its id;
   * `behind`: it stops short of the checkpoint's seq; `diverged`: it holds
   * another entry there (a fork); `none`: no checkpoint yet.
   */
  status: "complete" | "behind" | "diverged" | "none";
}

/**
 * Compares `author`'s stored log with `node`'s finalized checkpoint.
 *
 * @example
 * ```ts
 * const proof = await checkpointProof(store, node, author);
 * proof.status; // "complete"
 * ```
 */
export async function checkpointProof(
  store: RecordStore,
  node: LedgerNode,
  author: string,
): Promise<CheckpointProof> {
  const checkpoint = node.state.checkpoint(author) ?? null;
  const servedHead = (await store.head(author)).head?.seq ?? 0;
  const servedId = checkpoint
    ? (await store.idAt(author, checkpoint.seq)) ?? null
    : null;
  const status = !checkpoint
    ? "none"
    : servedId === null
    ? "behind"
    : servedId === checkpoint.id
    ? "complete"
    : "diverged";
  return {
    author,
    ledger: node.id,
    checkpoint,
    servedId,
    servedHead,
    status,
  };
}
