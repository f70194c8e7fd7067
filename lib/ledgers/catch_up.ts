/**
 * Catch-up over HTTP: genesis documents and finalized blocks from peers.
 * Whatever a peer sends is checked here (genesis by its hash) or by the
 * ledger node (blocks by their commits and signatures).
 *
 * @module
 */
import {
  assertValidGenesis,
  type FinalizedBlock,
  type Genesis,
  ledgerIdOf,
} from "../ledger/mod.ts";
import { politeFetch } from "../web/polite_fetch.ts";

/** Blocks asked for in one request. */
export const BLOCKS_PER_REQUEST = 200;
const TIMEOUT_MS = 10_000;

/**
 * Fetches ledger `id`'s genesis from `origin` and checks that it hashes to
 * `id`; null when the peer does not have it or sends something else.
 *
 * @example
 * ```ts
 * const genesis = await fetchGenesis("http://127.0.0.1:8001", id);
 * ```
 */
export async function fetchGenesis(
  origin: string,
  id: string,
  options: { signal?: AbortSignal } = {},
): Promise<Genesis | null> {
  try {
    const response = await politeFetch(`${origin}/api/ledgers/${id}/genesis`, {
      signal: signalOf(options.signal),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const genesis = await response.json();
    assertValidGenesis(genesis);
    return ledgerIdOf(genesis) === id ? genesis : null;
  } catch {
    return null;
  }
}

/**
 * Fetches finalized blocks of `id` from height `from` on, from the first
 * of `origins` that has any. Unchecked: the node verifies each commit.
 *
 * @example
 * ```ts
 * const blocks = await fetchBlocks(peers, id, { from: node.height + 1 });
 * ```
 */
export async function fetchBlocks(
  origins: string[],
  id: string,
  options: { from: number; signal?: AbortSignal },
): Promise<FinalizedBlock[]> {
  for (const origin of origins) {
    try {
      const response = await politeFetch(
        `${origin}/api/ledgers/${id}/blocks?from=${options.from}&limit=${BLOCKS_PER_REQUEST}`,
        { signal: signalOf(options.signal) },
      );
      if (!response.ok) {
        await response.body?.cancel();
        continue;
      }
      const blocks = (await response.text()).split("\n").filter(Boolean)
        .map((line) => JSON.parse(line) as FinalizedBlock);
      if (blocks.length > 0) return blocks;
    } catch {
      // The next peer may answer.
    }
  }
  return [];
}

function signalOf(signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
