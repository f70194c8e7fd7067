/**
 * Signature checks of the ledger core, run with the server's verifier:
 * the core lists what must verify, this checks it all at once, on this
 * thread ({@linkcode verifyAll}) or in worker threads
 * ({@linkcode VerifyPool}), and replays finalized blocks with their
 * signatures verified ahead in the pool ({@linkcode applyFinalized}).
 *
 * @module
 */
import { verifyEd25519 } from "../crypto/mod.ts";
import {
  blockChecks,
  commitChecks,
  executeBlock,
  type Execution,
  type FinalizedBlock,
  LedgerError,
  type LedgerState,
  type SignatureCheck,
  voteCheck,
} from "../ledger/mod.ts";
import { decodeBase64Url } from "../protocol/mod.ts";

/**
 * Whether every check verifies (strict Ed25519, WebCrypto after the byte
 * checks). An empty list verifies.
 *
 * @example
 * ```ts
 * if (!await verifyAll(commitChecks(state, finalized))) throw new Error("bad commit");
 * ```
 */
export async function verifyAll(checks: SignatureCheck[]): Promise<boolean> {
  const results = await Promise.all(checks.map((check) => {
    const key = decodeBase64Url(check.key);
    const sig = decodeBase64Url(check.sig);
    if (!key || key.length !== 32 || !sig || sig.length !== 64) return false;
    return verifyEd25519(key, check.message, sig);
  }));
  return results.every(Boolean);
}

/**
 * Every signature a finalized block carries: its precommits', its
 * transactions' and its evidence's (what `commitChecks` and `blockChecks`
 * return, without the commit's rules, which need the state).
 *
 * @throws {LedgerError} When a transaction line does not decode.
 */
export function finalizedChecks(finalized: FinalizedBlock): SignatureCheck[] {
  return [
    ...finalized.commit.map(voteCheck),
    ...blockChecks(finalized.block),
  ];
}

/** A request to a verify worker: checks, or whole finalized blocks. */
export type VerifyRequest =
  | { requestId: number; checks: SignatureCheck[] }
  | { requestId: number; blocks: FinalizedBlock[] };

/**
 * A verify worker's answer: per block (or once for a list of checks)
 * whether every signature verified, and how many there were.
 */
export interface VerifyResponse {
  requestId: number;
  ok: boolean[];
  counts: number[];
}

/** Fewest checks per worker before a list of checks is split across workers. */
const SPLIT_AT = 64;

/**
 * Worker threads running {@linkcode verifyAll}. WebCrypto's Ed25519
 * verify runs on the calling thread, so one thread verifies at most one
 * core's worth; a pool verifies on every core while the caller goes on.
 * `close()` it when done.
 *
 * @example
 * ```ts
 * const pool = new VerifyPool(2);
 * const ok = await pool.verify(checks);
 * pool.close();
 * ```
 */
export class VerifyPool {
  readonly #workers: { worker: Worker; queued: number }[];
  readonly #pending = new Map<
    number,
    {
      resolve: (response: VerifyResponse) => void;
      reject: (error: Error) => void;
    }
  >();
  #next = 0;
  #closed = false;

  /** Starts `size` workers (at least 1; default one per core). */
  constructor(size = navigator.hardwareConcurrency) {
    this.#workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(
        new URL("./verify_worker.ts", import.meta.url),
        { type: "module" },
      );
      worker.onmessage = (event: MessageEvent<VerifyResponse>) => {
        const pending = this.#pending.get(event.data.requestId);
        this.#pending.delete(event.data.requestId);
        pending?.resolve(event.data);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        this.#fail(new Error(`Verify worker failed: ${event.message}`));
      };
      return { worker, queued: 0 };
    });
  }

  /** Number of worker threads. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Whether every check verifies, as {@linkcode verifyAll} says; a long
   * list is split across the workers, a short one goes to the least busy.
   *
   * @throws {Error} When the pool is closed or a worker fails.
   */
  async verify(checks: SignatureCheck[]): Promise<boolean> {
    if (checks.length === 0) return true;
    const parts = Math.min(
      this.#workers.length,
      Math.max(1, Math.floor(checks.length / SPLIT_AT)),
    );
    const share = Math.ceil(checks.length / parts);
    const answers: Promise<VerifyResponse>[] = [];
    for (let i = 0; i < checks.length; i += share) {
      const part = checks.slice(i, i + share);
      answers.push(
        this.#send((requestId) => ({ requestId, checks: part }), part.length),
      );
    }
    return (await Promise.all(answers)).every((answer) => answer.ok[0]);
  }

  /**
   * Per block, whether every signature it carries verifies
   * ({@linkcode finalizedChecks}, worked out in the worker); false for a
   * block whose transactions do not decode. One worker takes them all.
   *
   * @throws {Error} When the pool is closed or a worker fails.
   */
  verifyBlocks(
    blocks: FinalizedBlock[],
  ): Promise<{ ok: boolean[]; counts: number[] }> {
    if (blocks.length === 0) return Promise.resolve({ ok: [], counts: [] });
    const weight = blocks.reduce(
      (sum, { block, commit }) => sum + block.txs.length + commit.length,
      0,
    );
    return this.#send((requestId) => ({ requestId, blocks }), weight)
      .then(({ ok, counts }) => ({ ok, counts }));
  }

  /** Stops the workers; pending verifications reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { worker } of this.#workers) worker.terminate();
    this.#fail(new Error("Cannot verify: the pool is closed"));
  }

  #send(
    request: (requestId: number) => VerifyRequest,
    weight: number,
  ): Promise<VerifyResponse> {
    if (this.#closed) {
      return Promise.reject(new Error("Cannot verify: the pool is closed"));
    }
    const slot = this.#workers.reduce((a, b) => (b.queued < a.queued ? b : a));
    const requestId = this.#next++;
    slot.queued += weight;
    const answer = new Promise<VerifyResponse>((resolve, reject) =>
      this.#pending.set(requestId, { resolve, reject })
    );
    slot.worker.postMessage(request(requestId));
    return answer.finally(() => slot.queued -= weight);
  }

  #fail(error: Error): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}

/** Options of {@linkcode applyFinalized}. */
export interface ApplyFinalizedOptions {
  pool: VerifyPool;
  /** Blocks whose signatures may be in the pool ahead of execution. */
  ahead?: number;
  /** Blocks per request to a worker. */
  batch?: number;
  /** Called after each block is committed, with its execution. */
  onApplied?: (finalized: FinalizedBlock, execution: Execution) => void;
}

/** What {@linkcode applyFinalized} did. */
export interface ApplyFinalizedResult {
  /** Blocks committed, from the first. */
  applied: number;
  /** Signatures verified for the committed blocks. */
  signatures: number;
  /** Why it stopped before the end, if it did. */
  error?: LedgerError | "bad_signature";
}

/**
 * Verifies and commits finalized blocks in order onto `state` (the state
 * at the height before the first). Each block's commit rules
 * (`commitChecks`) and execution (`executeBlock`) run here, in order; the
 * signatures of the next `ahead` blocks verify meanwhile in `pool`
 * (signatures depend only on the block, not on the state). A block is
 * committed only once its own signatures verified; the first block that
 * fails a rule or a signature stops the replay, and `state` stays at the
 * block before it.
 *
 * @example
 * ```ts
 * const { applied, error } = await applyFinalized(state, blocks, { pool });
 * ```
 */
export async function applyFinalized(
  state: LedgerState,
  blocks: FinalizedBlock[],
  options: ApplyFinalizedOptions,
): Promise<ApplyFinalizedResult> {
  const { pool, onApplied } = options;
  const ahead = Math.max(1, options.ahead ?? 64);
  const batch = Math.max(1, Math.min(ahead, options.batch ?? 8));
  const requests: {
    from: number;
    answer: Promise<{ ok: boolean[]; counts: number[] }>;
  }[] = [];
  let requested = 0;
  let current: { from: number; ok: boolean[]; counts: number[] } | undefined;
  let applied = 0;
  let signatures = 0;
  try {
    for (let index = 0; index < blocks.length; index++) {
      while (requested < blocks.length && requested < index + ahead) {
        const answer = pool.verifyBlocks(
          blocks.slice(requested, requested + batch),
        );
        // A request after a failed block is never awaited.
        answer.catch(() => {});
        requests.push({ from: requested, answer });
        requested = Math.min(blocks.length, requested + batch);
      }
      const finalized = blocks[index];
      commitChecks(state, finalized);
      const execution = executeBlock(state, finalized.block);
      if (!current || index >= current.from + current.ok.length) {
        const { from, answer } = requests.shift()!;
        current = { from, ...await answer };
      }
      if (!current.ok[index - current.from]) {
        return { applied, signatures, error: "bad_signature" };
      }
      execution.state.commit();
      applied++;
      signatures += current.counts[index - current.from];
      onApplied?.(finalized, execution);
    }
  } catch (error) {
    if (error instanceof LedgerError) return { applied, signatures, error };
    throw error;
  }
  return { applied, signatures };
}
