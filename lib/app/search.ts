/**
 * Search over what this instance holds: authors (profile names, handles,
 * fingerprints, key prefixes), hashtags, and the words of the newest posts.
 * Every scan is bounded; docs/search.md describes what is matched and the
 * bounds.
 *
 * @module
 */
import { fingerprint, handleOf } from "../identity/mod.ts";
import type { InstanceInfo } from "../instance/mod.ts";
import { isValidContent, type PostContent } from "../protocol/mod.ts";
import { entriesAt, type EntryWithContent, KEYS } from "../store/mod.ts";
import { blockListOf } from "../store/blocks.ts";
import { HttpError } from "../web/mod.ts";
import { cursorOf } from "./paging.ts";
import { type Profile, profilesOf } from "./profiles.ts";
import { type EntriesView, viewOf } from "./view.ts";
import { withVerdicts } from "./moderation.ts";

/** The bounds of a search. */
export const SEARCH_LIMITS = {
  /** Longest query, in characters (code points). */
  queryChars: 200,
  /** Authors shown. */
  authors: 20,
  /** `["profile"]` keys read for a name or handle search. */
  profileScan: 20_000,
  /** `["head"]` keys read for a fingerprint search. */
  headScan: 20_000,
  /** Tags starting with the query word shown besides the tag itself. */
  tagSuggestions: 10,
  /** Posts counted per tag; more show as "1,000+". */
  tagCount: 1_000,
  /** Matching posts per page. */
  posts: 20,
  /** Timeline entries read per page. */
  postScan: 5_000,
  /** Time spent scanning posts per page, in milliseconds. */
  postBudgetMs: 150,
  /** Timeline entries loaded at once. */
  postBatch: 100,
} as const;

/** A query taken apart for each result group. */
export interface ParsedQuery {
  /** The query as typed, trimmed. */
  text: string;
  /** Normalized words of two or more characters that posts must contain. */
  words: string[];
  /** Hashtags (`#tag` words, lowercase NFC) that posts must carry. */
  tags: string[];
  /** The hashtag to show in the hashtag group, if the query names one. */
  hashtag: string | null;
  /** Normalized terms every matching profile name or handle contains. */
  nameTerms: string[];
  /** A fingerprint as `ABCD-EFGH`, when the query is one. */
  fingerprint: string | null;
  /** A prefix of an author key, when the query is 6 to 43 base64url characters. */
  keyPrefix: string | null;
}

/**
 * Text folded for matching: compatibility-decomposed (NFKD), lowercase,
 * without combining marks, final sigma as `σ`, so `Zoë`, `ZOE` and `ｚｏｅ`
 * all read `zoe`.
 *
 * @example
 * ```ts
 * normalizeForSearch("Café Zürich"); // "cafe zurich"
 * ```
 */
export function normalizeForSearch(text: string): string {
  // Lowercase after NFKD too: `𝕬` and `ℋ` decompose to capitals.
  return text.normalize("NFKD").toLowerCase().normalize("NFKD")
    .replace(/\p{M}+/gu, "").replace(/ς/g, "σ");
}

const WORD_SPLIT = /[^\p{L}\p{N}_]+/u;

function termsOf(token: string): string[] {
  return normalizeForSearch(token).split(WORD_SPLIT).filter((word) => word);
}

function tokensOf(text: string): string[] {
  return text.trim().split(/\s+/u).filter((token) => token);
}

/**
 * A hashtag as the index stores it (NFC, lowercase), or null when `text`
 * is not 1 to 64 letters, digits or `_`.
 *
 * @example
 * ```ts
 * tagOf("Deno"); // "deno"
 * tagOf("no-dash"); // null
 * ```
 */
export function tagOf(text: string): string | null {
  const tag = text.normalize("NFC").toLowerCase();
  return /^[\p{L}\p{N}_]{1,64}$/u.test(tag) ? tag : null;
}

/**
 * The words of a query that posts must contain: normalized
 * ({@linkcode normalizeForSearch}), split at anything but letters, digits
 * and `_`, two characters or more, each once. `#tag` words are left out
 * (they match tags, see {@linkcode parseQuery}).
 *
 * @example
 * ```ts
 * queryWords("Café, zürich! a @Ada #deno"); // ["cafe", "zurich", "ada"]
 * ```
 */
export function queryWords(text: string): string[] {
  const words = new Set<string>();
  for (const token of tokensOf(text)) {
    if (token.startsWith("#") && tagOf(token.slice(1))) continue;
    for (const word of termsOf(token)) {
      if ([...word].length >= 2) words.add(word);
    }
  }
  return [...words];
}

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/**
 * A fingerprint typed by a person as `ABCD-EFGH`: with or without the dash
 * or a leading `@`, any case, with Crockford's look-alikes (`I`, `L` for 1;
 * `O` for 0) read as digits. Null when `text` is not one.
 *
 * @example
 * ```ts
 * fingerprintOf("@7k2m-qx9d"); // "7K2M-QX9D"
 * fingerprintOf("hello"); // null
 * ```
 */
export function fingerprintOf(text: string): string | null {
  const match = /^@?([0-9a-z]{4})-?([0-9a-z]{4})$/i.exec(text.trim());
  if (!match) return null;
  const code = (match[1] + match[2]).toUpperCase().replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  return CROCKFORD.test(code) ? `${code.slice(0, 4)}-${code.slice(4)}` : null;
}

/**
 * Takes a search query apart: post words, `#tags`, the hashtag to show,
 * author name terms, a fingerprint, a key prefix.
 *
 * @throws {HttpError} 400 `bad_query` for a query over 200 characters.
 *
 * @example
 * ```ts
 * parseQuery("#Deno café").tags; // ["deno"]
 * parseQuery("#Deno café").words; // ["cafe"]
 * ```
 */
export function parseQuery(raw: string): ParsedQuery {
  if ([...raw].length > SEARCH_LIMITS.queryChars) {
    throw new HttpError(
      400,
      `A search is at most ${SEARCH_LIMITS.queryChars} characters`,
      { reason: "bad_query" },
    );
  }
  const text = raw.trim();
  const tokens = tokensOf(text);
  const tags: string[] = [];
  const nameTerms = new Set<string>();
  for (const token of tokens) {
    const tag = token.startsWith("#") ? tagOf(token.slice(1)) : null;
    if (tag) {
      if (!tags.includes(tag)) tags.push(tag);
      continue;
    }
    for (const term of termsOf(token)) nameTerms.add(term);
  }
  const single = tokens.length === 1 ? tokens[0] : null;
  const keyPrefix = single && /^[A-Za-z0-9_-]{6,43}$/.test(single)
    ? single
    : null;
  return {
    text,
    words: queryWords(text),
    tags,
    hashtag: tags[0] ?? (single ? tagOf(single) : null),
    nameTerms: [...nameTerms],
    fingerprint: single ? fingerprintOf(single) : null,
    keyPrefix,
  };
}

/**
 * Whether a post matches: its text, content warning and tags (normalized)
 * contain every word, and its tags include every `#tag` of the query. A
 * query without words or tags matches nothing.
 *
 * @example
 * ```ts
 * postMatches({ text: "Café time" }, parseQuery("cafe")); // true
 * ```
 */
export function postMatches(
  content: PostContent,
  query: Pick<ParsedQuery, "words" | "tags">,
): boolean {
  if (query.words.length === 0 && query.tags.length === 0) return false;
  const tags = content.tags ?? [];
  if (!query.tags.every((tag) => tags.includes(tag))) return false;
  if (query.words.length === 0) return true;
  const haystack = normalizeForSearch(
    [content.text, content.cw ?? "", ...tags].join("\n"),
  );
  return query.words.every((word) => haystack.includes(word));
}

/** An author found by a search. */
export interface AuthorHit {
  author: string;
  profile?: Profile;
  handle: string;
  fingerprint: string;
  /** What matched, the strongest first: `key`, `fingerprint`, `name`. */
  match: "key" | "fingerprint" | "name";
}

/** Authors found, and whether the bounded profile scan stopped early. */
export interface AuthorResults {
  authors: AuthorHit[];
  /** Profiles read. */
  scanned: number;
  /** True when the profile or head scan hit its bound. */
  truncated: boolean;
}

function hitOf(
  author: string,
  profile: Profile | undefined,
  match: AuthorHit["match"],
): AuthorHit | null {
  try {
    return {
      author,
      profile,
      handle: handleOf(author, profile),
      fingerprint: fingerprint(author),
      match,
    };
  } catch {
    return null; // Not a 32-byte key: nothing a store should hold.
  }
}

/**
 * Authors matching `query`: by key prefix (a direct `["head"]` range
 * read), by fingerprint (a scan of at most 20,000 heads), and by profile
 * name or handle (a scan of at most 20,000 profiles; every name term must
 * occur in the normalized name or handle). At most 20, strongest and
 * closest matches first. A stored profile that fails the protocol's checks
 * counts as none, as in {@linkcode profilesOf}: it is never matched nor
 * shown.
 *
 * @example
 * ```ts
 * const { authors } = await searchAuthors(kv, parseQuery("ada"));
 * ```
 */
export async function searchAuthors(
  kv: Deno.Kv,
  query: ParsedQuery,
  limits: { profileScan?: number; headScan?: number } = {},
): Promise<AuthorResults> {
  const found = new Map<string, { hit: AuthorHit; score: number }>();
  const add = (hit: AuthorHit | null, score: number) => {
    if (!hit) return;
    const known = found.get(hit.author);
    if (!known || known.score > score) found.set(hit.author, { hit, score });
  };
  let truncated = false;

  if (query.keyPrefix) {
    const prefix = query.keyPrefix;
    for await (
      const { key } of kv.list({
        start: KEYS.head(prefix),
        end: KEYS.head(prefix + "\u{10FFFF}"),
      }, { limit: SEARCH_LIMITS.authors })
    ) {
      const author = key[1] as string;
      add(hitOf(author, undefined, "key"), author === prefix ? 0 : 1);
    }
  }

  if (query.fingerprint) {
    const bound = limits.headScan ?? SEARCH_LIMITS.headScan;
    let seen = 0;
    for await (
      const { key } of kv.list({ prefix: ["head"] }, {
        limit: bound,
        batchSize: 1_000,
      })
    ) {
      seen++;
      const author = key[1] as string;
      const hit = hitOf(author, undefined, "fingerprint");
      if (hit?.fingerprint === query.fingerprint) add(hit, 0);
    }
    if (seen === bound) truncated = true;
  }

  let scanned = 0;
  if (query.nameTerms.length > 0) {
    const whole = query.nameTerms.join(" ");
    const bound = limits.profileScan ?? SEARCH_LIMITS.profileScan;
    for await (
      const { key, value } of kv.list<{ profile: Profile }>(
        { prefix: ["profile"] },
        { limit: bound, batchSize: 1_000 },
      )
    ) {
      scanned++;
      // The same check profilesOf makes: a stored profile that fails the
      // protocol's (an older store, or tampered with) is no profile at all.
      const profile = value?.profile;
      if (!isValidContent("profile", profile)) continue;
      const name = profile.name;
      if (!name) continue;
      const author = key[1] as string;
      const folded = normalizeForSearch(name);
      const handle = normalizeForSearch(handleOf(author, profile)).slice(1);
      const haystack = `${folded}\n${handle}`;
      if (!query.nameTerms.every((term) => haystack.includes(term))) continue;
      const tidy = folded.split(WORD_SPLIT).filter((word) => word).join(" ");
      const score = tidy === whole || handle === whole
        ? 2
        : tidy.startsWith(whole) || handle.startsWith(whole)
        ? 3
        : 4;
      add(hitOf(author, profile, "name"), score);
    }
    if (scanned === bound) truncated = true;
  }

  // Key and fingerprint hits get their profiles for display.
  const bare = [...found.values()].filter(({ hit }) => !hit.profile);
  if (bare.length > 0) {
    const profiles = await profilesOf(
      kv,
      bare.slice(0, SEARCH_LIMITS.authors * 2).map(({ hit }) => hit.author),
    );
    for (const [author, profile] of profiles) {
      const entry = found.get(author);
      if (entry) {
        entry.hit.profile = profile;
        entry.hit.handle = handleOf(author, profile);
      }
    }
  }

  const authors = [...found.values()].sort((a, b) =>
    a.score - b.score ||
    (a.hit.profile?.name ?? a.hit.handle).localeCompare(
      b.hit.profile?.name ?? b.hit.handle,
    )
  ).slice(0, SEARCH_LIMITS.authors).map(({ hit }) => hit);
  return { authors, scanned, truncated };
}

/** A hashtag and how many posts carry it (counted up to 1,000). */
export interface TagCount {
  tag: string;
  count: number;
  /** True when there are more than `count`. */
  more: boolean;
}

/** The hashtag a query names and the tags that start with it. */
export interface TagResults {
  tag: TagCount;
  /** Other tags starting with the same word, in key order, at most 10. */
  related: TagCount[];
}

async function countTag(kv: Deno.Kv, tag: string): Promise<TagCount> {
  let count = 0;
  for await (
    const _ of kv.list({ prefix: ["tag", tag] }, {
      limit: SEARCH_LIMITS.tagCount + 1,
      batchSize: 1_000, // KV's largest batch.
    })
  ) {
    count++;
  }
  return {
    tag,
    count: Math.min(count, SEARCH_LIMITS.tagCount),
    more: count > SEARCH_LIMITS.tagCount,
  };
}

/**
 * The hashtag `tag` with its post count, and up to 10 other tags that
 * start with it (each found with one one-key read that skips past the
 * previous tag's posts), with theirs.
 *
 * @example
 * ```ts
 * const { tag, related } = await searchTags(kv, "deno");
 * ```
 */
export async function searchTags(
  kv: Deno.Kv,
  tag: string,
): Promise<TagResults> {
  const names: string[] = [];
  // "\u{10FFFF}" sorts after every character KV can store, astral ones too.
  const end = ["tag", tag + "\u{10FFFF}"];
  let start = tag + "\0"; // The first string after `tag` itself.
  while (names.length < SEARCH_LIMITS.tagSuggestions) {
    let next: string | null = null;
    for await (
      const { key } of kv.list({ start: ["tag", start], end }, { limit: 1 })
    ) {
      next = key[1] as string;
    }
    if (next === null) break;
    names.push(next);
    start = next + "\0";
  }
  const [counted, ...related] = await Promise.all(
    [tag, ...names].map((name) => countTag(kv, name)),
  );
  return { tag: counted, related };
}

/** Why a post scan stopped. */
export type ScanStop = "matches" | "scan" | "time" | "end";

/** One page of matching posts. */
export interface PostResults {
  items: EntryWithContent[];
  /** Timeline entries read on this page. */
  scanned: number;
  /** Where the scan stopped, for the next page; null when it reached the oldest. */
  cursor: string | null;
  stoppedBy: ScanStop;
}

/** Bounds of one post scan; the defaults are {@linkcode SEARCH_LIMITS}. */
export interface PostScanOptions {
  cursor?: string;
  matches?: number;
  scan?: number;
  budgetMs?: number;
  batch?: number;
}

function badCursor(): HttpError {
  return new HttpError(
    400,
    "This page link is broken or expired: start again from the first page",
    { reason: "bad_cursor" },
  );
}

/**
 * Scans the `["timeline"]` index newest first from `cursor`, loading
 * entries in batches, and keeps the posts that {@linkcode postMatches}
 * `query`. Stops after 20 matches, 5,000 entries read or about 150 ms
 * (checked between batches; the first batch always runs), and returns the
 * KV cursor just after the last entry examined.
 *
 * @throws {HttpError} 400 `bad_cursor` for a cursor KV cannot read.
 *
 * @example
 * ```ts
 * const { items, scanned, cursor } = await searchPosts(kv, parseQuery("deno"));
 * ```
 */
export async function searchPosts(
  kv: Deno.Kv,
  query: Pick<ParsedQuery, "words" | "tags">,
  options: PostScanOptions = {},
): Promise<PostResults> {
  const want = options.matches ?? SEARCH_LIMITS.posts;
  const bound = options.scan ?? SEARCH_LIMITS.postScan;
  const budget = options.budgetMs ?? SEARCH_LIMITS.postBudgetMs;
  const batchSize = Math.min(options.batch ?? SEARCH_LIMITS.postBatch, bound);
  const started = performance.now();
  const items: EntryWithContent[] = [];
  let scanned = 0;
  let cursor: string | null = null;
  let stoppedBy: ScanStop = "end";

  let iterator: Deno.KvListIterator<[string, number]>;
  try {
    iterator = kv.list<[string, number]>({ prefix: ["timeline"] }, {
      reverse: true,
      cursor: options.cursor,
      limit: bound,
      batchSize,
    });
  } catch {
    throw badCursor();
  }

  /** Examines one batch; true when the scan must stop. */
  const examine = async (
    batch: { at: [string, number]; cursor: string }[],
    last: boolean,
  ): Promise<boolean> => {
    const entries = await entriesAt(kv, batch.map(({ at }) => at));
    const byPlace = new Map(
      entries.map((item) => [`${item.entry.seq}/${item.entry.author}`, item]),
    );
    for (const { at, cursor: after } of batch) {
      scanned++;
      cursor = after;
      const item = byPlace.get(`${at[1]}/${at[0]}`);
      if (
        item?.entry.type === "post" && item.content &&
        postMatches(item.content as PostContent, query)
      ) {
        items.push(item);
        if (items.length === want) {
          stoppedBy = "matches";
          return true;
        }
      }
    }
    // The list is limited to `bound` keys: reaching it means there may be
    // more; ending before it means the oldest entry was read.
    if (scanned >= bound) {
      stoppedBy = "scan";
      return true;
    }
    if (!last && performance.now() - started > budget) {
      stoppedBy = "time";
      return true;
    }
    return false;
  };

  let batch: { at: [string, number]; cursor: string }[] = [];
  let stopped = false;
  try {
    for await (const { value } of iterator) {
      batch.push({ at: value, cursor: iterator.cursor });
      if (batch.length === batchSize) {
        stopped = await examine(batch, false);
        batch = [];
        if (stopped) break;
      }
    }
  } catch (error) {
    if (options.cursor) throw badCursor();
    throw error;
  }
  if (!stopped && batch.length > 0) stopped = await examine(batch, true);
  if (!stopped) {
    stoppedBy = "end";
    cursor = null;
  }
  return { items, scanned, cursor: cursor || null, stoppedBy };
}

/** Everything the search page shows. */
export interface SearchView {
  query: ParsedQuery;
  /** Whether this page continues a post scan (`cursor` given). */
  continued: boolean;
  /** Authors; null on continued pages or when the query names none. */
  authors: AuthorResults | null;
  /** The hashtag group; null when the query names no valid tag. */
  tags: TagResults | null;
  /** Posts; null when the query has no word or tag to look for. */
  posts:
    | (Omit<PostResults, "items" | "cursor"> & {
      view: EntriesView;
      next: string | null;
    })
    | null;
}

/**
 * Runs a search for the page at `url` (`?q=` and, for older posts,
 * `&cursor=`). An empty query returns empty groups.
 *
 * @throws {HttpError} 400 `bad_query` (query over 200 characters),
 * `bad_cursor`.
 *
 * @example
 * ```ts
 * const view = await search(ctx.state.instance, ctx.url);
 * ```
 */
export async function search(
  instance: InstanceInfo,
  url: URL,
): Promise<SearchView> {
  const query = parseQuery(url.searchParams.get("q") ?? "");
  const cursor = cursorOf(url);
  const continued = cursor !== undefined;
  const { kv } = instance;
  if (!query.text) {
    return { query, continued, authors: null, tags: null, posts: null };
  }
  const wantsAuthors = !continued &&
    (query.nameTerms.length > 0 || query.fingerprint !== null ||
      query.keyPrefix !== null);
  const wantsPosts = query.words.length > 0 || query.tags.length > 0;
  const [authors, tags, posts] = await Promise.all([
    wantsAuthors ? searchAuthors(kv, query) : null,
    !continued && query.hashtag ? searchTags(kv, query.hashtag) : null,
    wantsPosts ? searchPosts(kv, query, { cursor }) : null,
  ]);
  // Authors this instance blocks are not found (viewOf leaves out their posts).
  const blocks = blockListOf(kv);
  if (authors && blocks) {
    authors.authors = authors.authors.filter((hit) =>
      !blocks.hasAuthor(hit.author)
    );
  }
  if (!posts) return { query, continued, authors, tags, posts: null };
  let next: string | null = null;
  if (posts.cursor) {
    const params = new URLSearchParams({ q: query.text, cursor: posts.cursor });
    next = `${url.pathname}?${params}`;
  }
  return {
    query,
    continued,
    authors,
    tags,
    posts: {
      view: withVerdicts(
        await viewOf(kv, posts.items, Date.now()),
        instance.ledgers,
      ),
      scanned: posts.scanned,
      stoppedBy: posts.stoppedBy,
      next,
    },
  };
}
