/**
 * The parts of GUN 0.2020.1241's core that Kith touches, typed from its
 * source (gun.js: Gun.create, mesh, websocket). GUN ships no types for
 * `gun/gun.js`.
 */

/** A GUN wire message: `#` id, `@` reply-to, `put` graph, `get` lex, `dam` mesh control. */
export interface GunMessage {
  "#"?: string;
  "@"?: string;
  "##"?: string | number;
  put?: Record<string, GunNodeData>;
  get?: { "#"?: unknown; "."?: unknown };
  dam?: string;
  err?: string;
  ok?: unknown;
  _?: unknown;
  [key: string]: unknown;
}

/** A node: values by key, plus `_` with its soul and per-key states. */
export interface GunNodeData {
  _?: { "#"?: unknown; ">"?: Record<string, unknown> };
  [key: string]: unknown;
}

/** A connected (or connecting) peer. */
export interface GunPeer {
  id?: string;
  url?: string;
  pid?: string;
  wire?: WebSocket | null;
  defer?: ReturnType<typeof setTimeout>;
  retry?: number;
  met?: number;
  inbound?: boolean;
  [key: string]: unknown;
}

/** GUN's mesh (DAM). */
export interface GunMesh {
  say(message: GunMessage, peer?: GunPeer): unknown;
  hear(raw: string, peer: GunPeer): void;
  hi(peer: GunPeer): void;
  bye(peer: GunPeer): void;
}

/** The root chain's `_`. */
export interface GunRoot {
  opt: {
    peers: Record<string, GunPeer>;
    mesh: GunMesh;
    [key: string]: unknown;
  };
  dup: { to: ReturnType<typeof setTimeout> | null; [key: string]: unknown };
  graph: Record<string, unknown>;
  on(event: string, handler: unknown): unknown;
  kithHooked?: boolean;
  [key: string]: unknown;
}

/** The Gun constructor, with its global event bus. */
interface GunConstructor {
  (options: Record<string, unknown>): { _: GunRoot };
  on(event: string, handler: unknown): unknown;
}

declare const Gun: GunConstructor;
export default Gun;
