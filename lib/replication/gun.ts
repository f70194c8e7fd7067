/**
 * GUN, the minimal way: the core (`gun/gun.js`) only, never the package
 * entry, which loads UDP multicast, AXE, SEA, a stats writer and the `ws`
 * server. GUN's own JSON codec is left out too, so its mesh uses native
 * JSON (the bundled YSON codec corrupts strings with escaped quotes at its
 * 32 KiB yield points). Sockets are Deno's: the server side comes from
 * `Deno.upgradeWebSocket`, outgoing peers use the global `WebSocket`.
 *
 * Kith uses GUN as the wire: message framing, batching, de-duplication and
 * peers. A hook that runs before GUN's own handlers ({@linkcode GunNode}'s
 * `intercept`) sees every message first; GUN's graph never stores Kith data.
 *
 * @module
 */
// Belt and braces: lib/multicast.js and lib/axe.js read these if anything
// ever loads them into this process.
Deno.env.set("MULTICAST", "false");
Deno.env.set("AXE", "false");

// @ts-types="./gun_types.d.ts"
import Gun from "gun/gun.js";
import type { GunMesh, GunMessage, GunPeer, GunRoot } from "./gun_types.d.ts";

export type { GunMessage, GunPeer };

/** What the hook decides about a message: GUN handles it, or nobody does. */
export type Interception = "pass" | "taken";

/** Options of {@linkcode createGunNode}. */
export interface GunNodeOptions {
  /**
   * Sees every incoming and local message before GUN does. Return "taken"
   * to keep GUN from processing it at all.
   */
  intercept: (message: GunMessage, peer: GunPeer | undefined) => Interception;
  /** Called when a peer's socket opens (`hi`) or closes (`bye`). */
  onPeer?: (event: "hi" | "bye", peer: GunPeer) => void;
  /** Called when an inbound peer sends a frame over `maxMessage`. */
  onOversize?: (peer: GunPeer) => void;
  /**
   * Asked before GUN reads anything a peer sent, even its JSON: a whole
   * frame (`batch` when it holds an array, whose messages are then asked
   * about one by one) or one message. False drops it unread.
   */
  admit?: (peer: GunPeer, unit: "batch" | "message") => boolean;
  /** Largest incoming frame in characters (GUN's `max`). */
  maxMessage: number;
}

/** A running GUN root with its mesh. */
export interface GunNode {
  root: GunRoot;
  mesh: GunMesh;
  /** Sends a message to one peer, or to every peer. */
  say(message: GunMessage, peer?: GunPeer): void;
  /** Connected peers, inbound and outbound. */
  peers(): GunPeer[];
  /** Closes `peer`'s socket; GUN then says `bye` as for any disconnect. */
  hangUp(peer: GunPeer): void;
  /** Dials an outgoing peer (`ws://…/gun`) through GUN's own wire. */
  dial(url: string): void;
  /** Serves one inbound WebSocket upgrade request. */
  accept(request: Request, label: string): Response;
  /** Closes every socket and clears GUN's timers. */
  close(): void;
}

type Hooks = Pick<GunNodeOptions, "intercept" | "onPeer">;
const hooksOf = new WeakMap<GunRoot, Hooks>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  // Gun.on("opt") runs before Gun.create registers GUN's own "in"
  // handler, so this listener sees messages first.
  Gun.on("opt", function (this: OnContext, root: GunRoot) {
    if (!root.kithHooked) {
      root.kithHooked = true;
      root.on("in", function (this: OnContext, message: GunMessage) {
        const hooks = hooksOf.get(root);
        // After close() nothing reaches GUN's own handlers: a message still
        // in flight must not land in its graph or start its timers.
        if (!hooks || !message) return;
        const via = (message._ as { via?: GunPeer } | undefined)?.via;
        if (hooks.intercept(message, via) === "taken") return;
        this.to.next(message);
      });
      for (const event of ["hi", "bye"] as const) {
        root.on(event, function (this: OnContext, peer: GunPeer) {
          this.to.next(peer);
          hooksOf.get(root)?.onPeer?.(event, peer);
        });
      }
    }
    this.to.next(root);
  });
}

interface OnContext {
  to: { next(value: unknown): void };
}

/**
 * Starts a GUN root for this process with multicast, AXE, stats, radisk and
 * file storage off, and no peers until {@linkcode GunNode.dial}.
 *
 * @example
 * ```ts
 * const node = createGunNode({ intercept: () => "taken", maxMessage: 8e6 });
 * node.dial("ws://127.0.0.1:8001/gun");
 * node.close();
 * ```
 */
export function createGunNode(options: GunNodeOptions): GunNode {
  install();
  const gun = Gun({
    peers: [],
    WebSocket: globalThis.WebSocket,
    multicast: false,
    axe: false,
    stats: false,
    radisk: false,
    rfs: false,
    localStorage: false,
    file: false,
    max: options.maxMessage,
  });
  const root = gun._ as GunRoot;
  hooksOf.set(root, { intercept: options.intercept, onPeer: options.onPeer });
  const opt = root.opt;
  const mesh = opt.mesh;
  if (options.admit) admitFirst(mesh, options.admit);
  // DAM's "mob" message makes GUN drop the sender and dial any URL it
  // names: no peer gets to choose whom this instance connects to.
  delete (mesh.hear as unknown as Record<string, unknown>).mob;
  const sockets = new Set<WebSocket>();
  const dialed = new Set<GunPeer>();
  let closed = false;
  return {
    root,
    mesh,
    say(message, peer) {
      if (!closed) mesh.say(message, peer);
    },
    peers: () =>
      Object.values(opt.peers).filter((peer) =>
        peer.wire && peer.wire.readyState === WebSocket.OPEN
      ),
    hangUp(peer) {
      try {
        peer.wire?.close();
      } catch {
        // Already closed.
      }
    },
    dial(url) {
      if (closed || opt.peers[url]?.wire) return;
      // Earlier attempts at this URL are over; forget them.
      for (const old of dialed) {
        if (old.url === url) dialed.delete(old);
      }
      // Kept so close() can end a connection still being dialed: GUN lists
      // a peer in opt.peers only once its socket opened.
      const peer: GunPeer = { url, id: url };
      dialed.add(peer);
      mesh.hi(peer);
    },
    accept(request, label) {
      if (closed) {
        return Response.json({
          error: "This instance is shutting down",
          reason: "shutting_down",
        }, { status: 503 });
      }
      const { socket, response } = Deno.upgradeWebSocket(request);
      const peer: GunPeer = { wire: socket, id: label, inbound: true };
      sockets.add(socket);
      socket.onopen = () => mesh.hi(peer);
      socket.onmessage = (event) => {
        if (
          typeof event.data === "string" &&
          event.data.length >= options.maxMessage
        ) options.onOversize?.(peer);
        mesh.hear(event.data, peer);
      };
      socket.onclose = () => {
        sockets.delete(socket);
        mesh.bye(peer);
      };
      socket.onerror = () => {};
      return response;
    },
    close() {
      closed = true;
      hooksOf.delete(root);
      for (const [id, peer] of Object.entries(opt.peers)) {
        delete opt.peers[id];
        clearTimeout(peer.defer);
        peer.retry = 0;
        closeQuietly(peer.wire);
      }
      for (const peer of dialed) {
        clearTimeout(peer.defer);
        closeQuietly(peer.wire);
      }
      dialed.clear();
      for (const socket of sockets) closeQuietly(socket);
      sockets.clear();
      clearTimeout(root.dup.to ?? undefined);
      root.dup.to = null;
    },
  };
}

/**
 * Puts `admit` in front of `mesh.hear`. Every frame, inbound or from a
 * dialed peer, and every message of a batch (GUN splits a batch by calling
 * `mesh.hear` again) goes through the property, so nothing bypasses it.
 */
function admitFirst(
  mesh: GunMesh,
  admit: NonNullable<GunNodeOptions["admit"]>,
): void {
  const hear = mesh.hear;
  const admitted = function (raw: unknown, peer: GunPeer) {
    const unit = typeof raw === "string" && raw[0] === "["
      ? "batch"
      : "message";
    if (peer && !admit(peer, unit)) return;
    hear.call(mesh, raw as string, peer);
  };
  // GUN looks up DAM handlers ("?", "!", "mob") as properties of hear.
  mesh.hear = Object.assign(admitted, hear);
}

function closeQuietly(socket: WebSocket | null | undefined): void {
  if (!socket) return;
  // Detached first: a close event after close() would tell GUN "bye", and
  // GUN answers that with a 9 s timer nothing could cancel.
  socket.onopen =
    socket.onmessage =
    socket.onerror =
    socket.onclose =
      null;
  try {
    socket.close();
  } catch {
    // Already closed.
  }
}
