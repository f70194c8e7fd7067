/**
 * The firewall in front of GUN: every message a peer sends lands here
 * before GUN's own handlers (and GUN never sees it). Kith souls are checked
 * key by key (numeric state at most 60 s ahead, key = hash of value, size,
 * records in the right soul) and their records go through the ingest
 * pipeline; a segment counts as valid only when every record in it
 * verifies. Anything else is dropped and counted against the peer.
 *
 * @module
 */
import type { Ingest, IngestOutcome } from "../ingest/mod.ts";
import { verifyRecord, type VerifySignature } from "../protocol/mod.ts";
import { BENIGN_CODES } from "./backfill.ts";
import {
  blockOf,
  checkKey,
  type KithSoul,
  parseSoul,
  peekEntry,
  SOUL_PREFIX,
} from "./layout.ts";
import type { GunMessage, GunNodeData } from "./gun_types.d.ts";

/** Reasons a received key or soul is dropped. */
export type DropReason =
  | "foreign_soul"
  | "bad_node"
  | "bad_state"
  | "future_state"
  | "not_a_string"
  | "too_large"
  | "key_not_hash"
  | "too_many_records"
  | "wrong_soul"
  | "invalid_record"
  /** The peer had too many messages in flight; this one was not read. */
  | "busy"
  /** The peer was over its message budget; this one was not read. */
  | "rate_limited"
  /**
   * Records of an author this instance blocks (lib/store/blocks.ts): local
   * policy, not the peer's fault, so counted apart from `invalid_record`.
   */
  | "blocked_author";

/** What the firewall needs from the rest of replication. */
export interface FirewallContext {
  ingest: Ingest;
  /** Checks head announcements' signatures (they are not ingested). */
  verify: VerifySignature;
  now: () => number;
  /** Whether this instance replicates `author`. */
  wants: (author: string) => boolean;
  /** Ids of honoured ledgers: their writers are replicated once seen. */
  ledgers?: () => ReadonlySet<string>;
  /** An author outside the set wrote a valid entry to an honoured ledger. */
  onLedgerWriter?: (author: string) => void;
  /** Whether `author` is local here (messages to them recruit the sender). */
  isLocal?: (author: string) => boolean;
  /** An author outside the set sent a valid message to a local author. */
  onCorrespondent?: (author: string) => void;
  /** A key or soul was dropped. */
  onDrop: (peerId: string, reason: DropReason, count: number) => void;
  /**
   * Valid records of `author` up to `maxSeq` arrived; `created` of them
   * were new here.
   */
  onRecords: (
    peerId: string,
    author: string,
    counts: { created: number; maxSeq: number },
  ) => void;
  /**
   * A record or head announcement ahead of the local log arrived (or may
   * have): `seq` exists somewhere.
   */
  onAhead: (peerId: string, author: string, seq: number) => void;
  /** Kith nodes that passed, to relay to the other peers. */
  relay: (message: GunMessage) => void;
}

/** A key that passed the synchronous checks, with its record lines. */
export interface Candidate {
  /**
   * Why a segment of an author outside the set is kept: it writes to an
   * honoured ledger, or messages a local author; null for replicated authors.
   */
  recruit: "ledger" | "correspondent" | null;
  soul: string;
  parsed: KithSoul;
  key: string;
  state: number;
  value: string;
  lines: string[];
  maxSeq: number;
}

/** Checks and ingests the Kith nodes of one incoming put. */
export class Firewall {
  readonly #context: FirewallContext;

  /** Wires the firewall to ingest and counters. */
  constructor(context: FirewallContext) {
    this.#context = context;
  }

  /**
   * Handles a put from `peerId`. Resolves once its records are ingested;
   * valid nodes of a broadcast (not a reply) are relayed.
   *
   * @example
   * ```ts
   * await firewall.put(message, "ws://127.0.0.1:8001/gun");
   * ```
   */
  async put(message: GunMessage, peerId: string): Promise<void> {
    const screened = this.screen(message, peerId);
    if (screened.length === 0) return;
    // Head announcements are hints: verified, never stored, so an
    // announced head far ahead does not sit in the out-of-order queue, and
    // never relayed (a catch-up that advances announces anew).
    const judged = await Promise.all(
      screened.map((candidate) =>
        candidate.parsed.kind === "head"
          ? this.#judgeHead(candidate, peerId).then(() => 0)
          : this.#judgeSegment(candidate, peerId)
      ),
    );
    const passed: Record<string, GunNodeData> = {};
    for (const [index, candidate] of screened.entries()) {
      // Only segments that brought something new travel on, so replaying
      // known records costs each receiver once, not once per hop.
      if (judged[index] <= 0) continue;
      const node = passed[candidate.soul] ??= {
        _: { "#": candidate.soul, ">": {} },
      };
      node._![">"]![candidate.key] = candidate.state;
      node[candidate.key] = candidate.value;
    }
    if (message["@"] === undefined && Object.keys(passed).length > 0) {
      this.#context.relay({ "#": message["#"], put: passed });
    }
  }

  /**
   * The synchronous checks alone: the keys of `message` worth ingesting,
   * with their record lines. Drops are counted; nothing is ingested.
   */
  screen(message: GunMessage, peerId: string): Candidate[] {
    const put = message.put;
    if (!put || typeof put !== "object") return [];
    const candidates: Candidate[] = [];
    for (const [soul, node] of Object.entries(put)) {
      candidates.push(...this.#screen(soul, node, peerId));
    }
    return candidates;
  }

  /** Synchronous checks of one node; returns the keys worth ingesting. */
  #screen(soul: string, node: GunNodeData, peerId: string): Candidate[] {
    const { onDrop, wants, now } = this.#context;
    if (!soul.startsWith(SOUL_PREFIX)) {
      onDrop(peerId, "foreign_soul", 1);
      return [];
    }
    const parsed = parseSoul(soul);
    const meta = node?._;
    const states = meta?.[">"];
    if (
      typeof parsed === "string" || !meta || meta["#"] !== soul ||
      !states || typeof states !== "object"
    ) {
      onDrop(
        peerId,
        typeof parsed === "string" ? "foreign_soul" : "bad_node",
        1,
      );
      return [];
    }
    // Records of authors nobody here follows are not ours to judge or keep,
    // unless they write to a ledger this instance honours or message one of
    // its local authors.
    const recruit = wants(parsed.author)
      ? null
      : this.#writesToHonouredLedger(node)
      ? "ledger"
      : this.#messagesLocalAuthor(node)
      ? "correspondent"
      : undefined;
    if (recruit === undefined) return [];
    const found: Candidate[] = [];
    const time = now();
    for (const [key, value] of Object.entries(node)) {
      if (key === "_") continue;
      const state = states[key];
      const problem = checkKey(parsed, { key, value, state }, { now: time });
      if (problem) {
        onDrop(peerId, problem, 1);
        continue;
      }
      const lines = (value as string).split("\n");
      const maxSeq = placeOf(parsed, lines);
      if (maxSeq === null) {
        onDrop(peerId, "wrong_soul", 1);
        continue;
      }
      found.push({
        recruit,
        soul,
        parsed,
        key,
        state: state as number,
        value: value as string,
        lines,
        maxSeq,
      });
    }
    return found;
  }

  async #judgeHead(candidate: Candidate, peerId: string): Promise<boolean> {
    const { verify, now, onDrop, onAhead } = this.#context;
    try {
      await verifyRecord(candidate.lines[0], { now: now(), verify });
    } catch {
      onDrop(peerId, "invalid_record", 1);
      return false;
    }
    onAhead(peerId, candidate.parsed.author, candidate.maxSeq);
    return true;
  }

  /**
   * Ingests a segment as a whole (one forged record refuses all of it);
   * returns how many of its records were new, or -1 when it is dropped.
   */
  async #judgeSegment(candidate: Candidate, peerId: string): Promise<number> {
    const outcomes = await this.#context.ingest.submit(candidate.lines, {
      source: "peer",
      allOrNothing: true,
    });
    const created = this.#judge(candidate, outcomes, peerId);
    // Verified now: the writer joins the replicated set.
    if (created >= 0 && candidate.recruit === "ledger") {
      this.#context.onLedgerWriter?.(candidate.parsed.author);
    }
    if (created >= 0 && candidate.recruit === "correspondent") {
      this.#context.onCorrespondent?.(candidate.parsed.author);
    }
    return created;
  }

  /**
   * Whether a value of `node` holds a ledger entry for an honoured ledger:
   * canonical ledger content starts `{"content":{"ledger":"<id>"`, so a
   * prefix test finds it before anything is decoded (ingest checks all).
   */
  #writesToHonouredLedger(node: GunNodeData): boolean {
    const ledgers = this.#context.ledgers?.();
    if (!ledgers || ledgers.size === 0) return false;
    for (const [key, value] of Object.entries(node)) {
      if (key === "_" || typeof value !== "string") continue;
      for (const ledger of ledgers) {
        if (value.includes(`{"content":{"ledger":"${ledger}"`)) return true;
      }
    }
    return false;
  }

  /**
   * Whether a value of `node` holds a `dm` entry naming a local author in
   * `to`. Only lines that mention the type are parsed; ingest then checks
   * the whole segment, and the sender is recruited only if it verifies.
   */
  #messagesLocalAuthor(node: GunNodeData): boolean {
    const isLocal = this.#context.isLocal;
    if (!isLocal) return false;
    for (const [key, value] of Object.entries(node)) {
      if (key === "_" || typeof value !== "string") continue;
      if (!value.includes('"type":"dm"')) continue;
      for (const line of value.split("\n", 101)) {
        if (!line.includes('"type":"dm"')) continue;
        try {
          const { entry, content } = JSON.parse(line);
          if (
            entry?.type === "dm" && Array.isArray(content?.to) &&
            content.to.some((to: unknown) =>
              typeof to === "string" && isLocal(to)
            )
          ) return true;
        } catch {
          // Ingest judges malformed lines; this was only a hint.
        }
      }
    }
    return false;
  }

  #judge(
    candidate: Candidate,
    outcomes: IngestOutcome[],
    peerId: string,
  ): number {
    const { onDrop, onRecords, onAhead } = this.#context;
    let created = 0;
    let ahead = false;
    for (const outcome of outcomes) {
      if (outcome.status === "created") created++;
      else if (outcome.status === "held") ahead = true;
      else if (outcome.status === "rejected") {
        if (outcome.error.code === "blocked_author") {
          onDrop(peerId, "blocked_author", candidate.lines.length);
          return -1;
        }
        if (!BENIGN_CODES.has(outcome.error.code)) {
          onDrop(peerId, "invalid_record", 1);
          return -1;
        }
        if (outcome.error.code === "gap") ahead = true;
      }
    }
    onRecords(peerId, candidate.parsed.author, {
      created,
      maxSeq: candidate.maxSeq,
    });
    if (ahead) onAhead(peerId, candidate.parsed.author, candidate.maxSeq);
    return created;
  }
}

/**
 * The highest seq among `lines` when each names the soul's author (and,
 * for a log soul, a seq in its block); null when one does not. Reads only
 * the small entry object; the ingest pipeline checks everything else.
 */
function placeOf(soul: KithSoul, lines: string[]): number | null {
  let max = 0;
  for (const line of lines) {
    const entry = peekEntry(line);
    if (!entry || entry.author !== soul.author) return null;
    if (soul.kind === "log" && blockOf(entry.seq) !== soul.block) return null;
    max = Math.max(max, entry.seq);
  }
  return max;
}

/** Whether a GET names a Kith soul, and which. */
export function kithSoulOfGet(message: GunMessage): KithSoul | null {
  const soul = message.get?.["#"];
  if (typeof soul !== "string") return null;
  const parsed = parseSoul(soul);
  return typeof parsed === "string" ? null : parsed;
}
