/**
 * This instance's local blocks of remote authors and of peers, kept in
 * Deno KV (`KEYS.block`) and mirrored in memory: ingest and every page ask
 * synchronously, and the instance is one process, so the copy held here is
 * the truth as soon as a change commits. A block deletes nothing.
 *
 * @module
 */
import { decodeBase64Url } from "../protocol/mod.ts";
import { KEYS } from "./schema.ts";

/** What can be blocked: an author's key, or a peer's origin. */
export type BlockKind = "author" | "peer";

/** One block, as listed. */
export interface Block {
  kind: BlockKind;
  /** The author's key, or the peer's origin (`https://kith.example`). */
  subject: string;
  /** When the block was made (ms since the epoch). */
  at: number;
  /** The owner's note ("" when none). */
  note: string;
}

/** Longest note kept with a block, in characters. */
export const MAX_BLOCK_NOTE = 500;

/** A block subject or note that cannot be used. */
export class BlockError extends Error {
  /** Creates the error. @example new BlockError("Cannot block: ...") */
  constructor(message: string) {
    super(message);
    this.name = "BlockError";
  }
}

// One list per KV handle, so views that only hold `kv` find it.
const lists = new WeakMap<Deno.Kv, BlockList>();

/**
 * The block list opened on `kv`, or undefined when none was: views then
 * hide nothing.
 *
 * @example
 * ```ts
 * blockListOf(kv)?.hasAuthor(author);
 * ```
 */
export function blockListOf(kv: Deno.Kv): BlockList | undefined {
  return lists.get(kv);
}

/**
 * The subject of a block of `kind` as stored: an author key (32 bytes of
 * base64url) as given, a peer as its URL's origin.
 *
 * @throws {BlockError} `Cannot block author: ...` / `Cannot block peer: ...`.
 * @example
 * ```ts
 * blockSubject("peer", "https://kith.example/"); // "https://kith.example"
 * ```
 */
export function blockSubject(kind: BlockKind, raw: string): string {
  const text = raw.trim();
  if (kind === "author") {
    if (!decodeBase64Url(text, { expectedBytes: 32 })) {
      throw new BlockError(
        `Cannot block author: "${text}" is not an author key (43 characters of base64url)`,
      );
    }
    return text;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BlockError(
      `Cannot block peer: "${text}" is not an origin such as https://kith.example`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BlockError(
      `Cannot block peer: "${text}" is not an http or https origin`,
    );
  }
  return url.origin;
}

/** The local blocks of one instance; open it once with {@linkcode BlockList.open}. */
export class BlockList {
  readonly #kv: Deno.Kv;
  readonly #blocks = new Map<string, Block>();

  private constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /**
   * Loads every block stored in `kv` and makes the list the one
   * {@linkcode blockListOf} returns for `kv`.
   *
   * @example
   * ```ts
   * const blocks = await BlockList.open(kv);
   * ```
   */
  static async open(kv: Deno.Kv): Promise<BlockList> {
    const list = new BlockList(kv);
    for await (
      const { key, value } of kv.list<{ at: number; note: string }>({
        prefix: KEYS.blockPrefix(),
      })
    ) {
      const [, kind, subject] = key as [string, BlockKind, string];
      list.#blocks.set(`${kind} ${subject}`, {
        kind,
        subject,
        at: value.at,
        note: value.note,
      });
    }
    lists.set(kv, list);
    return list;
  }

  /** Whether `author`'s records are refused and hidden here. */
  hasAuthor(author: string): boolean {
    return this.#blocks.has(`author ${author}`);
  }

  /**
   * Whether `peer` is blocked: a configured peer by its origin, an inbound
   * connection (`inbound:<host>:<port>` or a bare host) by the host of a
   * blocked origin, since an inbound socket tells only its address.
   */
  hasPeer(peer: string): boolean {
    if (this.#blocks.has(`peer ${peer}`)) return true;
    // A configured peer is its origin; only addresses match by host.
    if (/^https?:\/\//.test(peer)) return false;
    const host = hostOf(peer);
    if (host === null) return false;
    for (const block of this.#blocks.values()) {
      if (block.kind === "peer" && hostOf(block.subject) === host) return true;
    }
    return false;
  }

  /** Every block, newest first. */
  list(): Block[] {
    return [...this.#blocks.values()].sort((a, b) => b.at - a.at);
  }

  /**
   * Blocks `raw` (an author key or a peer origin); blocking again keeps
   * the first time and takes the new note.
   *
   * @throws {BlockError} For a subject {@linkcode blockSubject} refuses or a
   * note over {@linkcode MAX_BLOCK_NOTE} characters.
   * @example
   * ```ts
   * await blocks.block("author", key, { note: "spam" });
   * ```
   */
  async block(
    kind: BlockKind,
    raw: string,
    options: { note?: string; now?: number } = {},
  ): Promise<Block> {
    const subject = blockSubject(kind, raw);
    const note = (options.note ?? "").trim();
    if (note.length > MAX_BLOCK_NOTE) {
      throw new BlockError(
        `Cannot block ${kind}: the note has ${note.length} characters, more than ${MAX_BLOCK_NOTE}`,
      );
    }
    const at = this.#blocks.get(`${kind} ${subject}`)?.at ??
      options.now ?? Date.now();
    await this.#kv.set(KEYS.block(kind, subject), { at, note });
    const block = { kind, subject, at, note };
    this.#blocks.set(`${kind} ${subject}`, block);
    return block;
  }

  /**
   * Removes the block of `raw`; returns whether there was one.
   *
   * @throws {BlockError} As {@linkcode blockSubject}.
   * @example
   * ```ts
   * await blocks.unblock("peer", "https://kith.example");
   * ```
   */
  async unblock(kind: BlockKind, raw: string): Promise<boolean> {
    const subject = blockSubject(kind, raw);
    await this.#kv.delete(KEYS.block(kind, subject));
    return this.#blocks.delete(`${kind} ${subject}`);
  }
}

/** The host of a stored origin, of `inbound:<host>:<port>` or of a bare host. */
function hostOf(peer: string): string | null {
  if (peer.startsWith("inbound:")) {
    const address = peer.slice("inbound:".length);
    const colon = address.lastIndexOf(":");
    return (colon > 0 ? address.slice(0, colon) : address).replace(
      /^\[|\]$/g,
      "",
    );
  }
  if (/^https?:\/\//.test(peer)) {
    return new URL(peer).hostname.replace(/^\[|\]$/g, "");
  }
  return peer.replace(/^\[|\]$/g, "") || null;
}
