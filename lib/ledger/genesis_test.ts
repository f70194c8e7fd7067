import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { canonicalBytes, encodeBase64Url } from "../protocol/mod.ts";
import { makeGenesis, person, T0, throwsLedger } from "./_fixtures.ts";
import {
  assertValidGenesis,
  DEFAULT_PARAMS,
  FLAG_CATEGORIES,
  type Genesis,
  ledgerIdOf,
} from "./genesis.ts";
import { LedgerState } from "./state.ts";

const refuse = (value: unknown, message: string) =>
  throwsLedger(
    () => assertValidGenesis(value),
    "bad_genesis",
    `Cannot accept genesis: ${message}`,
  );

// deno-lint-ignore no-explicit-any
type Loose = Record<string, any>;

/** The default genesis with `change` applied to a deep copy. */
function changed(change: (g: Loose) => void): unknown {
  const copy = structuredClone(makeGenesis()) as Loose;
  change(copy);
  return copy;
}

Deno.test("the default genesis and DEFAULT_PARAMS are valid", () => {
  assertValidGenesis(makeGenesis());
  assertValidGenesis(makeGenesis({ accounts: [] }));
  assert.deepEqual(Object.keys(DEFAULT_PARAMS.categories), [
    ...FLAG_CATEGORIES,
  ]);
});

Deno.test("the ledger id is SHA-256 of the canonical genesis, whatever the key order", () => {
  const genesis = makeGenesis();
  const id = ledgerIdOf(genesis);
  assert.equal(id, encodeBase64Url(sha256(canonicalBytes(genesis))));
  assert.equal(id.length, 43);
  const reordered = Object.fromEntries(
    Object.entries(genesis).reverse(),
  ) as unknown as Genesis;
  assert.equal(ledgerIdOf(reordered), id);
  assert.notEqual(
    ledgerIdOf(makeGenesis({ params: { hideBps: 501 } })),
    id,
    "every rule is part of the name",
  );
  assert.notEqual(ledgerIdOf({ ...genesis, name: "Other" }), id);
});

Deno.test("ledgerIdOf refuses an invalid genesis", () => {
  throwsLedger(
    () => ledgerIdOf({ ...makeGenesis(), version: 2 } as unknown as Genesis),
    "bad_genesis",
    "Cannot accept genesis: version must be 1",
  );
});

Deno.test("genesis refusals: document fields", () => {
  refuse(null, "expected an object");
  refuse([], "expected an object");
  throwsLedger(
    () => assertValidGenesis(changed((g) => (g.extra = 1))),
    "bad_genesis",
    'Cannot accept genesis: unknown field "extra"',
  );
  refuse(changed((g) => (g.kind = "ledger")), 'kind must be "kith-ledger"');
  refuse(changed((g) => (g.version = 2)), "version must be 1");
  refuse(changed((g) => (g.name = "")), "name must have 1 to 64 characters");
  refuse(
    changed((g) => (g.name = "x".repeat(65))),
    "name must have 1 to 64 characters",
  );
  assertValidGenesis(changed((g) => (g.name = "🙂".repeat(64))));
  refuse(changed((g) => (g.time = -1)), "time must be ms ≥ 0");
  refuse(changed((g) => (g.time = 1.5)), "time must be ms ≥ 0");
});

Deno.test("genesis refusals: validators and accounts", () => {
  refuse(changed((g) => (g.validators = {})), "validators must be a list");
  refuse(
    changed((g) => (g.validators = [])),
    "validators must have 1 to 150 items, got 0",
  );
  const many = Array.from({ length: 151 }, (_, i) => ({
    key: person(`many ${i}`).key,
    stake: 1,
  }));
  refuse(
    changed((g) => (g.validators = many)),
    "validators must have 1 to 150 items, got 151",
  );
  assertValidGenesis(changed((g) => (g.validators = many.slice(1))));
  refuse(
    changed((g) => (g.validators[1] = 5)),
    "validator 2 must be an object",
  );
  throwsLedger(
    () => assertValidGenesis(changed((g) => (g.validators[0].power = 1))),
    "bad_genesis",
    'Cannot accept genesis validator 1: unknown field "power"',
  );
  refuse(
    changed((g) => (g.validators[0].key = "short")),
    "validator 1 has a bad key",
  );
  refuse(
    changed((g) => (g.validators[1].stake = 0)),
    "validator 2 has stake 0, expected at least 1",
  );
  refuse(
    changed((g) => (g.accounts[2].balance = 2.5)),
    "account 3 has balance 2.5, expected at least 1",
  );
  refuse(
    changed((g) => (g.validators[1].key = g.validators[0].key)),
    "validator 2 repeats a key",
  );
  refuse(
    changed((g) => (g.accounts[3].key = g.accounts[0].key)),
    "account 4 repeats a key",
  );
  // One key may hold both a validator's self-stake and a balance.
  assertValidGenesis(changed((g) => (g.accounts[0].key = g.validators[0].key)));
  refuse(
    changed((g) => {
      g.validators[0].stake = Number.MAX_SAFE_INTEGER;
    }),
    "total stake is not a safe integer",
  );
});

Deno.test("genesis refusals: params", () => {
  refuse(changed((g) => (g.params = [])), "params must be an object");
  throwsLedger(
    () => assertValidGenesis(changed((g) => (g.params.slashBps = 1))),
    "bad_genesis",
    'Cannot accept genesis params: unknown field "slashBps"',
  );
  refuse(
    changed((g) => (g.params.hideBps = 10_001)),
    "params.hideBps is 10001, expected 0 to 10000",
  );
  assertValidGenesis(changed((g) => (g.params.hideBps = 10_000)));
  assertValidGenesis(changed((g) => (g.params.warnBps = 0)));
  refuse(
    changed((g) => delete g.params.flagSlashBps),
    "params.flagSlashBps is undefined, expected 0 to 10000",
  );
  refuse(
    changed((g) => (g.params.appealBlocks = 0)),
    "params.appealBlocks is 0, expected an integer ≥ 1",
  );
  refuse(
    changed((g) => (g.params.categories = null)),
    "params.categories is not an object",
  );
  throwsLedger(
    () =>
      assertValidGenesis(changed((g) => (g.params.categories.nsfw = "warn"))),
    "bad_genesis",
    'Cannot accept genesis categories: unknown field "nsfw"',
  );
  refuse(
    changed((g) => (g.params.categories.spam = "ban")),
    "params.categories.spam must be hide, warn or downrank",
  );
  refuse(
    changed((g) => delete g.params.categories.other),
    "params.categories.other must be hide, warn or downrank",
  );
});

Deno.test("fromGenesis: balances, validators, priorities, meta", () => {
  const genesis = makeGenesis({
    validators: [["v2", 30], ["v1", 70]],
    accounts: [["alice", 5], ["v1", 1]],
  });
  const state = LedgerState.fromGenesis(genesis);
  const [v1, v2] = [person("v1").key, person("v2").key];
  assert.deepEqual(state.meta, {
    ledger: ledgerIdOf(genesis),
    height: 0,
    time: T0,
    supply: 106,
    burned: 0,
  });
  assert.deepEqual(state.validatorKeys, [v1, v2].sort());
  assert.deepEqual(state.validator(v1), {
    self: 70,
    delegated: 0,
    jailed: false,
  });
  assert.deepEqual(state.priorities, { [v1]: 0, [v2]: 0 });
  assert.deepEqual(state.account(person("alice").key), {
    balance: 5,
    delegated: 0,
    locked: 0,
  });
  assert.equal(state.holdings(v1), 71);
  assert.equal(state.power(v1), 70);
  assert.equal(state.power(person("alice").key), 0);
  assert.equal(state.blockId, null);
  assert.equal(
    LedgerState.fromGenesis(genesis).root(),
    state.root(),
    "the genesis root is deterministic",
  );
});
