/**
 * The ledger explorer's views beyond the overview (ledgers.ts): pages of
 * recent blocks, one block with its transactions decoded, evidence and
 * commit, and everything a ledger holds on one subject.
 *
 * @module
 */
import type { LedgerNode } from "../ledgers/mod.ts";
import {
  type Appeal,
  type Block,
  blockId,
  decodeTransaction,
  type Flag,
  type SignedTransaction,
  subjectKey,
  tally,
  type Verdict,
} from "../ledger/mod.ts";
import { HttpError } from "../web/http_error.ts";
import { finalizedBlockOf } from "./ledgers.ts";

/** Blocks per page of the explorer. */
export const BLOCKS_PER_PAGE = 20;

/** A row of the blocks list. */
export interface BlockRow {
  height: number;
  id: string;
  time: number;
  proposer: string;
  round: number;
  txs: number;
  evidence: number;
}

/** A page of blocks, newest first, with links to older and newer pages. */
export interface BlockPage {
  rows: BlockRow[];
  /** `?before=<height>` of the next older page, or null at block 1. */
  older: string | null;
  /** The newer page's query, or null on the newest page. */
  newer: string | null;
}

const HEIGHT = /^\d{1,15}$/;

/**
 * The blocks below `?before=<height>` (default: the newest ones).
 *
 * @throws {HttpError} 400 `bad_query` for a `before` that is not an
 * integer ≥ 2.
 */
export async function blockPage(
  node: LedgerNode,
  url: URL,
): Promise<BlockPage> {
  const raw = url.searchParams.get("before");
  if (raw !== null && (!HEIGHT.test(raw) || Number(raw) < 2)) {
    throw new HttpError(
      400,
      `before must be a block height ≥ 2, got "${raw}"`,
      { reason: "bad_query" },
    );
  }
  const top = Math.min(node.height, raw === null ? Infinity : Number(raw) - 1);
  const bottom = Math.max(1, top - BLOCKS_PER_PAGE + 1);
  const heights: number[] = [];
  for (let height = top; height >= bottom; height--) heights.push(height);
  const blocks = await Promise.all(
    heights.map((height) => node.finalized(height)),
  );
  const rows = blocks.flatMap((finalized) => {
    if (!finalized) return [];
    const { block } = finalized;
    return [{
      height: block.height,
      id: blockId(block),
      time: block.time,
      proposer: block.proposer,
      round: block.round,
      txs: block.txs.length,
      evidence: block.evidence.length,
    }];
  });
  const newerTop = top + BLOCKS_PER_PAGE;
  return {
    rows,
    older: bottom > 1 ? `?before=${bottom}` : null,
    newer: top >= node.height
      ? null
      : newerTop >= node.height
      ? "?"
      : `?before=${newerTop + 1}`,
  };
}

/** Evidence in a block, as the explorer lists it. */
export type EvidenceRow =
  | { kind: "equivocation"; validator: string; height: number; round: number }
  | { kind: "fork"; author: string; seq: number };

/** One block as its page shows it. */
export interface BlockView {
  ledger: string;
  name: string;
  /** The ledger's height here, for "next block" links. */
  ledgerHeight: number;
  id: string;
  block: Block;
  transactions: SignedTransaction[];
  evidence: EvidenceRow[];
  /** Who signed the commit, with their voting power now. */
  commit: { validator: string; round: number; power: number }[];
}

/**
 * Block `param` of `node`'s ledger, decoded.
 *
 * @throws {HttpError} 400 `bad_height`, 404 `unknown_block`.
 */
export async function blockView(
  node: LedgerNode,
  param: string,
): Promise<BlockView> {
  const finalized = await finalizedBlockOf(node, param);
  const { block, commit } = finalized;
  return {
    ledger: node.id,
    name: node.genesis.name,
    ledgerHeight: node.height,
    id: blockId(block),
    block,
    // A finalized block's lines were checked when it was accepted.
    transactions: block.txs.map((line, index) =>
      decodeTransaction(line, block.ledger, index).transaction
    ),
    evidence: block.evidence.map((item): EvidenceRow =>
      item.kind === "equivocation"
        ? {
          kind: "equivocation",
          validator: item.votes[0].validator,
          height: item.votes[0].height,
          round: item.votes[0].round,
        }
        : { kind: "fork", author: item.proof.author, seq: item.proof.seq }
    ),
    commit: commit.map((vote) => ({
      validator: vote.validator,
      round: vote.round,
      power: node.state.power(vote.validator),
    })),
  };
}

/** What a ledger holds on one subject. */
export interface SubjectView {
  ledger: string;
  name: string;
  key: string;
  height: number;
  verdict: Verdict | null;
  /** Every flag on the subject, newest first (retracted and overturned too). */
  flags: Flag[];
  /** Every appeal on it, newest first, with its tally. */
  appeals: AppealView[];
}

const SUBJECT = /^(post|author):[A-Za-z0-9_-]{43}$/;

/**
 * The verdict, flags and appeals of subject `param` (`post:<id>` or
 * `author:<key>`) in `node`'s ledger.
 *
 * @throws {HttpError} 400 `bad_subject`.
 */
export function subjectView(node: LedgerNode, param: string): SubjectView {
  // Browsers may send the colon encoded.
  const key = param.replace(/%3A/i, ":");
  if (!SUBJECT.test(key)) {
    throw new HttpError(
      400,
      `"${key}" is not a subject; use post:<id> or author:<key>`,
      { reason: "bad_subject" },
    );
  }
  const { state } = node;
  const about = (subject: Flag["subject"]) => subjectKey(subject) === key;
  const flags = state.flagIds().map((id) => state.flag(id)!)
    .filter((flag) => about(flag.subject))
    .sort((a, b) => b.height - a.height || a.id.localeCompare(b.id));
  const appeals = state.appealIds().map((id) => state.appeal(id)!)
    .filter((appeal) => about(appeal.subject))
    .sort((a, b) => b.opened - a.opened || a.id.localeCompare(b.id));
  return {
    ledger: node.id,
    name: node.genesis.name,
    key,
    height: node.height,
    verdict: node.verdicts.get(key) ?? null,
    flags,
    appeals: appealViews(node, appeals),
  };
}

/** An appeal with the stake on each side now, and who may not vote. */
export interface AppealView extends Appeal {
  uphold: number;
  overturn: number;
  voters: number;
  /** The appellant and the signers of the flags it covers. */
  parties: string[];
}

/**
 * Appeals with their tallies (each voter weighs what it holds now, as the
 * ledger counts when the appeal closes) and their parties, who may not
 * vote.
 */
export function appealViews(node: LedgerNode, appeals: Appeal[]): AppealView[] {
  return appeals.map((appeal) => {
    const { uphold, overturn } = tally(appeal, node.state);
    const flaggers = appeal.flags.flatMap((id) => {
      const flag = node.state.flag(id);
      return flag ? [flag.flagger] : [];
    });
    return {
      ...appeal,
      uphold,
      overturn,
      voters: Object.keys(appeal.votes).length,
      parties: [...new Set([appeal.appellant, ...flaggers])],
    };
  });
}
