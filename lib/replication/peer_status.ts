/**
 * Per-peer counters behind `GET /api/peers` and the peers page.
 *
 * @module
 */
import type { DropReason } from "./firewall.ts";

/** One peer as the API reports it. */
export interface PeerStatus {
  /** Configured origin for outgoing peers; `inbound:<address>` otherwise. */
  url: string;
  direction: "outbound" | "inbound";
  connected: boolean;
  /** Last message or response from it (ms since the epoch), or null. */
  lastSeen: number | null;
  /** Entries it brought that were new here (GUN and HTTP). */
  recordsIn: number;
  /** Entries sent to it over GUN (pushes and answers). */
  recordsOut: number;
  /** Keys and nodes dropped by the firewall, in total and by reason. */
  rejected: number;
  rejectedBy: Partial<Record<DropReason, number>>;
  /**
   * Times this instance hung up on it for staying over its message budget
   * (an inbound peer that comes back is a new row, from a new port).
   */
  cutOffs: number;
  /**
   * Entries it has announced or reported that this instance lacks, summed
   * over replicated authors; 0 when caught up.
   */
  lag: number;
}

/** Disconnected inbound peers kept in the table. */
export const MAX_GONE_INBOUND = 32;

interface Entry extends Omit<PeerStatus, "lag"> {
  heads: Map<string, number>;
}

/** Counters for every peer seen since start. */
export class PeerTable {
  readonly #peers = new Map<string, Entry>();
  /** Disconnected inbound peers, oldest first. */
  readonly #goneInbound = new Set<string>();

  /** The row for `id`, created on first use. */
  #row(id: string, direction?: PeerStatus["direction"]): Entry {
    let row = this.#peers.get(id);
    if (!row) {
      row = {
        url: id,
        direction: direction ??
          (id.startsWith("inbound:") ? "inbound" : "outbound"),
        connected: false,
        lastSeen: null,
        recordsIn: 0,
        recordsOut: 0,
        rejected: 0,
        rejectedBy: {},
        cutOffs: 0,
        heads: new Map(),
      };
      this.#peers.set(id, row);
    }
    return row;
  }

  /** Lists a configured outgoing peer before it ever connects. */
  declare(id: string): void {
    this.#row(id, "outbound");
  }

  /**
   * Marks `id` connected or not. Inbound peers come back from new ports,
   * so only the latest {@linkcode MAX_GONE_INBOUND} gone ones are kept.
   */
  connected(id: string, connected: boolean, now: number): void {
    const row = this.#row(id);
    row.connected = connected;
    if (connected) {
      row.lastSeen = now;
      this.#goneInbound.delete(id);
      return;
    }
    if (row.direction !== "inbound") return;
    this.#goneInbound.delete(id);
    this.#goneInbound.add(id);
    for (const gone of this.#goneInbound) {
      if (this.#goneInbound.size <= MAX_GONE_INBOUND) break;
      this.#goneInbound.delete(gone);
      this.#peers.delete(gone);
    }
  }

  /** Notes that `id` was heard from. */
  seen(id: string, now: number): void {
    this.#row(id).lastSeen = now;
  }

  /** Adds entries received from `id`. */
  recordsIn(id: string, count: number): void {
    this.#row(id).recordsIn += count;
  }

  /** Adds entries sent to `id`. */
  recordsOut(id: string, count: number): void {
    this.#row(id).recordsOut += count;
  }

  /** Counts a drop against `id`. */
  rejected(id: string, reason: DropReason, count: number): void {
    const row = this.#row(id);
    row.rejected += count;
    row.rejectedBy[reason] = (row.rejectedBy[reason] ?? 0) + count;
  }

  /** Counts a hang-up on `id` for staying over its message budget. */
  cutOff(id: string): void {
    this.#row(id).cutOffs++;
  }

  /** Notes that `id` has `author`'s log up to at least `seq`. */
  head(id: string, author: string, seq: number): void {
    const heads = this.#row(id).heads;
    if ((heads.get(author) ?? 0) < seq) heads.set(author, seq);
  }

  /** The highest seq of `author` any peer is known to have. */
  bestHead(author: string): number {
    let best = 0;
    for (const row of this.#peers.values()) {
      best = Math.max(best, row.heads.get(author) ?? 0);
    }
    return best;
  }

  /**
   * Every peer, outbound first, with lag computed against `localHeads`
   * (the local head seq of each replicated author).
   */
  list(localHeads: Map<string, number>): PeerStatus[] {
    const rows = [...this.#peers.values()].map(({ heads, ...row }) => {
      let lag = 0;
      for (const [author, seq] of heads) {
        if (!localHeads.has(author)) continue;
        lag += Math.max(0, seq - localHeads.get(author)!);
      }
      return { ...row, rejectedBy: { ...row.rejectedBy }, lag };
    });
    return rows.sort((a, b) =>
      a.direction === b.direction
        ? a.url.localeCompare(b.url)
        : a.direction === "outbound"
        ? -1
        : 1
    );
  }

  /** Authors some peer announced, for catching up. */
  knownAuthors(): Set<string> {
    const authors = new Set<string>();
    for (const row of this.#peers.values()) {
      for (const author of row.heads.keys()) authors.add(author);
    }
    return authors;
  }
}
