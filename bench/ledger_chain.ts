/**
 * The replayed chain: 10,000 finalized blocks with 21 validators, built
 * from real signed blocks ({@linkcode buildChain}) and cached
 * ({@linkcode loadChain}).
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
import { sha256 } from "@noble/hashes/sha2.js";
import {
  type Block,
  blockId,
  buildBlock,
  executeBlock,
  type FinalizedBlock,
  FLAG_CATEGORIES,
  type Genesis,
  isQuorum,
  LedgerState,
  type Subject,
  subjectKey,
  type Transaction,
  validatorSet,
  type Vote,
} from "../lib/ledger/mod.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import { genesisOf, idOf, partiesOf, prng, Signer } from "./_ledger_keys.ts";

/** Bump when the chain's recipe changes, so a cached chain is rebuilt. */
export const CHAIN_VERSION = "2";

const encoder = new TextEncoder();

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
