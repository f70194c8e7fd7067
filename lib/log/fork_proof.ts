/**
 * Fork proofs: two validly signed entries by one author at one seq with
 * different ids. Such a pair proves the author signed two histories; anyone
 * can check it with the author's key alone, so instances store it, serve
 * it, and mark the author as forked.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64Url, encodeBase64Url } from "../protocol/base64url.ts";
import { canonicalBytes } from "../protocol/canonical_json.ts";
import {
  assertValidEntryShape,
  type Entry,
  entryId,
  signingBytes,
} from "../protocol/entry.ts";
import type { VerifySignature } from "../protocol/record.ts";

/** Evidence that an author forked their log. */
export interface ForkProof {
  author: string;
  seq: number;
  /** The two entries, ordered by id so a pair has one proof. */
  entries: [Entry, Entry];
}

/** Error thrown when two entries do not make a fork proof. */
export class ForkProofError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ForkProofError";
  }
}

/**
 * Builds the proof from two entries. Does not verify signatures; see
 * {@linkcode verifyForkProof}.
 *
 * @throws {ForkProofError} When the entries differ in author or seq, or
 * are the same entry.
 *
 * @example
 * ```ts
 * const proof = makeForkProof(stored.entry, incoming.entry);
 * ```
 */
export function makeForkProof(a: Entry, b: Entry): ForkProof {
  if (a.author !== b.author) {
    throw new ForkProofError(
      "Cannot make fork proof: the entries have different authors",
    );
  }
  if (a.seq !== b.seq) {
    throw new ForkProofError(
      `Cannot make fork proof: seq ${a.seq} and ${b.seq} differ`,
    );
  }
  const [idA, idB] = [entryId(a), entryId(b)];
  if (idA === idB) {
    throw new ForkProofError("Cannot make fork proof: both are the same entry");
  }
  return { author: a.author, seq: a.seq, entries: idA < idB ? [a, b] : [b, a] };
}

/**
 * Whether `proof` really proves a fork: well-formed, both entries by
 * `proof.author` at `proof.seq`, different ids, both signatures valid.
 *
 * @example
 * ```ts
 * if (await verifyForkProof(proof, { verify: verifyEd25519 })) markForked(proof.author);
 * ```
 */
export async function verifyForkProof(
  proof: ForkProof,
  options: { verify: VerifySignature },
): Promise<boolean> {
  if (!proof || !Array.isArray(proof.entries) || proof.entries.length !== 2) {
    return false;
  }
  try {
    for (const entry of proof.entries) {
      assertValidEntryShape(entry, { now: Number.MAX_SAFE_INTEGER });
    }
  } catch {
    return false;
  }
  const [a, b] = proof.entries;
  if (a.author !== proof.author || b.author !== proof.author) return false;
  if (a.seq !== proof.seq || b.seq !== proof.seq || entryId(a) === entryId(b)) {
    return false;
  }
  const key = decodeBase64Url(proof.author)!;
  for (const entry of proof.entries) {
    if (
      !await options.verify(
        key,
        signingBytes(entry),
        decodeBase64Url(entry.sig)!,
      )
    ) return false;
  }
  return true;
}

/**
 * A stable id for a proof: SHA-256 of its canonical form, base64url.
 *
 * @example
 * ```ts
 * await kv.set(["forks", proof.author, forkProofId(proof)], proof);
 * ```
 */
export function forkProofId(proof: ForkProof): string {
  return encodeBase64Url(sha256(canonicalBytes(proof)));
}
