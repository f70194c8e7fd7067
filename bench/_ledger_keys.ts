/**
 * Shared helpers of the ledger benchmarks: a seeded PRNG, derived ids,
 * signers with real Ed25519 keys who sign `ledger` records and votes, a
 * genesis of such signers, and the parties of an appeal.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { generateKeyPair, sign } from "../lib/crypto/mod.ts";
import {
  DEFAULT_PARAMS,
  type Genesis,
  type LedgerState,
  type Transaction,
  type Vote,
  voteSigningBytes,
} from "../lib/ledger/mod.ts";
import { createRecord, encodeBase64Url } from "../lib/protocol/mod.ts";

const encoder = new TextEncoder();

// The simulator's seeded PRNG (mulberry32), shared by the benchmarks.
export { prng } from "../lib/ledger/simulation/network.ts";

/** A 43-character id or key derived from `label` (post ids, post authors). */
export function idOf(label: string): string {
  return encodeBase64Url(sha256(encoder.encode(`kith bench ${label}`)));
}

/** Someone with a fresh Ed25519 key who signs `ledger` records in seq order. */
export class Signer {
  /** The public key, base64url. */
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

/**
 * A genesis named `name` at a fixed time, with `validators` (unequal
 * stakes) and `accounts`, and the default params.
 */
export function genesisOf(
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

/** Keys that may not vote on an appeal: its appellant and flaggers. */
export function partiesOf(state: LedgerState, appeal: string): Set<string> {
  const { appellant, flags } = state.appeal(appeal)!;
  return new Set([appellant, ...flags.map((id) => state.flag(id)!.flagger)]);
}
