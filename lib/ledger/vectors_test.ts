import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { publicKeyOf, verifyEd25519 } from "../crypto/mod.ts";
import { verifyForkProof } from "../log/mod.ts";
import {
  canonicalBytes,
  canonicalize,
  decodeBase64Url,
  encodeBase64Url,
  verifyRecord,
} from "../protocol/mod.ts";
import { generateFile } from "../../tests/vectors/generate_ledger.ts";
import {
  applyEvidence,
  applyTransaction,
  assertValidGenesis,
  type Block,
  blockChecks,
  blockId,
  buildBlock,
  commitChecks,
  decodeTransaction,
  type Evidence,
  evidenceChecks,
  evidenceId,
  executeBlock,
  type Genesis,
  LedgerError,
  ledgerIdOf,
  LedgerState,
  moderate,
  proposerOf,
  type SignatureCheck,
  validatorSet,
  type Vote,
} from "./mod.ts";
import { StateTable } from "./state_table.ts";

const VECTORS = new URL("../../tests/vectors/ledger.json", import.meta.url);
// deno-lint-ignore no-explicit-any
type Loose = any;
const vectors = JSON.parse(await Deno.readTextFile(VECTORS)) as {
  keys: Record<
    string,
    { label: string; ed25519_secret_hex: string; author: string }
  >;
  genesis: Genesis;
  ledger_id: string;
  genesis_root: string;
  transactions: {
    id: string;
    signer: string;
    seq: number;
    tx: unknown;
    line: string;
  }[];
  blocks: {
    name: string;
    id: string;
    block: Block;
    supply: number;
    burned: number;
    verdicts: Loose;
  }[];
  commits: {
    height: number;
    block_id: string;
    precommits: Vote[];
    power: number;
    total: number;
  }[];
  evidence: {
    kind: string;
    id: string;
    included_at: number;
    evidence: Evidence;
  }[];
  proposers: {
    name: string;
    validators: { key: string; stake: number }[];
    heights: string[];
    rounds_at_height_1: string[];
    priorities_after: Record<string, number>;
  }[];
  state_table: {
    entries: [string, unknown][];
    buckets: Record<string, number>;
    root: string;
  };
  invalid: Loose[];
};
const encoder = new TextEncoder();
const b64 = (bytes: Uint8Array) => encodeBase64Url(bytes);

async function verifyAll(checks: SignatureCheck[]): Promise<boolean> {
  for (const { key, message, sig } of checks) {
    const ok = await verifyEd25519(
      decodeBase64Url(key)!,
      message,
      decodeBase64Url(sig)!,
    );
    if (!ok) return false;
  }
  return true;
}

/** The state after `height` blocks of the vectors. */
function stateAt(height: number): LedgerState {
  const state = LedgerState.fromGenesis(vectors.genesis);
  for (const { block } of vectors.blocks.slice(0, height)) {
    executeBlock(state, block).state.commit();
  }
  return state;
}

Deno.test("the ledger vectors are frozen: regenerating them changes nothing", async () => {
  assert.equal(generateFile(), await Deno.readTextFile(VECTORS));
});

Deno.test("vector keys come from their labels", () => {
  for (
    const { label, ed25519_secret_hex, author } of Object.values(vectors.keys)
  ) {
    const secret = sha256(encoder.encode(label));
    assert.equal(bytesToHex(secret), ed25519_secret_hex);
    assert.equal(b64(publicKeyOf(secret)), author);
  }
});

Deno.test("genesis: valid, its ledger id and its state root", () => {
  assertValidGenesis(vectors.genesis);
  assert.equal(ledgerIdOf(vectors.genesis), vectors.ledger_id);
  assert.equal(b64(sha256(canonicalBytes(vectors.genesis))), vectors.ledger_id);
  assert.equal(
    LedgerState.fromGenesis(vectors.genesis).root(),
    vectors.genesis_root,
  );
});

Deno.test("transactions: signed records of this ledger that decode as given", async () => {
  for (const { id, signer, seq, tx, line } of vectors.transactions) {
    const record = await verifyRecord(line, {
      now: Number.MAX_SAFE_INTEGER,
      verify: verifyEd25519,
    });
    assert.equal(record.id, id);
    const { transaction } = decodeTransaction(line, vectors.ledger_id);
    assert.deepEqual(transaction, { id, signer, seq, tx });
  }
});

Deno.test("blocks: ids, state roots, supply and verdicts, in order from genesis", async () => {
  const state = LedgerState.fromGenesis(vectors.genesis);
  for (const { name, id, block, supply, burned, verdicts } of vectors.blocks) {
    assert.equal(blockId(block), id, name);
    assert.equal(b64(sha256(canonicalBytes(block))), id);
    assert.ok(await verifyAll(blockChecks(block)), name);
    const rebuilt = buildBlock(state, {
      round: block.round,
      time: block.time,
      txs: block.txs,
      evidence: block.evidence,
    });
    assert.deepEqual(
      rebuilt,
      block,
      `${name}: a proposer builds the same block`,
    );
    const { state: next } = executeBlock(state, block);
    next.commit();
    assert.equal(state.root(), block.stateRoot);
    assert.equal(state.blockId, id);
    assert.deepEqual([state.meta.supply, state.meta.burned], [supply, burned]);
    assert.deepEqual(
      JSON.parse(canonicalize(Object.fromEntries(moderate(state)))),
      verdicts,
      name,
    );
  }
});

Deno.test("commits: more than 2/3 of power, signatures that verify", async () => {
  for (
    const { height, block_id, precommits, power, total } of vectors.commits
  ) {
    const base = stateAt(height - 1);
    const { block } = vectors.blocks[height - 1];
    assert.equal(blockId(block), block_id);
    const checks = commitChecks(base, { block, commit: precommits });
    assert.ok(await verifyAll(checks));
    const set = validatorSet(base);
    assert.equal(set.total, total);
    const sum = precommits.reduce(
      (s, v) => s + set.members.find((m) => m.key === v.validator)!.power,
      0,
    );
    assert.equal(sum, power);
    assert.ok(3 * power > 2 * total);
  }
});

Deno.test("evidence: ids, signatures, and its block", async () => {
  for (const { kind, id, included_at, evidence } of vectors.evidence) {
    assert.equal(evidence.kind, kind);
    assert.equal(evidenceId(evidence), id);
    assert.ok(await verifyAll(evidenceChecks(evidence)));
    if (evidence.kind === "fork") {
      assert.ok(
        await verifyForkProof(evidence.proof, { verify: verifyEd25519 }),
      );
    }
    const included = vectors.blocks[included_at - 1].block.evidence;
    assert.ok(included.some((item) => evidenceId(item) === id));
  }
});

Deno.test("proposers: stake-weighted round robin as listed", () => {
  for (const vector of vectors.proposers) {
    const genesis = { ...vectors.genesis, validators: vector.validators };
    const state = LedgerState.fromGenesis(genesis);
    const heights = vector.heights.map(() => {
      const { proposer, priorities } = proposerOf(state, 0);
      state.setPriorities(priorities);
      return proposer;
    });
    assert.deepEqual(heights, vector.heights, vector.name);
    assert.deepEqual(state.priorities, vector.priorities_after);
    const rounds = vector.rounds_at_height_1.map((_, round) =>
      proposerOf(LedgerState.fromGenesis(genesis), round).proposer
    );
    assert.deepEqual(rounds, vector.rounds_at_height_1);
  }
});

Deno.test("state table: buckets and root, computed a second way", () => {
  const { entries, buckets, root } = vectors.state_table;
  const fnv = (text: string) => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    }
    return (hash >>> 0) % 1_024;
  };
  const lines: string[][] = Array.from({ length: 1_024 }, () => []);
  for (const [key, value] of entries) {
    assert.equal(fnv(key), buckets[key]);
    lines[fnv(key)].push(`${key}\t${canonicalize(value)}\n`);
  }
  const all = new Uint8Array(1_024 * 32);
  lines.forEach((bucket, i) =>
    all.set(sha256(encoder.encode(bucket.sort().join(""))), i * 32)
  );
  assert.equal(b64(sha256(all)), root);
  const table = new StateTable();
  for (const [key, value] of entries) table.set(key, value);
  assert.equal(table.root(), root);
});

/** Runs one invalid case the way its `kind` says, on `state` if it has a base. */
function attempt(item: Loose, state: LedgerState): void {
  switch (item.kind) {
    case "genesis":
      ledgerIdOf(item.genesis);
      return;
    case "transaction": {
      const { transaction } = decodeTransaction(item.line, vectors.ledger_id);
      applyTransaction(state, transaction, { height: item.base + 1 });
      return;
    }
    case "block":
      executeBlock(state, item.block);
      return;
    case "commit":
      commitChecks(state, {
        block: vectors.blocks[item.height - 1].block,
        commit: item.precommits,
      });
      return;
    case "evidence":
      applyEvidence(state, item.evidence, { height: item.base + 1 });
      return;
  }
  throw new Error(`unknown kind ${item.kind}`);
}

Deno.test("every invalid vector is refused with its reason and message, and cites its rule", () => {
  const kinds = new Set<string>();
  for (const item of vectors.invalid) {
    kinds.add(item.kind);
    assert.match(item.source, /^(docs\/ledger\.md § |CometBFT )/, item.name);
    const state = stateAt(
      item.base ?? (item.kind === "commit" ? item.height - 1 : 0),
    );
    const root = state.root();
    assert.throws(() => attempt(item, state), (error: unknown) => {
      assert.ok(error instanceof LedgerError, `${item.name}: ${error}`);
      assert.equal(error.name, "LedgerError");
      assert.equal(error.reason, item.reason, item.name);
      assert.equal(error.message, item.message, item.name);
      return true;
    });
    assert.equal(state.root(), root, `${item.name} changed the state`);
  }
  assert.deepEqual([...kinds].sort(), [
    "block",
    "commit",
    "evidence",
    "genesis",
    "transaction",
  ]);
});
