/**
 * Ledger benchmarks: replaying and verifying a chain of 10,000 finalized
 * blocks with 21 validators from genesis, and the moderation function's
 * cost per block over 100,000 posts and 10,000 flags.
 *
 * Everything is real: Ed25519 keys from `generateKeyPair`, `ledger`
 * records made with `createRecord` and signed with `sign`, blocks from
 * `buildBlock`, precommits signed over `voteSigningBytes`. The chain takes
 * a while to sign, so it is kept in the temp folder, keyed by
 * {@linkcode CHAIN_VERSION} and its shape, and rebuilt when missing or
 * when it no longer replays (the core changed).
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import { sha256 } from "@noble/hashes/sha2.js";
import { generateKeyPair, sign } from "../lib/crypto/mod.ts";
import {
  type Block,
  blockChecks,
  blockId,
  buildBlock,
  commitChecks,
  DEFAULT_PARAMS,
  type Evidence,
  executeBlock,
  type FinalizedBlock,
  FLAG_CATEGORIES,
  type FlagCategory,
  type Genesis,
  isQuorum,
  LedgerState,
  moderate,
  type Subject,
  subjectKey,
  type Transaction,
  updateVerdicts,
  validatorSet,
  type Verdict,
  type Vote,
  voteSigningBytes,
} from "../lib/ledger/mod.ts";
import { createRecord, encodeBase64Url } from "../lib/protocol/mod.ts";
import {
  applyFinalized,
  verifyAll,
  VerifyPool,
} from "../lib/ledgers/verify.ts";

/** Bump when the chain's recipe changes, so a cached chain is rebuilt. */
export const CHAIN_VERSION = "2";

const encoder = new TextEncoder();

/** A seeded PRNG (mulberry32): floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 43-character id or key derived from `label` (post ids, post authors). */
function idOf(label: string): string {
  return encodeBase64Url(sha256(encoder.encode(`kith bench ${label}`)));
}

/** Someone with a fresh Ed25519 key who signs `ledger` records in seq order. */
class Signer {
  readonly key: string;
  readonly #secretKey: Uint8Array;
  #seq = 0;
  #prev: string | null = null;

  constructor() {
    const { secretKey, publicKey } = generateKeyPair();
    this.#secretKey = secretKey;
    this.key = encodeBase64Url(publicKey);
  }

  /** The next record of this signer's log, carrying `tx` for `ledger`. */
  record(ledger: string, tx: Transaction, ts: number) {
    const seq = this.#seq + 1;
    const made = createRecord({
      author: this.key,
      seq,
      prev: this.#prev,
      ts,
      type: "ledger",
      content: { ledger, tx: tx as unknown as Record<string, unknown> },
    }, { sign: (bytes) => sign(this.#secretKey, bytes) });
    this.#seq = seq;
    this.#prev = made.id;
    return { line: made.line, id: made.id };
  }

  /** A signed vote of this (validator) key. */
  vote(fields: Omit<Vote, "sig" | "validator">): Vote {
    const unsigned = { ...fields, validator: this.key };
    const sig = sign(this.#secretKey, voteSigningBytes(unsigned));
    return { ...unsigned, sig: encodeBase64Url(sig) };
  }
}

function genesisOf(
  name: string,
  validators: Signer[],
  accounts: { key: string; balance: number }[],
): Genesis {
  return {
    kind: "kith-ledger",
    version: 1,
    name,
    time: 1_700_000_000_000,
    // Unequal stakes, so quorums need different numbers of signers.
    validators: validators.map((v, i) => ({
      key: v.key,
      stake: 10_000 + 1_000 * i,
    })),
    accounts,
    params: DEFAULT_PARAMS,
  };
}

/**
 * Precommits for `block` by a random subset of the validators of `state`
 * (the state it was built on), `min` of them or more, until they hold
 * more than 2/3 of the power.
 */
function commitFor(
  state: LedgerState,
  block: Block,
  signers: Map<string, Signer>,
  random: () => number,
  min: number,
): Vote[] {
  const { members, total } = validatorSet(state);
  const order = members.map((m) => ({ ...m, r: random() }))
    .sort((a, b) => a.r - b.r);
  const id = blockId(block);
  const votes: Vote[] = [];
  let power = 0;
  for (const member of order) {
    if (votes.length >= min && isQuorum(power, total)) break;
    votes.push(signers.get(member.key)!.vote({
      ledger: block.ledger,
      height: block.height,
      round: block.round,
      type: "precommit",
      block: id,
    }));
    power += member.power;
  }
  return votes;
}

/** Keys that may not vote on an appeal: its appellant and flaggers. */
function partiesOf(state: LedgerState, appeal: string): Set<string> {
  const { appellant, flags } = state.appeal(appeal)!;
  return new Set([appellant, ...flags.map((id) => state.flag(id)!.flagger)]);
}

/** The shape of the replayed chain. */
export interface ChainShape {
  blocks: number;
  validators: number;
  accounts: number;
  /**
   * Precommits per commit: each block draws a number from this to the
   * number of validators, and adds signers past it until they hold more
   * than 2/3 of the power.
   */
  minSigners: number;
  /** Transactions offered per block: 0 to this many. */
  maxTxs: number;
  seed: number;
}

/** A chain of finalized blocks and how it was made. */
export interface Chain {
  genesis: Genesis;
  blocks: FinalizedBlock[];
  /** Included transactions by type, and candidates buildBlock refused. */
  txTypes: Record<string, number>;
  refused: number;
  buildSeconds: number;
  /** Where it is kept; whether this run read it from there. */
  file: string;
  cached: boolean;
}

type ChainFile = Omit<Chain, "blocks" | "file" | "cached"> & {
  version: string;
  shape: ChainShape;
};

/**
 * Builds a chain: a genesis with `validators` and `accounts` fresh keys,
 * then `blocks` blocks, each from buildBlock with round-0's proposer, 0 to
 * `maxTxs` signed transactions (flags, retractions, appeals, appeal votes,
 * delegations, undelegations, transfers) and a commit of real precommits
 * holding more than 2/3 of the power.
 */
export function buildChain(shape: ChainShape): Omit<Chain, "file" | "cached"> {
  const started = performance.now();
  const random = prng(shape.seed);
  const any = <T>(list: readonly T[]) =>
    list[Math.floor(random() * list.length)];
  const validators = Array.from(
    { length: shape.validators },
    () => new Signer(),
  );
  const users = Array.from({ length: shape.accounts }, () => new Signer());
  const genesis = genesisOf(
    "Bench ledger",
    validators,
    users.map((u) => ({ key: u.key, balance: 5_000 })),
  );
  const signers = new Map(validators.map((v) => [v.key, v]));
  const state = LedgerState.fromGenesis(genesis);
  const ledger = state.meta.ledger;
  // 2,000 posts by 200 authors; flags prefer the first ones.
  const postAuthors = Array.from(
    { length: 200 },
    (_, i) => idOf(`author ${i}`),
  );
  const subjectOf = (): Subject => {
    if (random() < 0.05) return { author: any(postAuthors) };
    const n = Math.floor(2_000 * random() ** 3);
    return { post: idOf(`post ${n}`), author: postAuthors[n % 200] };
  };
  const flags: { id: string; by: Signer; subject: Subject }[] = [];
  const appeals: string[] = [];
  const delegations: { by: Signer; validator: string }[] = [];
  const txTypes: Record<string, number> = {};
  let refused = 0;
  const blocks: FinalizedBlock[] = [];
  for (let height = 1; height <= shape.blocks; height++) {
    const time = genesis.time + height * 1_000;
    const candidates: { line: string; type: string }[] = [];
    const count = Math.floor(random() * (shape.maxTxs + 1));
    for (let i = 0; i < count; i++) {
      const pick = random();
      let by = any(users);
      let tx: Transaction = {
        type: "transfer",
        to: any(users).key,
        amount: 1 + Math.floor(random() * 50),
      };
      if (pick < 0.4) {
        tx = {
          type: "flag",
          subject: subjectOf(),
          category: any(FLAG_CATEGORIES),
          bond: 10 + Math.floor(random() * 40),
          ...(random() < 0.3 ? { note: "Seen in several threads." } : {}),
        };
      } else if (pick < 0.5 && flags.length > 0) {
        const flag = flags[Math.floor(random() * flags.length)];
        if (state.flag(flag.id)?.status === "active") {
          by = flag.by;
          tx = { type: "retract", flag: flag.id };
        }
      } else if (pick < 0.55 && flags.length > 0) {
        const subject = any(flags).subject;
        const record = state.subject(subjectKey(subject));
        const open = record?.appeal &&
          state.appeal(record.appeal)?.status === "open";
        if (record && !open) tx = { type: "appeal", subject, bond: 20 };
      } else if (pick < 0.7 && appeals.length > 0) {
        const appeal = appeals[appeals.length - 1 - Math.floor(random() * 5)];
        if (
          appeal && state.appeal(appeal)?.status === "open" &&
          !partiesOf(state, appeal).has(by.key)
        ) {
          tx = {
            type: "vote",
            appeal,
            choice: random() < 0.5 ? "uphold" : "overturn",
          };
        }
      } else if (pick < 0.8) {
        const validator = any(validators).key;
        tx = {
          type: "delegate",
          validator,
          amount: 10 + Math.floor(random() * 200),
        };
        delegations.push({ by, validator });
      } else if (pick < 0.85 && delegations.length > 0) {
        const { by: who, validator } = any(delegations);
        const held = state.delegation(validator, who.key);
        if (held > 0) {
          by = who;
          tx = {
            type: "undelegate",
            validator,
            amount: 1 + Math.floor(random() * held),
          };
        }
      }
      if (tx.type === "transfer" && tx.to === by.key) continue;
      const { line, id } = by.record(ledger, tx, time - 500);
      candidates.push({ line, type: tx.type });
      if (tx.type === "flag") flags.push({ id, by, subject: tx.subject });
      if (tx.type === "appeal") appeals.push(id);
    }
    const block = buildBlock(state, {
      round: 0,
      time,
      txs: candidates.map((c) => c.line),
      evidence: [],
    });
    const included = new Set(block.txs);
    for (const { line, type } of candidates) {
      if (included.has(line)) txTypes[type] = (txTypes[type] ?? 0) + 1;
      else refused++;
    }
    // At least 15 to 21 of them (the chosen number varies by block).
    const least = shape.minSigners +
      Math.floor(random() * (shape.validators - shape.minSigners + 1));
    const commit = commitFor(state, block, signers, random, least);
    executeBlock(state, block).state.commit();
    blocks.push({ block, commit });
  }
  return {
    genesis,
    blocks,
    txTypes,
    refused,
    buildSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * A digest of the ledger core's sources (lib/ledger/*.ts, tests left
 * out): a cached chain is only used with the core that built it.
 */
async function coreFingerprint(): Promise<string> {
  const folder = new URL("../lib/ledger/", import.meta.url);
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (
      entry.isFile && entry.name.endsWith(".ts") &&
      !entry.name.endsWith("_test.ts") && !entry.name.startsWith("_fixtures")
    ) names.push(entry.name);
  }
  let text = "";
  for (const name of names.sort()) {
    text += `${name}\n${await Deno.readTextFile(new URL(name, folder))}\n`;
  }
  return encodeBase64Url(sha256(encoder.encode(text))).slice(0, 12);
}

const CACHE_PREFIX = "kith-bench-ledger-";

/**
 * The chain of `shape`, from the temp folder when one of this
 * {@linkcode CHAIN_VERSION} and this core is there, else built and saved
 * there (stale copies of the same shape are removed).
 */
export async function loadChain(
  shape: ChainShape,
  options: { rebuild?: boolean } = {},
): Promise<Chain> {
  const folder = Deno.env.get("TMPDIR") ?? "/tmp";
  const name =
    `${CACHE_PREFIX}v${CHAIN_VERSION}-${await coreFingerprint()}-${shape.blocks}x${shape.validators}-${shape.seed}.ndjson`;
  const file = join(folder, name);
  if (!options.rebuild) {
    try {
      const lines = (await Deno.readTextFile(file)).split("\n")
        .filter(Boolean);
      const head = JSON.parse(lines[0]) as ChainFile;
      if (
        head.version === CHAIN_VERSION &&
        JSON.stringify(head.shape) === JSON.stringify(shape) &&
        lines.length === shape.blocks + 1
      ) {
        return {
          genesis: head.genesis,
          blocks: lines.slice(1).map((line) => JSON.parse(line)),
          txTypes: head.txTypes,
          refused: head.refused,
          buildSeconds: head.buildSeconds,
          file,
          cached: true,
        };
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const chain = buildChain(shape);
  const head: ChainFile = {
    version: CHAIN_VERSION,
    shape,
    genesis: chain.genesis,
    txTypes: chain.txTypes,
    refused: chain.refused,
    buildSeconds: chain.buildSeconds,
  };
  // Copies of this shape from other versions or cores are stale.
  const suffix = `-${shape.blocks}x${shape.validators}-${shape.seed}.ndjson`;
  for await (const entry of Deno.readDir(folder)) {
    if (
      entry.name.startsWith(CACHE_PREFIX) && entry.name.endsWith(suffix) &&
      entry.name !== name
    ) await Deno.remove(join(folder, entry.name)).catch(() => {});
  }
  const body = [head, ...chain.blocks].map((v) => JSON.stringify(v))
    .join("\n");
  await Deno.writeTextFile(`${file}.partial`, body + "\n");
  await Deno.rename(`${file}.partial`, file);
  return { ...chain, file, cached: false };
}

/** One way of replaying the chain, timed. */
export interface ReplayRun {
  seconds: number;
  /** Signatures verified (0 when the run verifies none). */
  signatures: number;
  /** CPU seconds of the process over the run (all its threads). */
  cpuSeconds: number;
  /** Seconds on this thread in verifyAll, and in rules and execution (inline only). */
  verifySeconds?: number;
  executeSeconds?: number;
}

/** Every replay figure of one chain. */
export interface ReplayFigures {
  blocks: number;
  signatures: number;
  precommits: number;
  transactions: number;
  /** Pipelined: rules and execution here, signatures in the pool ahead. */
  pipelined: ReplayRun[];
  /** As LedgerNode accepts a block: verifyAll, then execute, block by block. */
  inline: ReplayRun;
  /** Rules and execution alone (commitChecks, executeBlock, commit). */
  executeOnly: ReplayRun;
  /** The pool verifying every block's signatures, nothing else. */
  verifyOnly: ReplayRun;
  workers: number;
  ahead: number;
  batch: number;
  stateKeys: number;
}

function assertReplayed(state: LedgerState, chain: Chain): void {
  const last = chain.blocks[chain.blocks.length - 1].block;
  if (state.meta.height !== last.height || state.root() !== last.stateRoot) {
    throw new Error(`Replay ended at height ${state.meta.height}`);
  }
}

/**
 * Replays `chain` from genesis several ways (see {@linkcode ReplayFigures});
 * every way checks every commit's rules and every block's execution and
 * root, and all but execute-only verify every signature.
 */
export async function measureReplay(
  chain: Chain,
  options: { workers: number; ahead: number; batch: number; rounds: number },
): Promise<ReplayFigures> {
  const { blocks, genesis } = chain;
  let precommits = 0;
  let transactions = 0;
  for (const { block, commit } of blocks) {
    precommits += commit.length;
    transactions += block.txs.length;
  }
  const signatures = precommits + transactions;
  const seconds = (since: number) => (performance.now() - since) / 1000;
  let cpu = process.cpuUsage();
  const cpuSeconds = () => {
    const { user, system } = process.cpuUsage(cpu);
    return (user + system) / 1e6;
  };

  // Rules and execution alone.
  let state = LedgerState.fromGenesis(genesis);
  let started = performance.now();
  cpu = process.cpuUsage();
  for (const finalized of blocks) {
    commitChecks(state, finalized);
    executeBlock(state, finalized.block).state.commit();
  }
  const executeOnly = {
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    signatures: 0,
  };
  assertReplayed(state, chain);
  const stateKeys = state.size;

  // Inline, as LedgerNode checks a finalized block: all of its
  // signatures with verifyAll, then execution.
  state = LedgerState.fromGenesis(genesis);
  let verifySeconds = 0;
  let executeSeconds = 0;
  let verified = 0;
  started = performance.now();
  cpu = process.cpuUsage();
  for (const finalized of blocks) {
    const t0 = performance.now();
    const checks = [
      ...commitChecks(state, finalized),
      ...blockChecks(finalized.block),
    ];
    const t1 = performance.now();
    if (!await verifyAll(checks)) throw new Error("A signature failed");
    const t2 = performance.now();
    executeBlock(state, finalized.block).state.commit();
    executeSeconds += (t1 - t0 + performance.now() - t2) / 1000;
    verifySeconds += (t2 - t1) / 1000;
    verified += checks.length;
  }
  const inline = {
    seconds: seconds(started),
    cpuSeconds: cpuSeconds(),
    signatures: verified,
    verifySeconds,
    executeSeconds,
  };
  assertReplayed(state, chain);

  const pool = new VerifyPool(options.workers);
  try {
    // Warm the workers up (module load, key imports).
    await pool.verifyBlocks(blocks.slice(0, 50));
    // The pool alone.
    started = performance.now();
    cpu = process.cpuUsage();
    const counts = [];
    for (let i = 0; i < blocks.length; i += options.ahead) {
      const window = [];
      for (
        let j = i;
        j < Math.min(blocks.length, i + options.ahead);
        j += options.batch
      ) {
        window.push(
          pool.verifyBlocks(
            blocks.slice(j, Math.min(j + options.batch, i + options.ahead)),
          ),
        );
      }
      counts.push(...await Promise.all(window));
    }
    const verifyOnly = {
      seconds: seconds(started),
      cpuSeconds: cpuSeconds(),
      signatures: counts.reduce(
        (sum, c) => sum + c.counts.reduce((a, b) => a + b, 0),
        0,
      ),
    };
    if (counts.some((c) => !c.ok.every(Boolean))) {
      throw new Error("A signature failed");
    }
    const pipelined: ReplayRun[] = [];
    for (let round = 0; round < options.rounds; round++) {
      state = LedgerState.fromGenesis(genesis);
      started = performance.now();
      cpu = process.cpuUsage();
      const result = await applyFinalized(state, blocks, {
        pool,
        ahead: options.ahead,
        batch: options.batch,
      });
      pipelined.push({
        seconds: seconds(started),
        cpuSeconds: cpuSeconds(),
        signatures: result.signatures,
      });
      if (result.error) throw result.error;
      assertReplayed(state, chain);
    }
    return {
      blocks: blocks.length,
      signatures,
      precommits,
      transactions,
      pipelined,
      inline,
      executeOnly,
      verifyOnly,
      workers: pool.size,
      ahead: options.ahead,
      batch: options.batch,
      stateKeys,
    };
  } finally {
    pool.close();
  }
}

/** What each flagger of the moderation benchmark starts with. */
const FLAGGER_BALANCE = 2_000;

/** The shape of the moderation benchmark. */
export interface ModerationShape {
  /** Posts that may be flagged (subjects), by this many authors. */
  posts: number;
  authors: number;
  /** Flags in the starting state, by this many funded flaggers. */
  flags: number;
  flaggers: number;
  /** Appeals opened after the flags (they close during the series). */
  appeals: number;
  /** Of those, how many draw votes enough to be decided (the others lapse). */
  quorumAppeals: number;
  /** Transactions per measured block, one series each; blocks per series. */
  series: number[];
  blocks: number;
  /** Blocks carrying equivocation evidence (each slashes a validator). */
  slashBlocks: number;
  seed: number;
}

/** One measured block: execute + commit, then updateVerdicts. */
export interface BlockSample {
  txs: number;
  executeMs: number;
  updateMs: number;
  totalMs: number;
  /** CPU time of this process over the same span (all its threads). */
  cpuMs: number;
  touched: number;
  supplyChanged: boolean;
  changed: number;
}

/** What a state holds, for the report. */
export interface ModerationCensus {
  flags: number;
  activeFlags: number;
  subjects: number;
  maxFlagsOnPost: number;
  openAppeals: number;
  hidden: number;
  warned: number;
  downranked: number;
  visible: number;
  stateKeys: number;
  supply: number;
}

/** The moderation figures. */
export interface ModerationFigures {
  shape: ModerationShape;
  setupSeconds: number;
  start: ModerationCensus;
  /** moderate() over the starting state, ms per run. */
  moderateMs: number[];
  series: {
    txs: number;
    samples: BlockSample[];
    /** Transactions of the series by type. */
    types: Record<string, number>;
    end: ModerationCensus;
  }[];
  slashing: BlockSample[];
}

/** Throws unless block-by-block verdicts equal a full recomputation. */
function assertSameVerdicts(
  updated: Map<string, Verdict>,
  full: Map<string, Verdict>,
): void {
  const text = (verdicts: Map<string, Verdict>) =>
    JSON.stringify([...verdicts].sort((a, b) => a[0] < b[0] ? -1 : 1));
  if (text(updated) !== text(full)) {
    throw new Error("updateVerdicts and moderate() disagree");
  }
}

function census(state: LedgerState, verdicts: Map<string, Verdict>) {
  let activeFlags = 0;
  let flags = 0;
  for (const id of state.flagIds()) {
    flags++;
    if (state.flag(id)!.status === "active") activeFlags++;
  }
  let maxFlagsOnPost = 0;
  const keys = state.subjectKeys();
  for (const key of keys) {
    maxFlagsOnPost = Math.max(maxFlagsOnPost, state.subject(key)!.flags.length);
  }
  let openAppeals = 0;
  for (const id of state.appealIds()) {
    if (state.appeal(id)!.status === "open") openAppeals++;
  }
  const count = (test: (v: Verdict) => boolean) =>
    [...verdicts.values()].filter(test).length;
  return {
    flags,
    activeFlags,
    subjects: keys.length,
    maxFlagsOnPost,
    openAppeals,
    hidden: count((v) => v.status === "hidden"),
    warned: count((v) => v.status === "warned"),
    downranked: count((v) => v.downranked),
    visible: count((v) => v.status === "visible"),
    stateKeys: state.size,
    supply: state.meta.supply,
  };
}

/**
 * The moderation function's cost per block. A starting state is made
 * once from real signed blocks: `flags` flags by `flaggers` funded
 * accounts over `posts` posts (a Zipf-like spread: a few posts draw
 * hundreds of flags, most flagged posts one or two; each post has a
 * usual category that most of its flags use), then `appeals` appeals
 * with votes (`quorumAppeals` of them with enough to be decided). Unflagged posts are visible by default and take no state.
 *
 * Then, for each series, from that same state: `blocks` blocks of N
 * transactions (new flags, retractions, appeal votes, a few appeals),
 * each built untimed, then timed: executeBlock + commit, and
 * updateVerdicts on the touched subjects. No signature is verified here:
 * that is the replay's part. Last, `slashBlocks` blocks with
 * equivocation evidence: slashing burns stake, so every threshold moves
 * and every verdict is measured again.
 */
export function measureModeration(shape: ModerationShape): ModerationFigures {
  const setupStarted = performance.now();
  const random = prng(shape.seed);
  const validators = Array.from({ length: 21 }, () => new Signer());
  const flaggers = Array.from({ length: shape.flaggers }, () => new Signer());
  const genesis = genesisOf(
    "Moderation bench",
    validators,
    flaggers.map((f) => ({ key: f.key, balance: FLAGGER_BALANCE })),
  );
  // Small validator stakes: the supply is mostly the flaggers' 3 M, and
  // the most flagged posts pass the thresholds.
  genesis.validators = genesis.validators.map((v, i) => ({
    ...v,
    stake: 1_000 + 100 * i,
  }));
  const ledger = LedgerState.fromGenesis(genesis).meta.ledger;
  const authors = Array.from(
    { length: shape.authors },
    (_, i) => idOf(`mod author ${i}`),
  );
  // Rank r (0 = most flagged) names post (r × 7,919 + 13) mod posts.
  const subjectOfRank = (rank: number) => {
    const n = (rank * 7_919 + 13) % shape.posts;
    return { post: idOf(`mod post ${n}`), author: authors[n % shape.authors] };
  };
  const cdf = new Float64Array(shape.posts);
  let sum = 0;
  for (let r = 0; r < shape.posts; r++) cdf[r] = sum += 1 / (r + 1);
  const zipfRank = () => {
    const x = random() * sum;
    let lo = 0;
    let hi = shape.posts - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const usual = (rank: number) =>
    FLAG_CATEGORIES[(rank * 31 + 1) % FLAG_CATEGORIES.length];
  let budget = new Map(flaggers.map((f) => [f.key, FLAGGER_BALANCE]));
  let flaggedBy = new Map<number, Set<number>>();
  /** A new flag on a Zipf-chosen post by someone who has not flagged it. */
  const newFlag = (time: number) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const rank = zipfRank();
      const by = flaggedBy.get(rank) ?? new Set<number>();
      // Flaggers of the most flagged posts bond more.
      const bond = (rank < 20 ? 4 : 1) * (20 + Math.floor(random() * 111));
      for (let pick = 0; pick < 20; pick++) {
        const f = Math.floor(random() * flaggers.length);
        const flagger = flaggers[f];
        if (by.has(f) || budget.get(flagger.key)! < bond) continue;
        by.add(f);
        flaggedBy.set(rank, by);
        budget.set(flagger.key, budget.get(flagger.key)! - bond);
        const category: FlagCategory = random() < 0.75
          ? usual(rank)
          : FLAG_CATEGORIES[Math.floor(random() * FLAG_CATEGORIES.length)];
        const tx: Transaction = {
          type: "flag",
          subject: subjectOfRank(rank),
          category,
          bond,
        };
        const { line, id } = flagger.record(ledger, tx, time);
        return { line, id, flagger: f, rank, bond };
      }
    }
    throw new Error("No flagger left to flag with");
  };
  /** Someone who can still bond an appeal (20). */
  const appellant = () => {
    for (let pick = 0; pick < 1_000; pick++) {
      const by = flaggers[Math.floor(random() * flaggers.length)];
      if (budget.get(by.key)! < 20) continue;
      budget.set(by.key, budget.get(by.key)! - 20);
      return by;
    }
    throw new Error("No one left to appeal");
  };
  let flags: { id: string; flagger: number; rank: number; bond: number }[] = [];
  let appeals: string[] = [];
  const setup: Block[] = [];
  let state = LedgerState.fromGenesis(genesis);
  const maxTxs = genesis.params.maxBlockTxs;
  const addBlock = (txs: string[], evidence: Evidence[] = []) => {
    const block = buildBlock(state, {
      round: 0,
      time: state.meta.time + 1_000,
      txs,
      evidence,
    });
    if (block.txs.length !== txs.length) {
      throw new Error(
        `Block ${block.height} kept ${block.txs.length} of ${txs.length} transactions`,
      );
    }
    return block;
  };
  // Flags, in full blocks.
  while (flags.length < shape.flags) {
    const txs: string[] = [];
    const time = state.meta.time + 1_000;
    while (txs.length < maxTxs && flags.length < shape.flags) {
      const flag = newFlag(time);
      flags.push(flag);
      txs.push(flag.line);
    }
    const block = addBlock(txs);
    executeBlock(state, block).state.commit();
    setup.push(block);
  }
  // Appeals on flagged posts, with votes, spread over ten blocks so they
  // close at different heights during the series.
  let appealed = new Set<number>();
  const ranks = [...new Set(flags.map((f) => f.rank))];
  const quorumVoters = 5 + Math.ceil(
    (state.meta.supply * genesis.params.appealQuorumBps) / 10_000 /
      FLAGGER_BALANCE,
  );
  for (let b = 0; b < 10; b++) {
    const txs: string[] = [];
    const time = state.meta.time + 1_000;
    for (let i = 0; i < shape.appeals / 10; i++) {
      const rank = ranks[Math.floor(random() * ranks.length)];
      if (appealed.has(rank)) continue;
      appealed.add(rank);
      const by = appellant();
      const { line, id } = by.record(
        ledger,
        { type: "appeal", subject: subjectOfRank(rank), bond: 20 },
        time,
      );
      txs.push(line);
      appeals.push(id);
      // Most appeals draw a few votes and lapse; some draw enough stake
      // (each flagger holds FLAGGER_BALANCE) to reach the quorum.
      // The appellant and the flaggers may not vote.
      const voters = i < shape.quorumAppeals / 10 ? quorumVoters : 3;
      const first = Math.floor(random() * flaggers.length);
      const parties = flaggedBy.get(rank)!;
      let cast = 0;
      for (let v = 0; v < flaggers.length && cast < voters; v++) {
        const f = (first + v) % flaggers.length;
        if (parties.has(f) || flaggers[f] === by) continue;
        cast++;
        txs.push(
          flaggers[f].record(ledger, {
            type: "vote",
            appeal: id,
            choice: random() < 0.5 ? "uphold" : "overturn",
          }, time).line,
        );
      }
    }
    const block = addBlock(txs);
    executeBlock(state, block).state.commit();
    setup.push(block);
  }
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  // The generator's view of the starting state, restored with it.
  const saved = {
    flags: [...flags],
    appeals: [...appeals],
    appealed: new Set(appealed),
    budget: new Map(budget),
    flaggedBy: new Map([...flaggedBy].map(([r, by]) => [r, new Set(by)])),
  };
  const fresh = () => {
    flags = [...saved.flags];
    appeals = [...saved.appeals];
    appealed = new Set(saved.appealed);
    budget = new Map(saved.budget);
    flaggedBy = new Map(
      [...saved.flaggedBy].map(([r, by]) => [r, new Set(by)]),
    );
    const next = LedgerState.fromGenesis(genesis);
    for (const block of setup) executeBlock(next, block).state.commit();
    return next;
  };
  const start = census(state, moderate(state));
  const moderateMs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    moderate(state);
    moderateMs.push(performance.now() - t0);
  }

  /** Transactions made by mixedTxs in the current series, by type. */
  let made: Record<string, number> = {};
  const count = (type: string) => made[type] = (made[type] ?? 0) + 1;
  /** N transactions: ~40% new flags, ~40% retractions, ~15% votes, ~5% appeals. */
  const mixedTxs = (n: number): string[] => {
    const time = state.meta.time + 1_000;
    const txs: string[] = [];
    const retracted = new Set<string>();
    // An appeal and a retraction on one subject in one block would clash.
    const busy = new Set<string>();
    for (let attempt = 0; txs.length < n && attempt < 20 * n; attempt++) {
      const pick = random();
      if (pick < 0.4) {
        const flag = newFlag(time);
        flags.push(flag);
        txs.push(flag.line);
        count("flag");
      } else if (pick < 0.8) {
        // A flag that may be retracted now (a few tries; flags that are no
        // longer active leave the list).
        let found: { flag: typeof flags[number]; key: string } | undefined;
        for (let t = 0; t < 20 && !found && flags.length > 0; t++) {
          const at = Math.floor(random() * flags.length);
          const flag = flags[at];
          const record = state.flag(flag.id);
          if (record && record.status !== "active") {
            flags[at] = flags[flags.length - 1];
            flags.pop();
            continue;
          }
          if (!record || retracted.has(flag.id)) continue;
          const key = subjectKey(record.subject);
          const subject = state.subject(key);
          const appeal = subject?.appeal ? state.appeal(subject.appeal) : null;
          if (
            busy.has(key) ||
            (appeal?.status === "open" && appeal.flags.includes(flag.id))
          ) continue;
          found = { flag, key };
        }
        if (!found) continue;
        const { flag, key } = found;
        busy.add(key);
        retracted.add(flag.id);
        flaggedBy.get(flag.rank)?.delete(flag.flagger);
        const flagger = flaggers[flag.flagger];
        budget.set(flagger.key, budget.get(flagger.key)! + flag.bond);
        txs.push(
          flagger.record(ledger, { type: "retract", flag: flag.id }, time).line,
        );
        count("retract");
      } else if (pick < 0.95) {
        const id = appeals[appeals.length - 1 - Math.floor(random() * 100)];
        if (!id || state.appeal(id)?.status !== "open") continue;
        const voter = flaggers[Math.floor(random() * flaggers.length)];
        if (partiesOf(state, id).has(voter.key)) continue;
        txs.push(
          voter.record(ledger, {
            type: "vote",
            appeal: id,
            choice: random() < 0.5 ? "uphold" : "overturn",
          }, time).line,
        );
        count("vote");
      } else {
        const rank = ranks[Math.floor(random() * ranks.length)];
        const key = subjectKey(subjectOfRank(rank));
        const record = state.subject(key);
        const open = record?.appeal &&
          state.appeal(record.appeal)?.status === "open";
        if (!record || open || appealed.has(rank) || busy.has(key)) continue;
        if (!record.flags.some((id) => state.flag(id)!.status === "active")) {
          continue;
        }
        busy.add(key);
        appealed.add(rank);
        const by = appellant();
        const appealMade = by.record(
          ledger,
          { type: "appeal", subject: subjectOfRank(rank), bond: 20 },
          time,
        );
        appeals.push(appealMade.id);
        txs.push(appealMade.line);
        count("appeal");
      }
    }
    return txs;
  };

  /** Executes, commits and updates verdicts for one block, timed. */
  const timed = (block: Block, verdicts: Map<string, Verdict>) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const execution = executeBlock(state, block);
    execution.state.commit();
    const t1 = performance.now();
    const changed = updateVerdicts(verdicts, state, execution);
    const t2 = performance.now();
    const { user, system } = process.cpuUsage(cpu);
    return {
      txs: block.txs.length,
      executeMs: t1 - t0,
      updateMs: t2 - t1,
      totalMs: t2 - t0,
      cpuMs: (user + system) / 1000,
      touched: execution.touched.size,
      supplyChanged: execution.supplyChanged,
      changed: changed.length,
    };
  };

  const series: ModerationFigures["series"] = [];
  for (const n of shape.series) {
    state = fresh();
    // Retractions and appeals above refer to this state's flags.
    const verdicts = moderate(state);
    const samples: BlockSample[] = [];
    made = {};
    for (let b = 0; b < shape.blocks; b++) {
      const block = addBlock(mixedTxs(n));
      samples.push(timed(block, verdicts));
    }
    assertSameVerdicts(verdicts, moderate(state));
    series.push({ txs: n, samples, types: made, end: census(state, verdicts) });
  }

  // Slashing: one validator equivocates per block.
  state = fresh();
  const verdicts = moderate(state);
  const slashing: BlockSample[] = [];
  for (let b = 0; b < shape.slashBlocks; b++) {
    const height = state.meta.height;
    const vote = (block: string) =>
      validators[b].vote({
        ledger,
        height,
        round: 0,
        type: "precommit",
        block,
      });
    const evidence: Evidence = {
      kind: "equivocation",
      votes: [vote(idOf(`a ${b}`)), vote(idOf(`b ${b}`))],
    };
    const block = addBlock([], [evidence]);
    if (block.evidence.length !== 1) throw new Error("Evidence left out");
    slashing.push(timed(block, verdicts));
  }
  assertSameVerdicts(verdicts, moderate(state));
  return { shape, setupSeconds, start, moderateMs, series, slashing };
}
