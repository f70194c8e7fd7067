/**
 * Outgoing peers from configuration, kept connected. GUN 0.2020.1241 gives
 * up on a peer after one failed retry, so Kith cancels GUN's own retry and
 * redials with backoff (0.5 s doubling to 10 s) for as long as it runs.
 *
 * @module
 */
import type { GunNode, GunPeer } from "./gun.ts";

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** The GUN WebSocket URL of a peer origin. */
export function gunUrlOf(origin: string): string {
  const url = new URL("/gun", origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** Dials and redials the configured peers and those added at run time. */
export class OutboundPeers {
  readonly #node: GunNode;
  readonly #origins = new Map<string, string>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #delays = new Map<string, number>();
  /** GUN URLs of peers removed at run time. */
  readonly #removed = new Set<string>();
  #closed = false;

  /** Dials every origin now. */
  constructor(node: GunNode, origins: string[]) {
    this.#node = node;
    for (const origin of origins) {
      const url = gunUrlOf(origin);
      this.#origins.set(url, origin);
      node.dial(url);
    }
  }

  /** Dials `origin` from now on too (a peer the owner added at run time). */
  add(origin: string): void {
    const url = gunUrlOf(origin);
    this.#removed.delete(url);
    if (this.#closed || this.#origins.has(url)) return;
    this.#origins.set(url, origin);
    this.#node.dial(url);
  }

  /** Stops dialling `origin` and hangs up on it when connected. */
  remove(origin: string): void {
    const url = gunUrlOf(origin);
    if (!this.#origins.delete(url)) return;
    // Remembered so that a socket still opening, or GUN's own retry, does
    // not bring it back.
    this.#removed.add(url);
    clearTimeout(this.#timers.get(url));
    this.#timers.delete(url);
    this.#delays.delete(url);
    for (const peer of this.#node.peers()) {
      if (peer.url === url) this.#node.hangUp(peer);
    }
  }

  /** The configured origin of `peer`, when it is an outgoing one. */
  originOf(peer: GunPeer): string | undefined {
    return peer.url ? this.#origins.get(peer.url) : undefined;
  }

  /** Follows connects and disconnects of outgoing peers. */
  onPeer(event: "hi" | "bye", peer: GunPeer): void {
    const url = peer.url;
    if (url && this.#removed.has(url)) {
      clearTimeout(peer.defer);
      if (event === "hi") this.#node.hangUp(peer);
      return;
    }
    if (!url || !this.#origins.has(url)) return;
    if (event === "hi") {
      this.#delays.delete(url);
      return;
    }
    // GUN scheduled one retry of its own; this keeper owns retries instead.
    clearTimeout(peer.defer);
    if (this.#closed || this.#timers.has(url)) return;
    const delay = this.#delays.get(url) ?? FIRST_RETRY_MS;
    this.#delays.set(url, Math.min(MAX_RETRY_MS, delay * 2));
    this.#timers.set(
      url,
      setTimeout(() => {
        this.#timers.delete(url);
        if (!this.#closed) this.#node.dial(url);
      }, delay),
    );
  }

  /** Stops redialing. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
