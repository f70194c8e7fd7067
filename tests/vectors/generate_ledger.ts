/**
 * Generates tests/vectors/ledger.json: a moderation ledger (docs/ledger.md)
 * from genesis through three blocks, with its ids, state roots, signed
 * transactions, commits, evidence and verdicts, and invalid genesis
 * documents, transactions, blocks, commits and evidence, each with the
 * LedgerError every implementation must give and the rule it breaks.
 *
 *   deno run -A tests/vectors/generate_ledger.ts --write
 *
 * Deterministic: secret keys are SHA-256 of `kith test vector author
 * <name>` (alice and bob as in records.json), Ed25519 signatures are
 * deterministic and every time is fixed, so re-running reproduces the file
 * byte for byte. Frozen: lib/ledger/vectors_test.ts regenerates it in
 * memory and fails on any difference. Rewrite it only for a new ledger
 * version.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { publicKeyOf, sign } from "../../lib/crypto/mod.ts";
import { makeForkProof } from "../../lib/log/mod.ts";
import { createRecord, encodeBase64Url } from "../../lib/protocol/mod.ts";
import { StateTable } from "../../lib/ledger/state_table.ts";
import {
  applyEvidence,
  applyTransaction,
  type Block,
  blockId,
  buildBlock,
  commitChecks,
  decodeTransaction,
  DEFAULT_PARAMS,
  equivocation,
  type Evidence,
  evidenceId,
  executeBlock,
  type Genesis,
  LedgerError,
  ledgerIdOf,
  LedgerState,
  moderate,
  proposerOf,
  validatorSet,
  type Vote,
  voteSigningBytes,
} from "../../lib/ledger/mod.ts";

/** Genesis time; block n is at GENESIS_TIME + n × 1,000. */
export const GENESIS_TIME = 1_795_500_000_000;

const NAMES = [
  "alice",
  "bob",
  "carol",
  "dave",
  "erin",
  "val1",
  "val2",
  "val3",
  "val4",
] as const;
type Name = typeof NAMES[number];

const people = Object.fromEntries(NAMES.map((name) => {
  const label = `kith test vector author ${name}`;
  const secretKey = sha256(new TextEncoder().encode(label));
  return [name, {
    label,
    secretKey,
    key: encodeBase64Url(publicKeyOf(secretKey)),
  }];
})) as Record<Name, { label: string; secretKey: Uint8Array; key: string }>;
const key = (name: Name) => people[name].key;
const fixedId = (label: string) =>
  encodeBase64Url(
    sha256(new TextEncoder().encode(`kith test vector id ${label}`)),
  );

const DOC = "docs/ledger.md §";
const COMET_EVIDENCE =
  "CometBFT spec/consensus/evidence.md § DuplicateVoteEvidence";
const COMET_PROPOSER = "CometBFT spec/consensus/proposer-selection.md";

export const GENESIS: Genesis = {
  kind: "kith-ledger",
  version: 1,
  name: "Vector ledger",
  time: GENESIS_TIME,
  validators: [
    { key: key("val1"), stake: 40 },
    { key: key("val2"), stake: 30 },
    { key: key("val3"), stake: 20 },
    { key: key("val4"), stake: 30 },
  ],
  accounts: (["alice", "bob", "carol", "dave"] as const).map((name) => ({
    key: key(name),
    balance: 1_000,
  })),
  params: { ...DEFAULT_PARAMS, maxBlockTxs: 5, evidenceMaxAge: 2 },
};
const LEDGER = ledgerIdOf(GENESIS);
/** The post flagged and appealed: by erin. */
const POST = { post: fixedId("erin's post"), author: key("erin") };

/** Ledger entries of each author, numbered from seq 1 in order of writing. */
const logs = new Map<Name, { seq: number; prev: string | null }>();
function entry(
  who: Name,
  tx: Record<string, unknown>,
  options: { seq?: number; ledger?: string } = {},
) {
  const log = logs.get(who) ?? { seq: 0, prev: null };
  const seq = options.seq ?? log.seq + 1;
  const made = createRecord({
    author: key(who),
    seq,
    prev: seq === 1
      ? null
      : (options.seq ? fixedId(`${who} ${seq - 1}`) : log.prev),
    ts: GENESIS_TIME + seq,
    type: "ledger",
    content: { ledger: options.ledger ?? LEDGER, tx },
  }, { sign: (bytes) => sign(people[who].secretKey, bytes) });
  if (options.seq === undefined) logs.set(who, { seq, prev: made.id });
  return { ...made, seq, signer: key(who), tx };
}

function vote(
  who: Name,
  fields: Omit<Vote, "validator" | "sig" | "type" | "ledger"> & Partial<Vote>,
): Vote {
  const unsigned = {
    ledger: fields.ledger ?? LEDGER,
    height: fields.height,
    round: fields.round,
    type: fields.type ?? "precommit",
    block: fields.block,
    validator: key(who),
  };
  return {
    ...unsigned,
    sig: encodeBase64Url(
      sign(people[who].secretKey, voteSigningBytes(unsigned)),
    ),
  };
}

function post(who: Name, seq: number, text: string) {
  return createRecord({
    author: key(who),
    seq,
    prev: seq === 1 ? null : fixedId(`${who} ${seq - 1}`),
    ts: GENESIS_TIME + seq,
    type: "post",
    content: { text },
  }, { sign: (bytes) => sign(people[who].secretKey, bytes) });
}

/** Runs `action` and returns the LedgerError it must throw. */
function refusal(action: () => unknown): { reason: string; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof LedgerError) {
      return { reason: error.reason, message: error.message };
    }
    throw error;
  }
  throw new Error("expected a LedgerError");
}

/** 32-bit FNV-1a of UTF-16 code units, mod 1,024 (docs/ledger.md § State root). */
function bucketOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 1_024;
}

/** The whole vector file, as a value. Pure apart from the fixed seeds. */
export function generateVectors() {
  logs.clear();
  const states: LedgerState[] = [LedgerState.fromGenesis(GENESIS)];
  const stateAt = (height: number) => {
    const state = LedgerState.fromGenesis(GENESIS);
    for (const block of blocks.slice(0, height)) {
      executeBlock(state, block.block).state.commit();
    }
    return state;
  };
  const blocks: { name: string; block: Block }[] = [];
  const transactions: ReturnType<typeof entry>[] = [];
  const addBlock = (
    name: string,
    txs: ReturnType<typeof entry>[],
    evidence: Evidence[],
  ) => {
    const state = states[states.length - 1];
    const block = buildBlock(state, {
      round: 0,
      time: GENESIS_TIME + 1_000 * (state.meta.height + 1),
      txs: txs.map((t) => t.line),
      evidence,
    });
    if (
      block.txs.length !== txs.length ||
      block.evidence.length !== evidence.length
    ) {
      throw new Error(`${name}: something did not apply`);
    }
    const next = LedgerState.fromGenesis(GENESIS);
    for (const b of [...blocks.map((b) => b.block), block]) {
      executeBlock(next, b).state.commit();
    }
    states.push(next);
    blocks.push({ name, block });
    transactions.push(...txs);
  };

  // Block 1: a transfer, a delegation, two flags, a checkpoint.
  const transfer = entry("alice", {
    type: "transfer",
    to: key("bob"),
    amount: 100,
  });
  const block1Txs = [
    transfer,
    entry("bob", { type: "delegate", validator: key("val4"), amount: 200 }),
    entry("carol", {
      type: "flag",
      subject: POST,
      category: "abuse",
      bond: 300,
      note: "threats",
    }),
    entry("dave", {
      type: "flag",
      subject: { author: key("erin") },
      category: "spam",
      bond: 100,
    }),
    entry("val1", {
      type: "checkpoint",
      heads: [{ author: key("alice"), seq: 1, id: transfer.id }],
    }),
  ];
  addBlock("block 1: transfer, delegate, two flags, checkpoint", block1Txs, []);
  const block1Id = blockId(blocks[0].block);

  // Block 2: an appeal carried at once by a majority; a fork; an equivocation.
  // alice appeals carol's flag; parties do not vote, so bob, the validators
  // and dave (whose flag is on erin, not on the post) carry it: 2,170 of a
  // supply of 4,120 at dave's vote.
  const appeal = entry("alice", { type: "appeal", subject: POST, bond: 50 });
  const nil = vote("val3", { height: 1, round: 0, block: null });
  const commit1 = (["val1", "val2", "val3"] as const).map((who) =>
    vote(who, { height: 1, round: 0, block: block1Id })
  );
  const equivocating = equivocation(commit1[2], nil);
  const fork: Evidence = {
    kind: "fork",
    proof: makeForkProof(
      post("erin", 1, "first").entry,
      post("erin", 1, "second").entry,
    ),
  };
  addBlock(
    "block 2: appeal decided early by a majority, a fork proof, equivocation",
    [
      appeal,
      entry("bob", { type: "vote", appeal: appeal.id, choice: "overturn" }),
      entry("val2", { type: "vote", appeal: appeal.id, choice: "overturn" }),
      entry("val1", { type: "vote", appeal: appeal.id, choice: "overturn" }),
      entry("dave", { type: "vote", appeal: appeal.id, choice: "overturn" }),
    ],
    [fork, equivocating],
  );
  const block2Id = blockId(blocks[1].block);
  const commit2 = (["val4", "val1"] as const).map((who) =>
    vote(who, { height: 2, round: 0, block: block2Id })
  );

  // Block 3: val3 is jailed and no longer proposes. alice flags the post,
  // dave appeals: bob votes, moves 800 to carol, and carol votes. Weights
  // are holdings when counted, so bob's stake counts once: uphold 1,950 of
  // a supply of 3,969 is not more than half, and the appeal stays open.
  // (Counted at the time of each vote it would be 2,750 and decide at once.)
  const second = entry("dave", { type: "appeal", subject: POST, bond: 10 });
  addBlock(
    "block 3: stake moved after a vote counts once (the appeal stays open), without the jailed validator",
    [
      entry("alice", {
        type: "flag",
        subject: POST,
        category: "other",
        bond: 10,
      }),
      second,
      entry("bob", { type: "vote", appeal: second.id, choice: "uphold" }),
      entry("bob", { type: "transfer", to: key("carol"), amount: 800 }),
      entry("carol", { type: "vote", appeal: second.id, choice: "uphold" }),
    ],
    [],
  );

  const invalid: Record<string, unknown>[] = [];
  const refuse = (
    name: string,
    kind: string,
    source: string,
    input: Record<string, unknown>,
    action: () => unknown,
  ) => invalid.push({ name, kind, ...input, ...refusal(action), source });

  // --- Genesis ---------------------------------------------------------
  // deno-lint-ignore no-explicit-any
  type Loose = Record<string, any>;
  const genesisCase = (name: string, change: (g: Loose) => void) => {
    const genesis = structuredClone(GENESIS) as Loose;
    change(genesis);
    refuse(
      name,
      "genesis",
      `${DOC} Genesis`,
      { genesis },
      () => ledgerIdOf(genesis as Genesis),
    );
  };
  genesisCase("version 2", (g) => (g.version = 2));
  genesisCase("unknown field", (g) => (g.chainId = "kith"));
  genesisCase("name of 65 characters", (g) => (g.name = "n".repeat(65)));
  genesisCase("no validators", (g) => (g.validators = []));
  genesisCase("validator stake 0", (g) => (g.validators[2].stake = 0));
  genesisCase(
    "a validator key twice",
    (g) => (g.validators[1].key = g.validators[0].key),
  );
  genesisCase("hideBps above 10,000", (g) => (g.params.hideBps = 10_001));
  genesisCase("appealBlocks 0", (g) => (g.params.appealBlocks = 0));
  genesisCase(
    "unknown category effect",
    (g) => (g.params.categories.spam = "ban"),
  );
  genesisCase("params not an object", (g) => (g.params = null));

  // --- Transactions ----------------------------------------------------
  // `base` is the height of the state the line is applied to, at base + 1.
  const tx = (
    name: string,
    base: number,
    source: string,
    line: string,
  ) =>
    refuse(name, "transaction", source, { base, line }, () => {
      const state = stateAt(base);
      const { transaction } = decodeTransaction(line, LEDGER);
      applyTransaction(state, transaction, { height: base + 1 });
    });
  const shape = `${DOC} Transactions (shape)`;
  const seqAt = (who: Name, base: number) => stateAt(base).nonce(key(who)) + 1;
  const at = (
    who: Name,
    base: number,
    body: Record<string, unknown>,
    ledger?: string,
  ) => entry(who, body, { seq: seqAt(who, base), ledger }).line;
  tx(
    "flag bond 0",
    0,
    shape,
    at("bob", 0, { type: "flag", subject: POST, category: "abuse", bond: 0 }),
  );
  tx(
    "unknown field",
    0,
    shape,
    at("bob", 0, { type: "transfer", to: key("carol"), amount: 1, memo: "hi" }),
  );
  tx("unknown type", 0, shape, at("bob", 0, { type: "mint", amount: 1 }));
  tx(
    "note of 281 characters",
    0,
    shape,
    at("bob", 0, {
      type: "flag",
      subject: POST,
      category: "other",
      bond: 10,
      note: "n".repeat(281),
    }),
  );
  tx(
    "a post, not a ledger entry",
    0,
    shape,
    post("bob", 1, "not a transaction").line,
  );
  tx(
    "another ledger",
    0,
    `${DOC} Transactions (wrong_ledger)`,
    at("bob", 0, {
      type: "transfer",
      to: key("carol"),
      amount: 1,
    }, fixedId("another ledger")),
  );
  const table = `${DOC} Transactions (table)`;
  tx(
    "stale nonce: seq 1 again",
    1,
    `${DOC} Transactions (signer and nonce)`,
    entry("alice", { type: "transfer", to: key("carol"), amount: 1 }, {
      seq: 1,
    }).line,
  );
  tx(
    "transfer above the balance",
    0,
    table,
    at("dave", 0, { type: "transfer", to: key("bob"), amount: 1_001 }),
  );
  tx(
    "transfer to the signer",
    0,
    table,
    at("dave", 0, { type: "transfer", to: key("dave"), amount: 1 }),
  );
  tx(
    "delegate to a non-validator",
    0,
    table,
    at("dave", 0, { type: "delegate", validator: key("bob"), amount: 1 }),
  );
  tx(
    "delegate to a jailed validator",
    3,
    table,
    at("dave", 3, { type: "delegate", validator: key("val3"), amount: 1 }),
  );
  tx(
    "undelegate more than delegated",
    1,
    table,
    at("bob", 1, { type: "undelegate", validator: key("val4"), amount: 201 }),
  );
  tx(
    "flag bond below flagBondMin",
    0,
    table,
    at("bob", 0, { type: "flag", subject: POST, category: "abuse", bond: 9 }),
  );
  tx(
    "flag twice",
    1,
    table,
    at("carol", 1, {
      type: "flag",
      subject: POST,
      category: "illegal",
      bond: 10,
    }),
  );
  tx(
    "retract someone else's flag",
    1,
    table,
    at("bob", 1, { type: "retract", flag: block1Txs[2].id }),
  );
  tx(
    "appeal without active flags",
    0,
    table,
    at("bob", 0, {
      type: "appeal",
      subject: { author: key("erin") },
      bond: 10,
    }),
  );
  tx(
    "vote on an unknown appeal",
    0,
    table,
    at("bob", 0, {
      type: "vote",
      appeal: fixedId("no appeal"),
      choice: "uphold",
    }),
  );
  tx(
    "vote on a decided appeal",
    2,
    table,
    at("carol", 2, { type: "vote", appeal: appeal.id, choice: "uphold" }),
  );
  tx(
    "vote by the appellant",
    3,
    `${DOC} Appeals`,
    at("dave", 3, { type: "vote", appeal: second.id, choice: "overturn" }),
  );
  tx(
    "vote by the flagger of a flag the appeal covers",
    3,
    `${DOC} Appeals`,
    at("alice", 3, { type: "vote", appeal: second.id, choice: "uphold" }),
  );
  tx(
    "checkpoint by a non-validator",
    0,
    table,
    at("bob", 0, {
      type: "checkpoint",
      heads: [{ author: key("alice"), seq: 1, id: transfer.id }],
    }),
  );
  tx(
    "checkpoint not above the last",
    1,
    table,
    at("val2", 1, {
      type: "checkpoint",
      heads: [{ author: key("alice"), seq: 1, id: transfer.id }],
    }),
  );

  // --- Blocks ----------------------------------------------------------
  const b1 = blocks[0].block;
  const blockCase = (name: string, rule: string, block: unknown, base = 0) =>
    refuse(
      name,
      "block",
      `${DOC} Blocks, ${rule}`,
      { base, block },
      () => executeBlock(stateAt(base), block as Block),
    );
  blockCase("a tenth field", "rule 1", { ...b1, extra: 1 });
  blockCase("another ledger", "rule 1", {
    ...b1,
    ledger: fixedId("another ledger"),
  });
  blockCase("wrong height", "rule 2", { ...b1, height: 2 });
  blockCase("wrong prev", "rule 2", { ...b1, prev: fixedId("not the parent") });
  blockCase("prev null after block 1", "rule 2", {
    ...blocks[1].block,
    prev: null,
  }, 1);
  blockCase("time before parent + blockIntervalMs", "rule 3", {
    ...b1,
    time: GENESIS_TIME + 99,
  });
  const others = GENESIS.validators.map((v) => v.key).filter((k) =>
    k !== b1.proposer
  );
  blockCase("wrong proposer for round 0", "rule 4 and § Proposer selection", {
    ...b1,
    proposer: others[0],
  });
  blockCase(
    "round 1 with round 0's proposer",
    "rule 4 and § Proposer selection",
    { ...b1, round: 1 },
  );
  blockCase("a repeated transaction", "rule 5", {
    ...b1,
    txs: [b1.txs[0], ...b1.txs.slice(0, 4)],
  });
  blockCase(
    "too many transactions (maxBlockTxs 5)",
    "§ Genesis (maxBlockTxs)",
    {
      ...b1,
      txs: [...b1.txs, at("erin", 0, { type: "retract", flag: fixedId("f") })],
    },
  );
  blockCase("a transaction that does not apply", "rule 6", {
    ...b1,
    txs: [
      ...b1.txs.slice(0, 4),
      at("erin", 0, { type: "transfer", to: key("bob"), amount: 1 }),
    ],
  });
  blockCase("transactions out of order", "rule 6", {
    ...blocks[1].block,
    txs: [...blocks[1].block.txs].reverse(),
  }, 1);
  blockCase("a different state root", "rule 7", {
    ...b1,
    stateRoot: fixedId("root"),
  });

  // --- Commits (of block 1, on the genesis state) ----------------------
  const commitCase = (name: string, precommits: unknown[]) =>
    refuse(
      name,
      "commit",
      `${DOC} Finality`,
      { height: 1, precommits },
      () =>
        commitChecks(stateAt(0), { block: b1, commit: precommits as Vote[] }),
    );
  commitCase(
    "exactly 2/3 of power (80 of 120)",
    (["val2", "val3", "val4"] as const).map((who) =>
      vote(who, { height: 1, round: 0, block: block1Id })
    ),
  );
  commitCase("no precommits", []);
  commitCase("a validator twice", [...commit1, commit1[0]]);
  commitCase("two rounds", [
    ...commit1.slice(0, 2),
    vote("val3", { height: 1, round: 1, block: block1Id }),
  ]);
  commitCase("a prevote", [
    ...commit1.slice(0, 2),
    vote("val3", { height: 1, round: 0, block: block1Id, type: "prevote" }),
  ]);
  commitCase("a precommit for nil", [...commit1.slice(0, 2), nil]);
  commitCase("a non-validator", [
    ...commit1,
    vote("alice", { height: 1, round: 0, block: block1Id }),
  ]);
  commitCase("a signature of 63 bytes", [...commit1.slice(0, 2), {
    ...commit1[2],
    sig: commit1[2].sig.slice(0, 84),
  }]);

  // --- Evidence --------------------------------------------------------
  const evidenceCase = (
    name: string,
    source: string,
    base: number,
    evidence: unknown,
  ) =>
    refuse(
      name,
      "evidence",
      source,
      { base, evidence },
      () =>
        applyEvidence(stateAt(base), evidence as Evidence, {
          height: base + 1,
        }),
    );
  const ev = `${DOC} Evidence; ${COMET_EVIDENCE}`;
  const pair = (who: Name, height: number, round = 0) =>
    equivocation(
      vote(who, { height, round, block: fixedId(`A ${height}`) }),
      vote(who, { height, round, block: fixedId(`B ${height}`) }),
    );
  evidenceCase("the same vote twice", ev, 1, {
    kind: "equivocation",
    votes: [commit1[0], commit1[0]],
  });
  evidenceCase("two validators", ev, 1, {
    kind: "equivocation",
    votes: [commit1[0], vote("val2", { height: 1, round: 0, block: null })],
  });
  evidenceCase("two rounds", ev, 1, {
    kind: "equivocation",
    votes: [commit1[0], vote("val1", { height: 1, round: 1, block: null })],
  });
  evidenceCase("another ledger", ev, 1, {
    kind: "equivocation",
    votes: [
      vote("val1", { height: 1, round: 0, block: null, ledger: fixedId("x") }),
      vote("val1", {
        height: 1,
        round: 0,
        block: block1Id,
        ledger: fixedId("x"),
      }),
    ],
  });
  evidenceCase("a non-validator", ev, 1, pair("alice", 1));
  evidenceCase(
    "from the future (height + 2)",
    `${DOC} Evidence (window)`,
    1,
    pair("val1", 3),
  );
  evidenceCase(
    "too old (evidenceMaxAge 2)",
    `${DOC} Evidence (window); CometBFT spec/consensus/evidence.md § Verification`,
    3,
    pair("val1", 1),
  );
  evidenceCase(
    "a validator already jailed, at another height",
    `${DOC} Evidence (one jailing per validator)`,
    2,
    pair("val3", 2),
  );
  evidenceCase("one vote", ev, 1, { kind: "equivocation", votes: [nil] });
  evidenceCase(
    "fork proof entries by two authors",
    `${DOC} Evidence (fork proof)`,
    0,
    {
      kind: "fork",
      proof: {
        author: key("erin"),
        seq: 1,
        entries: [post("erin", 1, "x").entry, post("dave", 1, "y").entry],
      },
    },
  );
  evidenceCase(
    "fork proof of a forked author",
    `${DOC} Evidence (fork proof)`,
    2,
    {
      kind: "fork",
      proof: makeForkProof(
        post("erin", 2, "third").entry,
        post("erin", 2, "fourth").entry,
      ),
    },
  );

  // --- Proposers -------------------------------------------------------
  const proposerCase = (
    name: string,
    source: string,
    validators: { key: string; stake: number }[],
    heights: number,
  ) => {
    const state = LedgerState.fromGenesis({ ...GENESIS, validators });
    const sequence: string[] = [];
    for (let i = 0; i < heights; i++) {
      const { proposer, priorities } = proposerOf(state, 0);
      state.setPriorities(priorities);
      sequence.push(proposer);
    }
    const rounds = Array.from(
      { length: 6 },
      (_, r) =>
        proposerOf(LedgerState.fromGenesis({ ...GENESIS, validators }), r)
          .proposer,
    );
    return {
      name,
      source,
      validators,
      heights: sequence,
      rounds_at_height_1: rounds,
      priorities_after: state.priorities,
    };
  };
  const [low, high] = [key("val2"), key("val1")].sort();
  const proposers = [
    proposerCase(
      "CometBFT's example: powers 1 and 3 (the power-1 validator has the smaller key)",
      `${DOC} Proposer selection; ${COMET_PROPOSER} § Requirement Fulfillment Claims (sequence p2, p1, p2, p2)`,
      [{ key: low, stake: 1 }, { key: high, stake: 3 }],
      8,
    ),
    proposerCase(
      "the vector genesis: powers 40, 30, 20, 30 (ties to the smaller key)",
      `${DOC} Proposer selection; ${COMET_PROPOSER} § Basic Algorithm`,
      GENESIS.validators,
      12,
    ),
  ];

  const entries: [string, unknown][] = [
    ["meta", { height: 0 }],
    ["account:alice", { balance: 5, delegated: 0, locked: 0 }],
    ["key:44", 1],
    ["key:570", "same bucket as key:44"],
    ["nonce:é", 7],
  ];
  const stateTable = {
    entries,
    buckets: Object.fromEntries(entries.map(([k]) => [k, bucketOf(k)])),
    root: (() => {
      const table = new StateTable();
      for (const [k, value] of entries) table.set(k, value);
      return table.root();
    })(),
  };

  return {
    description:
      "Kith moderation ledger version 1 (lib/ledger, docs/ledger.md): a ledger from genesis through three blocks, " +
      "with ids, state roots, signed transactions, commits, evidence and verdicts, and invalid cases with the " +
      "LedgerError reason and message every implementation must give. Generated by tests/vectors/generate_ledger.ts " +
      "from fixed seeds; frozen (lib/ledger/vectors_test.ts).",
    keys: Object.fromEntries(NAMES.map((name) => [name, {
      label: people[name].label,
      ed25519_secret_hex: bytesToHex(people[name].secretKey),
      author: key(name),
    }])),
    genesis: GENESIS,
    ledger_id: LEDGER,
    genesis_root: states[0].root(),
    transactions: transactions.map((t) => ({
      id: t.id,
      signer: t.signer,
      seq: t.seq,
      tx: t.tx,
      line: t.line,
    })),
    blocks: blocks.map(({ name, block }, i) => ({
      name,
      id: blockId(block),
      block,
      supply: states[i + 1].meta.supply,
      burned: states[i + 1].meta.burned,
      verdicts: Object.fromEntries(moderate(states[i + 1])),
    })),
    commits: [[1, block1Id, commit1], [2, block2Id, commit2]].map((
      [height, id, precommits],
    ) => {
      const set = validatorSet(states[(height as number) - 1]);
      const power = (precommits as Vote[]).reduce(
        (sum, v) => sum + set.members.find((m) => m.key === v.validator)!.power,
        0,
      );
      return { height, block_id: id, precommits, power, total: set.total };
    }),
    evidence: [fork, equivocating].map((item) => ({
      kind: item.kind,
      id: evidenceId(item),
      included_at: 2,
      evidence: item,
    })),
    proposers,
    state_table: stateTable,
    invalid,
  };
}

/** The whole vector file as text. */
export function generateFile(): string {
  return JSON.stringify(generateVectors(), null, 2) + "\n";
}

if (import.meta.main) {
  const target = new URL("./ledger.json", import.meta.url);
  if (!Deno.args.includes("--write")) {
    console.log("Dry run; pass --write to replace tests/vectors/ledger.json.");
    console.log(generateFile().slice(0, 2_000));
  } else {
    await Deno.writeTextFile(target, generateFile());
    console.log(`Wrote ${target.pathname}`);
  }
}
