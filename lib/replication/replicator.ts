/**
 * Replication of one instance: GUN peers (outgoing from configuration,
 * incoming at /gun), the firewall, publishing, answering GETs from KV, and
 * catching up by backfill on start, on follow, on reconnect and on gaps.
 *
 * @module
 */
import type { CommittedRecord, Ingest } from "../ingest/mod.ts";
import type { RecordStore } from "../store/mod.ts";
import { verifyEd25519 } from "../crypto/mod.ts";
import {
  backfillAuthor,
  fetchHead,
  httpSource,
  type LogSource,
} from "./backfill.ts";
import { type DropReason, Firewall, kithSoulOfGet } from "./firewall.ts";
import { serveSoul } from "./graph_server.ts";
import {
  createGunNode,
  type GunMessage,
  type GunNode,
  type GunPeer,
} from "./gun.ts";
import { gunSource, ReplyWaiters } from "./gun_source.ts";
import {
  type LedgerHandler,
  ledgerPut,
  takeLedgerMessages,
} from "./ledger_channel.ts";
import { headSoul } from "./layout.ts";
import { MessageBudget, type MessageBudgetOptions } from "./message_budget.ts";
import { gunUrlOf, OutboundPeers } from "./outbound_peers.ts";
import { type PeerStatus, PeerTable } from "./peer_status.ts";
import { Publisher } from "./publisher.ts";
import { Subscriptions } from "./subscriptions.ts";
import { log } from "../instance/logger.ts";

/** Options of {@linkcode Replicator}. */
export interface ReplicatorOptions {
  store: RecordStore;
  ingest: Ingest;
  /** Origins of peers to connect to, e.g. `http://127.0.0.1:8001`. */
  peers: string[];
  /** 1: follows of local authors; 2: and their follows. */
  followDepth: 1 | 2;
  /** Ids of honoured moderation ledgers (default none). */
  ledgers?: string[];
  now?: () => number;
  /** Segment flush delay (default 500 ms). */
  flushMs?: number;
  /**
   * Messages each GUN connection may send (see message_budget.ts; default
   * 1,000/s in bursts of 2,000, cut off after 10,000 drops in 10 s).
   */
  budget?: Partial<MessageBudgetOptions>;
  /**
   * Whether the owner blocked `peer` (lib/store/blocks.ts): a configured
   * peer's origin, or `inbound:<host>:<port>`. Its inbound connections are
   * refused, connections to it hung up on, its messages dropped and its
   * HTTP API left out of catch-ups.
   */
  isPeerBlocked?: (peer: string) => boolean;
  /** Whether the owner blocked `author`: ingest refuses them, so no catch-up. */
  isAuthorBlocked?: (author: string) => boolean;
  /**
   * Told about every drop counted against a peer (firewall, budget, size),
   * for the admin page's recent rejections.
   */
  onDrop?: (peer: string, reason: DropReason, count: number) => void;
}

/** Largest GUN frame accepted from a peer, in characters. */
export const MAX_GUN_MESSAGE = 8_000_000;
/** Authors caught up at once. */
const PARALLEL_AUTHORS = 4;
/** Messages of one peer being handled at once; more are dropped as busy. */
const MAX_IN_FLIGHT = 16;
/** Bytes waiting in a peer's socket above which its GETs are not served. */
const MAX_BUFFERED = 16 * 1024 * 1024;

/** Replication of one instance; see the module doc. */
export class Replicator {
  readonly #options: ReplicatorOptions;
  readonly #now: () => number;
  readonly #table = new PeerTable();
  readonly #subscriptions: Subscriptions;
  readonly #publisher: Publisher;
  readonly #waiters = new ReplyWaiters();
  readonly #firewall: Firewall;
  readonly #targets = new Map<string, number>();
  readonly #running = new Set<string>();
  readonly #inFlight = new Map<GunPeer, number>();
  readonly #budget: MessageBudget<GunPeer>;
  #node?: GunNode;
  #ledgerHandler?: LedgerHandler;
  #outbound?: OutboundPeers;
  /** Outgoing peers now: configured ones and those added at run time. */
  #peers: string[];
  /** Table rows of removed outgoing peers. */
  readonly #hidden = new Set<string>();
  #started = false;
  #closed = false;
  readonly #work = new Set<Promise<unknown>>();
  /** Aborts HTTP requests to peers when replication closes. */
  readonly #stopping = new AbortController();

  /** Prepares replication; nothing connects before {@linkcode Replicator.start}. */
  constructor(options: ReplicatorOptions) {
    this.#options = options;
    this.#peers = [...new Set(options.peers)];
    this.#now = options.now ?? Date.now;
    this.#budget = new MessageBudget({ ...options.budget, now: this.#now });
    this.#subscriptions = new Subscriptions(options.store.kv, {
      followDepth: options.followDepth,
      ledgers: options.ledgers,
      onAdded: (authors) => authors.forEach((author) => this.catchUp(author)),
    });
    this.#publisher = new Publisher({
      flushMs: options.flushMs,
      send: ({ soul, node, records }) => {
        const node_ = this.#node;
        if (!node_) return;
        node_.say({ put: { [soul]: node } });
        for (const peer of node_.peers()) {
          this.#table.recordsOut(this.#peerId(peer), records);
        }
      },
    });
    this.#firewall = new Firewall({
      ingest: options.ingest,
      verify: verifyEd25519,
      now: this.#now,
      wants: (author) => this.#subscriptions.has(author),
      ledgers: () => this.#subscriptions.ledgers,
      onLedgerWriter: (author) =>
        this.#track(this.#subscriptions.addLedgerWriter(author)),
      isLocal: (author) => this.#subscriptions.isLocal(author),
      onCorrespondent: (author) =>
        this.#track(this.#subscriptions.addCorrespondent(author)),
      onDrop: (peer, reason, count) => this.#rejected(peer, reason, count),
      onRecords: (peer, author, { created, maxSeq }) => {
        this.#table.recordsIn(peer, created);
        this.#table.head(peer, author, maxSeq);
      },
      onAhead: (peer, author, seq) => {
        this.#table.head(peer, author, seq);
        this.#track(this.#catchUpIfBehind(author, seq));
      },
      relay: (message) => this.#node?.say(message),
    });
    for (const origin of this.#peers) this.#table.declare(origin);
  }

  /** Authors replicated here. */
  get authors(): string[] {
    return this.#subscriptions.authors();
  }

  /** Whether replication has started and is not closed (for `/readyz`). */
  get running(): boolean {
    return this.#started && !this.#closed;
  }

  /** Whether `author` published through this instance. */
  isLocal(author: string): boolean {
    return this.#subscriptions.isLocal(author);
  }

  /** Starts GUN, dials the configured peers and catches up every author. */
  async start(): Promise<void> {
    await this.#subscriptions.load();
    this.#node = createGunNode({
      maxMessage: MAX_GUN_MESSAGE,
      intercept: (message, peer) => {
        if (peer) this.#admit(message, peer);
        return "taken";
      },
      onPeer: (event, peer) => this.#onPeer(event, peer),
      onOversize: (peer) => this.#rejected(this.#peerId(peer), "too_large", 1),
      admit: (peer, unit) => this.#charge(peer, unit),
    });
    this.#outbound = new OutboundPeers(this.#node, this.#peers);
    this.#started = true;
    for (const author of this.#subscriptions.authors()) this.catchUp(author);
  }

  /** Serves a WebSocket upgrade at /gun from `remote` (host:port). */
  accept(request: Request, remote: string): Response {
    if (!this.#node) {
      return Response.json({
        error: "Replication is not running",
        reason: "replication_stopped",
      }, { status: 503 });
    }
    if (this.#options.isPeerBlocked?.(`inbound:${remote}`)) {
      return Response.json({
        error: "This peer is blocked on this instance",
        reason: "blocked_peer",
      }, { status: 403 });
    }
    return this.#node.accept(request, `inbound:${remote}`);
  }

  /** Called by the ingest pipeline after every commit. */
  onCommit(records: CommittedRecord[]): void {
    if (this.#closed) return;
    let followsChanged = false;
    for (const { record, source } of records) {
      const { author, seq, type } = record.entry;
      if (source === "client") {
        this.#track(this.#subscriptions.addLocal(author));
        this.#publisher.add(author, seq, record.line);
        // Replies to a local author's message must reach it even when the
        // recipient's instance cannot push to this one.
        if (type === "dm" && record.content) {
          for (const to of (record.content as { to: string[] }).to) {
            this.#track(this.#subscriptions.addCorrespondent(to));
          }
        }
      }
      if (
        (type === "follow" || type === "unfollow") &&
        this.#subscriptions.affectsSet(author)
      ) followsChanged = true;
    }
    if (followsChanged) this.#track(this.#subscriptions.refresh());
  }

  /**
   * Brings `author`'s log up to the best head known from peers (or
   * `atLeast`), in the background; concurrent calls merge. Nothing for an
   * author the owner blocks.
   */
  catchUp(author: string, atLeast = 0): void {
    if (this.#options.isAuthorBlocked?.(author)) return;
    this.#targets.set(
      author,
      Math.max(this.#targets.get(author) ?? 0, atLeast),
    );
    if (!this.#started || this.#closed || this.#running.has(author)) return;
    if (this.#running.size >= PARALLEL_AUTHORS) return;
    this.#running.add(author);
    this.#track(
      this.#runCatchUp(author).finally(() => {
        this.#running.delete(author);
        this.#startWaiting();
      }),
    );
  }

  /**
   * Sets who judges consensus messages of honoured ledgers (see
   * ledger_channel.ts); without one they are dropped.
   */
  setLedgerHandler(handler: LedgerHandler): void {
    this.#ledgerHandler = handler;
  }

  /** Sends one consensus message of `ledger` to every peer, now. */
  sendLedger(ledger: string, value: string): void {
    this.#node?.say(ledgerPut(ledger, value));
  }

  /** Recruits writers of `ledger` (honoured) or stops recruiting them. */
  honourLedger(ledger: string, honoured = true): void {
    if (honoured) this.#subscriptions.honour(ledger);
    else this.#subscriptions.dishonour(ledger);
  }

  /** Origins of the outgoing peers (for HTTP catch-up). */
  get peerOrigins(): string[] {
    return [...this.#peers];
  }

  /**
   * Connects to `origin` (an origin as `--peers` takes) from now on, and
   * catches every replicated author up from it; no-op when already a peer.
   */
  addPeer(origin: string): void {
    if (this.#closed || this.#peers.includes(origin)) return;
    this.#peers.push(origin);
    this.#hidden.delete(origin);
    this.#hidden.delete(gunUrlOf(origin));
    this.#table.declare(origin);
    this.#outbound?.add(origin);
  }

  /** Hangs up on outgoing peer `origin` and stops dialling it. */
  removePeer(origin: string): void {
    if (!this.#peers.includes(origin)) return;
    this.#peers = this.#peers.filter((peer) => peer !== origin);
    // Its row, and the one its last hang-up makes under the GUN URL.
    this.#hidden.add(origin).add(gunUrlOf(origin));
    this.#outbound?.remove(origin);
  }

  /** Peer status, for `GET /api/peers`. */
  async status(): Promise<PeerStatus[]> {
    const heads = new Map<string, number>();
    for (const author of this.#subscriptions.authors()) {
      heads.set(
        author,
        (await this.#options.store.head(author)).head?.seq ?? 0,
      );
    }
    // Rows of removed outgoing peers stay in the table but are not shown.
    return this.#table.list(heads).filter((row) => !this.#hidden.has(row.url));
  }

  /** Stops everything: pending segments are sent, sockets and timers closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopping.abort();
    this.#publisher.close();
    this.#outbound?.close();
    this.#waiters.close();
    this.#node?.close();
    await Promise.allSettled([...this.#work]);
  }

  async #runCatchUp(author: string): Promise<void> {
    const { store, ingest } = this.#options;
    const peers = [...this.#peers];
    const localHead = async (of: string) =>
      (await store.head(of)).head?.seq ?? 0;
    // Heads over HTTP from configured peers; GUN peers announce theirs.
    // A peer that does not answer is left out of this catch-up's sources.
    const reachable: string[] = [];
    const blocked = this.#options.isPeerBlocked ?? (() => false);
    const reported = await Promise.all(peers.map(async (origin) => {
      if (blocked(origin)) return 0;
      try {
        const seq = await fetchHead(origin, author, {
          signal: this.#stopping.signal,
        });
        reachable.push(origin);
        this.#table.seen(origin, this.#now());
        this.#table.head(origin, author, seq);
        return seq;
      } catch {
        return 0;
      }
    }));
    const target = Math.max(
      this.#targets.get(author) ?? 0,
      this.#table.bestHead(author),
      ...reported,
    );
    this.#targets.delete(author);
    if (target <= await localHead(author) || this.#closed) return;
    const sources: LogSource[] = peers.filter((origin) =>
      reachable.includes(origin)
    ).map((origin) => httpSource(origin, { signal: this.#stopping.signal }));
    for (const peer of this.#node?.peers() ?? []) {
      if (blocked(this.#peerId(peer))) continue;
      sources.push(gunSource(this.#node!, peer, {
        peerId: this.#peerId(peer),
        waiters: this.#waiters,
      }));
    }
    const result = await backfillAuthor(author, target, {
      ingest,
      localHead,
      sources,
      signal: this.#stopping.signal,
      onRecords: (peer, created) => this.#table.recordsIn(peer, created),
      onInvalid: (peer, count) => this.#rejected(peer, "invalid_record", count),
    });
    if (result.to > result.from) {
      // Tell the peers: those that only hear from this instance learn of
      // the gap here, not when the author next posts.
      const [line] = await Array.fromAsync(
        store.lines(author, { after: result.to - 1, limit: 1 }),
      );
      if (line) this.#publisher.announce(author, line);
    }
  }

  /** Catches `author` up when `seq` is beyond the local head. */
  async #catchUpIfBehind(author: string, seq: number): Promise<void> {
    const { head } = await this.#options.store.head(author);
    if (seq > (head?.seq ?? 0)) this.catchUp(author, seq);
  }

  /**
   * Takes a message from `peer` unless it has too many in flight (or, for
   * a GET, unread replies piling up in its socket): one peer cannot make
   * this instance queue unbounded work.
   */
  #admit(message: GunMessage, peer: GunPeer): void {
    const peerId = this.#peerId(peer);
    // Blocked since it connected: nothing of it is read.
    if (this.#options.isPeerBlocked?.(peerId)) return this.#node?.hangUp(peer);
    const load = this.#inFlight.get(peer) ?? 0;
    const buffered = (peer.wire as WebSocket | null | undefined)
      ?.bufferedAmount ?? 0;
    if (
      this.#closed || load >= MAX_IN_FLIGHT ||
      (message.get !== undefined && buffered > MAX_BUFFERED)
    ) {
      if (!this.#closed) this.#rejected(peerId, "busy", 1);
      return;
    }
    this.#inFlight.set(peer, load + 1);
    this.#track(
      this.#receive(message, peer).finally(() => {
        const left = (this.#inFlight.get(peer) ?? 1) - 1;
        if (left > 0) this.#inFlight.set(peer, left);
        else this.#inFlight.delete(peer);
      }),
    );
  }

  /**
   * Spends `peer`'s message budget before anything of the message is read;
   * a peer over budget for long is hung up on.
   */
  #charge(peer: GunPeer, unit: "batch" | "message"): boolean {
    const verdict = this.#budget.charge(peer, unit === "batch" ? 0 : 1);
    if (verdict === "pass") return true;
    if (verdict === "gone" || this.#closed) return false;
    const peerId = this.#peerId(peer);
    this.#rejected(peerId, "rate_limited", 1);
    if (verdict === "cut") {
      this.#table.cutOff(peerId);
      this.#node?.hangUp(peer);
    }
    return false;
  }

  /** Starts catch-ups that waited for a free slot. */
  #startWaiting(): void {
    for (const [author, seq] of this.#targets) {
      if (this.#running.size >= PARALLEL_AUTHORS) return;
      if (!this.#running.has(author)) this.catchUp(author, seq);
    }
  }

  async #receive(message: GunMessage, peer: GunPeer) {
    if (this.#closed) return;
    const peerId = this.#peerId(peer);
    this.#table.seen(peerId, this.#now());
    if (message.get) {
      const soul = kithSoulOfGet(message);
      if (!soul) return;
      for (const part of await serveSoul(this.#options.store, soul)) {
        if (this.#closed) return;
        this.#node?.say(
          { "@": message["#"], put: { [part.soul]: part.node } },
          peer,
        );
        this.#table.recordsOut(peerId, part.records);
      }
      return;
    }
    if (message.put) {
      const relay = await takeLedgerMessages(message, peerId, {
        handler: this.#ledgerHandler,
        drop: (count) => this.#rejected(peerId, "bad_node", count),
      });
      if (relay) this.#node?.say(relay);
      if (Object.keys(message.put).length === 0) return;
      const replyTo = message["@"];
      if (typeof replyTo === "string" && this.#waiters.has(replyTo)) {
        // An answer to a backfill GET: the backfill ingests it in order.
        const found = this.#firewall.screen(message, peerId);
        this.#waiters.offer(replyTo, found.flatMap((item) => item.lines));
        return;
      }
      await this.#firewall.put(message, peerId);
    }
  }

  #onPeer(event: "hi" | "bye", peer: GunPeer): void {
    const peerId = this.#peerId(peer);
    this.#table.connected(peerId, event === "hi", this.#now());
    this.#outbound?.onPeer(event, peer);
    if (event !== "hi" || this.#closed) return;
    if (this.#options.isPeerBlocked?.(peerId)) return this.#node?.hangUp(peer);
    // Ask for every replicated author's head: a gap starts a catch-up.
    for (const author of this.#subscriptions.authors()) {
      this.#node?.say({ get: { "#": headSoul(author) } }, peer);
    }
    // Configured peers are also asked over HTTP.
    if (this.#outbound?.originOf(peer)) {
      for (const author of this.#subscriptions.authors()) this.catchUp(author);
    }
  }

  #rejected(peerId: string, reason: DropReason, count: number): void {
    this.#table.rejected(peerId, reason, count);
    try {
      this.#options.onDrop?.(peerId, reason, count);
    } catch {
      // A listener cannot break replication.
    }
  }

  #peerId(peer: GunPeer): string {
    return this.#outbound?.originOf(peer) ?? String(peer.id ?? "unknown");
  }

  #track(work: Promise<unknown>): void {
    const settled = work.catch((error) => {
      if (!this.#closed) log.error("Replication task failed", { error });
    });
    this.#work.add(settled);
    settled.finally(() => this.#work.delete(settled));
  }
}
