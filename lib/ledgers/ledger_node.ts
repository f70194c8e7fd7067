/**
 * One honoured ledger inside an instance: its state replayed from
 * genesis, the consensus machine (voting when this instance holds one of
 * its validator keys, following otherwise), real timers, the transaction
 * and evidence pools, persistence, and catch-up from peers.
 *
 * Every message from the network is checked before the machine sees it:
 * shape, then signatures (votes, proposals and the transactions and
 * evidence inside a proposed block), then the core's own rules.
 *
 * @module
 */
import { sign } from "../crypto/mod.ts";
import {
  assertValidBlockShape,
  assertValidVote,
  type Block,
  blockChecks,
  blockId,
  buildBlock,
  commitChecks,
  Consensus,
  type ConsensusAction,
  type Evidence,
  evidenceChecks,
  evidenceId,
  executeBlock,
  type Execution,
  type FinalizedBlock,
  type Genesis,
  LedgerError,
  LedgerState,
  moderate,
  proposalCheck,
  proposerOf,
  updateVerdicts,
  validatorSet,
  type Verdict,
  type Vote,
  voteCheck,
} from "../ledger/mod.ts";
import type { Proposal } from "../ledger/mod.ts";
import { canonicalize } from "../protocol/mod.ts";
import { LruCache } from "../crypto/lru_cache.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../protocol/mod.ts";
import type { LedgerStore } from "./ledger_store.ts";
import { PeerDuties } from "./peer_duties.ts";
import { TransactionPool, type TransactionStatus } from "./transaction_pool.ts";
import { verifyAll } from "./verify.ts";
import { log } from "../instance/logger.ts";

/** A message on the ledger channel. */
export type LedgerMessage =
  | { proposal: Proposal }
  | { vote: Vote }
  | { evidence: Evidence }
  | { finalized: FinalizedBlock };

/** Options of {@linkcode LedgerNode.open}. */
export interface LedgerNodeOptions {
  id: string;
  genesis: Genesis;
  store: LedgerStore;
  /** This instance's validator key, when it has one. */
  validator?: { key: string; secretKey: Uint8Array };
  /** Sends a message to every peer. */
  send: (message: string) => void;
  /** Finalized blocks from `from` on, from peers (catch-up). */
  fetchBlocks: (from: number) => Promise<FinalizedBlock[]>;
  now?: () => number;
  /** Called after each decided block with the subjects whose verdict changed. */
  onDecided?: (finalized: FinalizedBlock, changed: string[]) => void;
}

const encoder = new TextEncoder();

/** What a received message turned out to be. */
type Judgement = "new" | "old" | "later";

/** How often a node sends everything it holds for its round. */
const ROUND_GOSSIP_MS = 2_000;

/** Longest wait for transactions before an empty block (node policy). */
const IDLE_MS = 10_000;

/** How often a node with peers asks them for blocks it lacks. */
const CATCH_UP_MS = 3_000;

/** One honoured ledger; see the module doc. */
export class LedgerNode {
  readonly id: string;
  readonly genesis: Genesis;
  readonly state: LedgerState;
  readonly verdicts: Map<string, Verdict>;
  readonly #options: LedgerNodeOptions;
  readonly #now: () => number;
  readonly #pool: TransactionPool;
  readonly #evidence = new Map<string, Evidence>();
  readonly #executions = new Map<string, Execution>();
  readonly #seen = new LruCache<string, true>(20_000);
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #recent: FinalizedBlock[] = [];
  #consensus!: Consensus;
  #queue: Promise<void> = Promise.resolve();
  #catchingUp = false;
  #closed = false;
  #lastDecidedAt = 0;
  readonly #duties: PeerDuties;
  #persisting: Promise<void> = Promise.resolve();
  readonly #finality: { height: number; round: number; ms: number }[] = [];

  private constructor(options: LedgerNodeOptions, state: LedgerState) {
    this.#options = options;
    this.id = options.id;
    this.genesis = options.genesis;
    this.state = state;
    this.#now = options.now ?? Date.now;
    this.verdicts = moderate(state);
    this.#pool = new TransactionPool(options.id);
    this.#duties = new PeerDuties(options.send, this.#now);
  }

  /**
   * Replays the stored blocks from genesis (they were verified when
   * stored) and loads the pool; call {@linkcode start} to run.
   */
  static async open(options: LedgerNodeOptions): Promise<LedgerNode> {
    const state = LedgerState.fromGenesis(options.genesis);
    const replayed: FinalizedBlock[] = [];
    for await (
      const finalized of options.store.blocks(options.id, { from: 1 })
    ) {
      executeBlock(state, finalized.block).state.commit();
      replayed.push(finalized);
      if (replayed.length > 64) replayed.shift();
    }
    const node = new LedgerNode(options, state);
    for (const finalized of replayed) node.#pool.replayed(finalized);
    node.#recent.push(...replayed);
    for (const [id, line] of await options.store.pool(options.id)) {
      node.#pool.add(id, line, state);
    }
    return node;
  }

  /** Height of the last finalized block. */
  get height(): number {
    return this.state.meta.height;
  }

  /** Whether this instance votes in this ledger now. */
  get isValidator(): boolean {
    const key = this.#options.validator?.key;
    return key !== undefined && this.state.power(key) > 0;
  }

  /**
   * The finalized block at `height`, or null: from the store, else from
   * the recent blocks held in memory (a block decided here reaches the
   * store a moment later).
   */
  async finalized(height: number): Promise<FinalizedBlock | null> {
    return await this.#options.store.block(this.id, height) ??
      this.#recent.find((f) => f.block.height === height) ?? null;
  }

  /** Transactions waiting for a block. */
  get pending(): string[] {
    return this.#pool.lines;
  }

  /** What became of transaction entry `entryId` (see TransactionPool). */
  transactionStatus(entryId: string): TransactionStatus {
    return this.#pool.status(entryId, this.state);
  }

  /** Evidence waiting for a block. */
  get pendingEvidence(): Evidence[] {
    return [...this.#evidence.values()];
  }

  /**
   * Recent finality times here: for each block, ms from its proposer's
   * timestamp to its decision on this instance (newest last, at most 256).
   */
  get finality(): { height: number; round: number; ms: number }[] {
    return [...this.#finality];
  }

  /** Where this node's consensus is: the height being decided, round, step. */
  get consensus(): {
    height: number;
    round: number;
    step: string;
    waiting: boolean;
  } | null {
    const c = this.#consensus;
    return c
      ? { height: c.height, round: c.round, step: c.step, waiting: c.waiting }
      : null;
  }

  /** When the last block was finalized here (ms), 0 before any. */
  get lastDecidedAt(): number {
    return this.#lastDecidedAt;
  }

  /** Starts consensus at the next height, and periodic catch-up. */
  start(): void {
    this.#consensus = this.#newConsensus();
    this.#enqueue(() => this.#act(this.#consensus.start()));
    this.#schedule(CATCH_UP_MS, () => this.#periodicCatchUp());
    this.#schedule(ROUND_GOSSIP_MS, () => this.#gossipRound());
  }

  /**
   * Takes a verified record line carrying a transaction (from ingest);
   * ignored when it is for another ledger or already applied.
   */
  async addTransaction(entryId: string, line: string): Promise<void> {
    if (!this.#pool.add(entryId, line, this.state)) return;
    this.#wake();
    await this.#options.store.addToPool(this.id, entryId, line);
  }

  /**
   * Judges a message from the channel: resolves true when it was new and
   * valid (the channel relays it).
   */
  async receive(text: string): Promise<boolean> {
    const digest = encodeBase64Url(sha256(encoder.encode(text)));
    if (this.#closed || this.#seen.get(digest)) return false;
    let judgement: Judgement = "old";
    try {
      judgement = await this.#judge(JSON.parse(text));
    } catch (error) {
      if (
        !(error instanceof LedgerError) && !(error instanceof SyntaxError)
      ) log.error("Ledger message failed", { ledger: this.id, error });
    }
    // A message from heights ahead is not "seen": once this node catches
    // up, the sender's next re-send of it must count.
    if (judgement !== "later") this.#seen.set(digest, true);
    return judgement === "new";
  }

  /** Adds verified evidence (a fork proof found by ingest, say). */
  async addEvidence(evidence: Evidence): Promise<void> {
    const id = evidenceId(evidence);
    if (this.#evidence.has(id)) return;
    if (!await verifyAll(evidenceChecks(evidence))) return;
    this.#evidence.set(id, evidence);
    this.#wake();
    this.#options.send(canonicalize({ evidence }));
  }

  /** Stops timers; messages arriving later are ignored. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#queue.catch(() => {});
  }

  async #judge(message: LedgerMessage): Promise<Judgement> {
    if ("vote" in message) {
      const vote = message.vote;
      assertValidVote(vote);
      if (vote.ledger !== this.id) return "old";
      if (vote.height < this.height + 1) {
        this.#duties.behindInHeight(this.#recent, vote.height);
        return "old";
      }
      if (vote.height > this.height + 1) {
        this.#catchUp();
        return "later";
      }
      if (!await verifyAll([voteCheck(vote)])) return "old";
      this.#duties.behindInRounds(this.#consensus, vote.round);
      this.#enqueue(() => this.#act(this.#consensus.onVote(vote)));
      return "new";
    }
    if ("proposal" in message) {
      const proposal = message.proposal;
      if (proposal?.ledger !== this.id) return "old";
      assertValidBlockShape(proposal.block);
      if (proposal.height < this.height + 1) return "old";
      if (proposal.height > this.height + 1) {
        this.#catchUp();
        return "later";
      }
      const checks = [proposalCheck(proposal), ...blockChecks(proposal.block)];
      if (!await verifyAll(checks)) return "old";
      this.#duties.behindInRounds(this.#consensus, proposal.round);
      this.#enqueue(() => this.#act(this.#consensus.onProposal(proposal)));
      return "new";
    }
    if ("evidence" in message) {
      const before = this.#evidence.size;
      await this.addEvidence(message.evidence);
      return this.#evidence.size > before ? "new" : "old";
    }
    if ("finalized" in message) {
      return await this.#acceptFinalized([message.finalized]) > 0
        ? "new"
        : "old";
    }
    return "old";
  }

  /** Transactions or evidence arrived: a machine waiting between heights may start. */
  #wake(): void {
    if (!this.#consensus) return;
    this.#enqueue(() => this.#act(this.#consensus.onWork()));
  }

  /** Verifies and applies finalized blocks in order; returns how many applied. */
  async #acceptFinalized(blocks: FinalizedBlock[]): Promise<number> {
    let applied = 0;
    for (const finalized of blocks) {
      let ok = false;
      await this.#enqueue(async () => {
        if (finalized.block?.height !== this.height + 1) return;
        assertValidBlockShape(finalized.block);
        const checks = [
          ...commitChecks(this.state, finalized),
          ...blockChecks(finalized.block),
        ];
        if (!await verifyAll(checks)) return;
        if (finalized.block.height !== this.height + 1) return;
        await this.#act(this.#consensus.onCommit(finalized));
        ok = this.height >= finalized.block.height;
      });
      if (!ok) break;
      applied++;
    }
    return applied;
  }

  #newConsensus(): Consensus {
    const validator = this.#options.validator;
    const params = this.genesis.params;
    return new Consensus({
      validators: () => validatorSet(this.state),
      proposer: (round) => proposerOf(this.state, round).proposer,
      isValid: (block) => this.#isValid(block),
      propose: (round) => this.#propose(round),
      decide: (finalized) => this.#decide(finalized),
      hasWork: () => this.#pool.size > 0 || this.#evidence.size > 0,
    }, {
      ledger: this.id,
      self: validator?.key ?? null,
      sign: validator
        ? (message) => sign(validator.secretKey, message)
        : undefined,
      height: this.height + 1,
      timeouts: {
        propose: params.timeoutProposeMs,
        prevote: params.timeoutPrevoteMs,
        precommit: params.timeoutPrecommitMs,
        delta: params.timeoutDeltaMs,
      },
      pause: { commitMs: params.blockIntervalMs, idleMs: IDLE_MS },
    });
  }

  #isValid(block: Block): boolean {
    // A proposer's clock may run ahead a little, not a minute.
    if (block.time > this.#now() + 60_000) return false;
    try {
      this.#executions.set(blockId(block), executeBlock(this.state, block));
      return true;
    } catch (error) {
      if (error instanceof LedgerError) return false;
      throw error;
    }
  }

  #propose(round: number): Block {
    return buildBlock(this.state, {
      round,
      time: this.#now(),
      txs: this.#pool.lines,
      evidence: [...this.#evidence.values()],
    });
  }

  #decide(finalized: FinalizedBlock): void {
    const id = blockId(finalized.block);
    const execution = this.#executions.get(id) ??
      executeBlock(this.state, finalized.block);
    execution.state.commit();
    this.#executions.clear();
    const changed = updateVerdicts(this.verdicts, this.state, execution);
    this.#lastDecidedAt = this.#now();
    this.#finality.push({
      height: finalized.block.height,
      round: finalized.commit[0]?.round ?? finalized.block.round,
      ms: this.#lastDecidedAt - finalized.block.time,
    });
    if (this.#finality.length > 256) this.#finality.shift();
    const included = this.#pool.settle(finalized, this.state);
    for (const item of finalized.block.evidence) {
      this.#evidence.delete(evidenceId(item));
    }
    this.#recent.push(finalized);
    if (this.#recent.length > 64) this.#recent.shift();
    const { store } = this.#options;
    // Persistence keeps order: the action queue awaits it.
    this.#persisting = this.#persisting.then(async () => {
      await store.appendBlock(this.id, finalized);
      await store.dropFromPool(this.id, included);
      await store.pruneGuard(this.id, finalized.block.height - 1);
    }).catch((error) =>
      log.error("Ledger cannot store block", { ledger: this.id, error })
    );
    this.#options.onDecided?.(finalized, changed);
  }

  /** Runs the machine's actions: sends (after the sign guard), timers, catch-up. */
  #act(actions: ConsensusAction[]): Promise<void> | void {
    const sends: (() => Promise<void>)[] = [];
    for (const action of actions) {
      switch (action.type) {
        case "broadcast":
          if ("vote" in action) {
            const vote = action.vote;
            sends.push(async () => {
              if (await this.#options.store.guardVote(this.id, vote)) {
                this.#options.send(canonicalize({ vote }));
              }
            });
          } else {
            // A re-proposal travels with the prevotes that justify it.
            const texts = this.#duties.proposalTexts(
              this.#consensus,
              action.proposal,
            );
            sends.push(() => {
              for (const text of texts) this.#options.send(text);
              return Promise.resolve();
            });
          }
          break;
        case "timeout": {
          const { height, round, step, ms } = action;
          this.#schedule(
            ms,
            () =>
              this.#enqueue(() =>
                this.#act(this.#consensus.onTimeout(height, round, step))
              ),
          );
          break;
        }
        case "evidence":
          this.#evidence.set(evidenceId(action.evidence), action.evidence);
          this.#wake();
          this.#options.send(canonicalize({ evidence: action.evidence }));
          break;
        case "behind":
          this.#catchUp();
          break;
        case "decided":
          break;
      }
    }
    if (sends.length === 0) return;
    return (async () => {
      // Blocks reach the disk before votes for the next height leave.
      await this.#persisting;
      for (const send of sends) await send();
    })();
  }

  #enqueue(work: () => Promise<void> | void): Promise<void> {
    const next = this.#queue.then(() => this.#closed ? undefined : work());
    this.#queue = next.catch((error) => {
      if (!this.#closed) {
        log.error("Ledger step failed", { ledger: this.id, error });
      }
    });
    return this.#queue;
  }

  #schedule(ms: number, run: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) run();
    }, ms);
    this.#timers.add(timer);
  }

  #catchUp(): void {
    if (this.#catchingUp || this.#closed) return;
    this.#catchingUp = true;
    (async () => {
      try {
        for (let round = 0; round < 100 && !this.#closed; round++) {
          const blocks = await this.#options.fetchBlocks(this.height + 1);
          if (blocks.length === 0) return;
          if (await this.#acceptFinalized(blocks) === 0) return;
        }
      } finally {
        this.#catchingUp = false;
      }
    })().catch((error) => {
      if (!this.#closed) {
        log.error("Ledger catch-up failed", { ledger: this.id, error });
      }
    });
  }

  /**
   * Every few seconds, every message this node holds for its round, not
   * only its own (see peer_duties.ts).
   */
  #gossipRound(): void {
    this.#duties.sendRound(this.#consensus);
    this.#schedule(ROUND_GOSSIP_MS, () => this.#gossipRound());
  }

  #periodicCatchUp(): void {
    this.#catchUp();
    this.#schedule(CATCH_UP_MS, () => this.#periodicCatchUp());
  }
}
