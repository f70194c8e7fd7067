/**
 * What an entry card shows, worked out before anything renders. Server
 * rendering has no error boundaries: a card that threw mid-render would
 * take its whole page down. So everything a card derives from an entry
 * (names, handles, links in the text) is derived here, from an entry and
 * content that pass the protocol's own checks again, and a card whose view
 * cannot be made shows a placeholder instead, its cause logged once.
 *
 * @module
 */
import { fingerprint, handleOf } from "../identity/mod.ts";
import {
  assertValidContent,
  assertValidEntryShape,
  type Content,
  type Entry,
  isValidContent,
  type PostContent,
} from "../protocol/mod.ts";
import type { Profile } from "./profiles.ts";
import { type Token, tokenize } from "./rich_text.ts";

/** What a card is made from. */
export interface CardInput {
  entry: Entry;
  content: Content | null;
  id: string;
  /** The author's profile, when one is stored. */
  profile?: Profile;
  /** Author key to handle (without `@`), for the authors the page shows. */
  handles?: ReadonlyMap<string, string>;
}

/** What the card of an entry shows. */
export interface CardView {
  /** The profile name, else the key shortened. */
  name: string;
  /** `@handle`, see lib/identity/handle.ts. */
  handle: string;
  fingerprint: string;
  body: CardBody;
}

/** The part of a card under its header. */
export type CardBody =
  /** Retracted, or not held here. */
  | { kind: "missing" }
  | {
    kind: "post";
    tokens: Token[];
    cw: string | null;
    /** The post this replies to. */
    parent: string | null;
    /** Whether it belongs to a thread it did not start. */
    reply: boolean;
  }
  | { kind: "repost"; target: string }
  /** Any other entry: its type, and what it is about if anything. */
  | { kind: "other"; type: string; target: string | null };

/** Thrown when an entry cannot be shown; the message says why. */
export class UnshowableEntryError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UnshowableEntryError";
  }
}

// Any stored timestamp passed ingest; only Date's own range matters here.
const LATEST_DATE = 8.64e15;

/**
 * The view of one card.
 *
 * @throws {UnshowableEntryError} When the entry or its content fails the
 * protocol's checks, e.g. `Cannot show entry Xy…: Cannot accept content:
 * text must be a string`. A profile that fails them is ignored instead.
 *
 * @example
 * ```ts
 * const view = cardViewOf({ entry, content, id, profile });
 * view.handle; // "@ada"
 * ```
 */
export function cardViewOf(input: CardInput): CardView {
  const { entry, content, id } = input;
  try {
    assertValidEntryShape(entry, { now: LATEST_DATE });
    if (content !== null) assertValidContent(entry.type, content);
  } catch (error) {
    throw new UnshowableEntryError(
      `Cannot show entry ${String(id).slice(0, 43)}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  const profile = input.profile !== undefined &&
      isValidContent("profile", input.profile)
    ? input.profile
    : {};
  return {
    name: profile.name ?? `${entry.author.slice(0, 8)}…`,
    handle: handleOf(entry.author, profile),
    fingerprint: fingerprint(entry.author),
    body: bodyOf(entry, content, input.handles),
  };
}

function bodyOf(
  entry: Entry,
  content: Content | null,
  handles: ReadonlyMap<string, string> | undefined,
): CardBody {
  if (content === null) return { kind: "missing" };
  if (entry.type === "post") {
    const post = content as PostContent;
    return {
      kind: "post",
      tokens: tokenize(post.text, mentionedHandles(post, handles)),
      cw: post.cw ?? null,
      parent: post.parent ?? null,
      reply: post.root !== undefined,
    };
  }
  const target = (content as { target?: string }).target ?? null;
  if (entry.type === "repost" && target !== null) {
    return { kind: "repost", target };
  }
  return { kind: "other", type: entry.type, target };
}

/**
 * Handle to key for the authors this post mentions: an `@name` links only
 * to an author the post itself names, never to another with that handle.
 */
function mentionedHandles(
  post: PostContent,
  handles: ReadonlyMap<string, string> | undefined,
): Map<string, string> {
  const own = new Map<string, string>();
  for (const key of post.mentions ?? []) {
    const handle = handles?.get(key);
    if (handle) own.set(handle, key);
  }
  return own;
}

const REPORTED_MAX = 10_000;
const reported = new Set<string>();

/**
 * The view of one card, or null when it cannot be made (see
 * {@linkcode cardViewOf}); the first failure of each entry is logged with
 * `console.error`, so a broken post on a busy timeline logs once, not on
 * every request.
 *
 * @example
 * ```ts
 * const view = shownCardView(props);
 * if (view === null) return <p>This post could not be shown.</p>;
 * ```
 */
export function shownCardView(input: CardInput): CardView | null {
  try {
    return cardViewOf(input);
  } catch (error) {
    const key = String(input.id);
    if (!reported.has(key)) {
      if (reported.size >= REPORTED_MAX) reported.clear();
      reported.add(key);
      console.error(
        error instanceof UnshowableEntryError
          ? error.message
          : `Cannot show entry ${key.slice(0, 43)}: ${
            error instanceof Error ? error.stack ?? error.message : error
          }`,
      );
    }
    return null;
  }
}
