/**
 * Atom 1.0 and JSON Feed 1.1 of an author's posts and of a hashtag, with
 * every item carrying its signed record so a reader can verify it without
 * trusting this instance. docs/feeds.md describes the output.
 *
 * Building is pure ({@linkcode buildAuthorFeed}, {@linkcode buildTagFeed},
 * {@linkcode toAtom}, {@linkcode toJsonFeed}); {@linkcode loadAuthorFeed}
 * and {@linkcode loadTagFeed} read what a feed needs from the store, and
 * {@linkcode feedResponse} answers a request with one.
 *
 * @example
 * ```ts
 * const source = await loadAuthorFeed(kv, author);
 * const feed = buildAuthorFeed(author, { ...source, origin, instanceName });
 * const atom = toAtom(feed);
 * ```
 *
 * @module
 */
import {
  assertValidEntryShape,
  encodeBase64Url,
  isValidContent,
  type PostContent,
} from "../protocol/mod.ts";
import { authorPage, type EntryWithContent, indexPage } from "../store/mod.ts";
import { blockListOf } from "../store/blocks.ts";
import { type Profile, profilesOf } from "./profiles.ts";

/** Items in a feed: the newest posts. */
export const FEED_LIMIT = 50;
/** Log entries or index keys read at most to fill one feed. */
export const FEED_SCAN_LIMIT = 5_000;
/** Characters (code points) of an item title, ellipsis included. */
export const TITLE_CHARS = 80;
/** The XML namespace of Kith's Atom extension elements. */
export const KITH_NAMESPACE = "urn:kith:ns:1";
/** The version URL of JSON Feed 1.1. */
export const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";
/** Content type of an Atom feed. */
export const ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8";
/** Content type of a JSON Feed. */
export const JSON_FEED_CONTENT_TYPE = "application/feed+json; charset=utf-8";

const ATOM_NAMESPACE = "http://www.w3.org/2005/Atom";
const THREAD_NAMESPACE = "http://purl.org/syndication/thread/1.0";
const EPOCH = "1970-01-01T00:00:00.000Z";

/** What a feed is built from: stored entries and their authors' profiles. */
export interface FeedSource {
  /**
   * Entries, newest first; anything but a post with content that passes
   * the protocol's checks is skipped (see {@linkcode isFeedPost}).
   */
  items: EntryWithContent[];
  /** Profiles by author key (authors without one may be missing). */
  profiles: Map<string, Profile>;
  /** This instance's public origin, e.g. `https://kith.example`. */
  origin: string;
  /** This instance's name, shown in feed titles. */
  instanceName: string;
}

/** The author of an item or a feed, as feeds show them. */
export interface FeedAuthor {
  key: string;
  /** Profile name, else the first 8 characters of the key. */
  name: string;
  /** The author's page. */
  url: string;
  /** The author's signed log (NDJSON). */
  log: string;
  /** An `https:` avatar from the profile (data URLs are left out). */
  avatar?: string;
}

/** One post of a feed, format-neutral. */
export interface FeedItem {
  /** Entry id. */
  id: string;
  /** The post's page. */
  url: string;
  title: string;
  /** `CW: …` when the post has a content warning. */
  summary?: string;
  text: string;
  /** ISO 8601 from the entry's `ts`. */
  published: string;
  author: FeedAuthor;
  tags: string[];
  /** The post replied to, for replies. */
  inReplyTo?: { id: string; url: string };
  seq: number;
  sig: string;
  /** The canonical record line, exactly as signed and stored. */
  record: string;
}

/** A feed, format-neutral: what {@linkcode toAtom} and {@linkcode toJsonFeed} render. */
export interface Feed {
  kind: "author" | "tag";
  title: string;
  description: string;
  /** The HTML page the feed mirrors. */
  homePageUrl: string;
  atomUrl: string;
  jsonUrl: string;
  /** ISO 8601: the newest item's time, or the epoch for an empty feed. */
  updated: string;
  /** For author feeds. */
  author?: FeedAuthor;
  /** For tag feeds. */
  tag?: string;
  items: FeedItem[];
}

/** The `_kith` extension object of a JSON Feed item. */
export interface JsonFeedKithItem {
  entry_id: string;
  seq: number;
  author: string;
  sig: string;
  /** The canonical record line: verify it with `verifyRecord`. */
  record: string;
  /** The author's signed log. */
  log: string;
  /** Entry id of the post replied to. */
  in_reply_to?: string;
}

/** A JSON Feed 1.1 author object. */
export interface JsonFeedAuthor {
  name: string;
  url: string;
  avatar?: string;
}

/** A JSON Feed 1.1 item as Kith writes it. */
export interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  summary?: string;
  content_text: string;
  date_published: string;
  date_modified: string;
  authors: JsonFeedAuthor[];
  tags?: string[];
  _kith: JsonFeedKithItem;
}

/** A JSON Feed 1.1 document as Kith writes it. */
export interface JsonFeed {
  version: typeof JSON_FEED_VERSION;
  title: string;
  home_page_url: string;
  feed_url: string;
  description: string;
  authors?: JsonFeedAuthor[];
  _kith: { author?: string; log?: string; tag?: string };
  items: JsonFeedItem[];
}

// ---------------------------------------------------------------------------
// Text helpers

// Everything XML 1.0's Char production leaves out: C0 controls other than
// tab, LF and CR, lone surrogates (matched as code points under /u), U+FFFE
// and U+FFFF.
const XML_FORBIDDEN_SOURCE =
  "[^\\t\\n\\r\\u0020-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]";
const XML_FORBIDDEN_ALL = new RegExp(XML_FORBIDDEN_SOURCE, "gu");
const XML_FORBIDDEN_ANY = new RegExp(XML_FORBIDDEN_SOURCE, "u");

const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  // A raw CR would be normalized to LF by every XML parser.
  "\r": "&#13;",
};
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': "&quot;",
  "'": "&apos;",
  // Attribute-value normalization turns raw whitespace into spaces.
  "\t": "&#9;",
  "\n": "&#10;",
};

/**
 * Removes the characters XML 1.0 cannot carry at all, not even as character
 * references: C0 controls other than tab, LF and CR, lone surrogates,
 * U+FFFE and U+FFFF.
 *
 * @example
 * ```ts
 * stripXmlForbidden("a\u0000b\uFFFF"); // "ab"
 * ```
 */
export function stripXmlForbidden(text: string): string {
  return text.replace(XML_FORBIDDEN_ALL, "");
}

/**
 * Whether XML 1.0 can carry `text` unchanged (after escaping).
 *
 * @example
 * ```ts
 * xmlCanCarry("hello"); // true
 * xmlCanCarry("\uFFFE"); // false
 * ```
 */
export function xmlCanCarry(text: string): boolean {
  return !XML_FORBIDDEN_ANY.test(text);
}

/**
 * Escapes text for an XML element's content: `&`, `<`, `>` and CR become
 * references, forbidden characters are dropped.
 *
 * @example
 * ```ts
 * escapeXmlText("</content><script>"); // "&lt;/content&gt;&lt;script&gt;"
 * ```
 */
export function escapeXmlText(text: string): string {
  return stripXmlForbidden(text).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]);
}

/**
 * Escapes text for a double- or single-quoted XML attribute value: as
 * {@linkcode escapeXmlText}, plus quotes, tab and LF.
 *
 * @example
 * ```ts
 * escapeXmlAttribute(`a "b" & 'c'`); // "a &quot;b&quot; &amp; &apos;c&apos;"
 * ```
 */
export function escapeXmlAttribute(text: string): string {
  return stripXmlForbidden(text).replace(
    /[&<>"'\t\n\r]/g,
    (c) => ATTRIBUTE_ESCAPES[c],
  );
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Cuts `text` to at most `max` code points, at a grapheme boundary (an
 * emoji sequence is never split), ending with `…` when cut.
 *
 * @example
 * ```ts
 * truncate("abcdef", 4); // "abc…"
 * ```
 */
export function truncate(text: string, max: number): string {
  if ([...text].length <= max) return text;
  let kept = "";
  let length = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = [...segment].length;
    if (length + size > max - 1) break;
    kept += segment;
    length += size;
  }
  return kept.trimEnd() + "…";
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * The first 8 characters of an author key, the name of an author without a
 * profile name.
 *
 * @example
 * ```ts
 * shortAuthor("usAbIUbLe7SMf7qSnll9Huaqh7PTIhXA-yRHNR9Txuk"); // "usAbIUbL"
 * ```
 */
export function shortAuthor(key: string): string {
  return key.slice(0, 8);
}

/**
 * An item's title: `CW: <warning>` when the post has one (so the title
 * never shows what the warning hides), else the first non-blank line of the
 * text, at most {@linkcode TITLE_CHARS} characters, else `Post by <short key>`.
 *
 * @example
 * ```ts
 * itemTitle({ text: "Hello\nworld" }, author); // "Hello"
 * itemTitle({ text: "…", cw: "spoilers" }, author); // "CW: spoilers"
 * ```
 */
export function itemTitle(content: PostContent, author: string): string {
  if (content.cw !== undefined && oneLine(content.cw) !== "") {
    return truncate(`CW: ${oneLine(content.cw)}`, TITLE_CHARS);
  }
  const line = content.text.split(/\r\n|\r|\n/).map(oneLine).find((part) =>
    part !== ""
  );
  return line ? truncate(line, TITLE_CHARS) : `Post by ${shortAuthor(author)}`;
}

/**
 * An entry timestamp (ms) as ISO 8601, clamped to what `Date` can show.
 *
 * @example
 * ```ts
 * isoTime(0); // "1970-01-01T00:00:00.000Z"
 * ```
 */
export function isoTime(ts: number): string {
  const clamped = Math.min(Math.max(ts, 0), 8.64e15);
  return new Date(clamped).toISOString();
}

// ---------------------------------------------------------------------------
// Building

// Any stored timestamp passed ingest; only Date's own range matters here.
const LATEST_DATE = 8.64e15;

function hasValidShape(entry: unknown): boolean {
  try {
    assertValidEntryShape(entry, { now: LATEST_DATE });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a stored entry belongs in a feed: a post whose content is held
 * (retracted posts have content `null`) and which, entry and content, still
 * passes the protocol's checks. A store written before those checks, or
 * tampered with, may hold one that does not (a text that is no string, a
 * timestamp that is no number); building its item would throw and take the
 * whole feed down, so it is left out and the feed carries the others.
 *
 * @example
 * ```ts
 * const posts = items.filter(isFeedPost);
 * ```
 */
export function isFeedPost(item: EntryWithContent): boolean {
  return item.entry.type === "post" && item.content !== null &&
    isValidContent("post", item.content) && hasValidShape(item.entry);
}

function feedAuthor(
  key: string,
  profiles: Map<string, Profile>,
  origin: string,
): FeedAuthor {
  const profile = profiles.get(key);
  const name = profile?.name !== undefined && oneLine(profile.name) !== ""
    ? oneLine(profile.name)
    : shortAuthor(key);
  const author: FeedAuthor = {
    key,
    name,
    url: `${origin}/authors/${key}`,
    log: `${origin}/api/authors/${key}/log`,
  };
  if (profile?.avatar?.startsWith("https://")) author.avatar = profile.avatar;
  return author;
}

function buildItems(source: FeedSource): FeedItem[] {
  const origin = trimOrigin(source.origin);
  return source.items.filter(isFeedPost).slice(0, FEED_LIMIT).map(
    ({ entry, content, id, line }) => {
      const post = content as PostContent;
      const item: FeedItem = {
        id,
        url: `${origin}/posts/${id}`,
        title: itemTitle(post, entry.author),
        text: post.text,
        published: isoTime(entry.ts),
        author: feedAuthor(entry.author, source.profiles, origin),
        tags: post.tags ?? [],
        seq: entry.seq,
        sig: entry.sig,
        record: line,
      };
      if (post.cw !== undefined) item.summary = `CW: ${post.cw}`;
      if (post.parent !== undefined) {
        item.inReplyTo = {
          id: post.parent,
          url: `${origin}/posts/${post.parent}`,
        };
      }
      return item;
    },
  );
}

const trimOrigin = (origin: string) => origin.replace(/\/+$/, "");

const newest = (items: FeedItem[]) =>
  items.reduce(
    (latest, item) => item.published > latest ? item.published : latest,
    EPOCH,
  );

/**
 * The feed of an author's newest {@linkcode FEED_LIMIT} posts.
 *
 * @example
 * ```ts
 * const feed = buildAuthorFeed(author, { items, profiles, origin, instanceName });
 * ```
 */
export function buildAuthorFeed(author: string, source: FeedSource): Feed {
  const origin = trimOrigin(source.origin);
  const who = feedAuthor(author, source.profiles, origin);
  const items = buildItems(source);
  const bio = source.profiles.get(author)?.bio;
  return {
    kind: "author",
    title: `${who.name} · ${source.instanceName}`,
    description: bio !== undefined && bio.trim() !== ""
      ? bio
      : `Posts by ${who.name} on ${source.instanceName}`,
    homePageUrl: who.url,
    atomUrl: `${who.url}/feed.atom`,
    jsonUrl: `${who.url}/feed.json`,
    updated: newest(items),
    author: who,
    items,
  };
}

/**
 * The feed of the newest {@linkcode FEED_LIMIT} posts with a hashtag.
 *
 * @example
 * ```ts
 * const feed = buildTagFeed("deno", { items, profiles, origin, instanceName });
 * ```
 */
export function buildTagFeed(tag: string, source: FeedSource): Feed {
  const origin = trimOrigin(source.origin);
  const page = `${origin}/tags/${encodeURIComponent(tag)}`;
  const items = buildItems(source);
  return {
    kind: "tag",
    title: `#${tag} · ${source.instanceName}`,
    description: `Posts tagged #${tag} on ${source.instanceName}`,
    homePageUrl: page,
    atomUrl: `${page}/feed.atom`,
    jsonUrl: `${page}/feed.json`,
    updated: newest(items),
    tag,
    items,
  };
}

// ---------------------------------------------------------------------------
// Rendering

const text = (name: string, value: string, indent: string) =>
  `${indent}<${name}>${escapeXmlText(value)}</${name}>\n`;

const attributes = (values: Record<string, string | number>) =>
  Object.entries(values).map(([name, value]) =>
    ` ${name}="${escapeXmlAttribute(String(value))}"`
  ).join("");

const empty = (
  name: string,
  values: Record<string, string | number>,
  indent: string,
) => `${indent}<${name}${attributes(values)}/>\n`;

function atomAuthor(author: FeedAuthor, indent: string): string {
  return `${indent}<author>\n${text("name", author.name, indent + "  ")}${
    text("uri", author.url, indent + "  ")
  }${indent}</author>\n`;
}

function atomRecord(line: string, indent: string): string {
  // A record may hold U+FFFE, U+FFFF…, which XML 1.0 cannot carry even as
  // references; then it travels as base64url of its UTF-8 bytes.
  if (xmlCanCarry(line)) return text("kith:record", line, indent);
  const bytes = new TextEncoder().encode(line);
  return `${indent}<kith:record encoding="base64url">${
    encodeBase64Url(bytes)
  }</kith:record>\n`;
}

function atomEntry(item: FeedItem): string {
  const i = "    ";
  let xml = "  <entry>\n";
  xml += text("id", `urn:kith:entry:${item.id}`, i);
  xml += `${i}<title type="text">${escapeXmlText(item.title)}</title>\n`;
  xml += empty(
    "link",
    { rel: "alternate", type: "text/html", href: item.url },
    i,
  );
  xml += empty("link", {
    rel: "related",
    type: "application/x-ndjson",
    title: "Signed log of the author",
    href: item.author.log,
  }, i);
  xml += text("published", item.published, i);
  xml += text("updated", item.published, i);
  xml += atomAuthor(item.author, i);
  for (const tag of item.tags) xml += empty("category", { term: tag }, i);
  if (item.inReplyTo) {
    xml += empty("thr:in-reply-to", {
      ref: `urn:kith:entry:${item.inReplyTo.id}`,
      href: item.inReplyTo.url,
      type: "text/html",
    }, i);
  }
  if (item.summary !== undefined) {
    xml += `${i}<summary type="text">${
      escapeXmlText(item.summary)
    }</summary>\n`;
  }
  xml += `${i}<content type="text">${escapeXmlText(item.text)}</content>\n`;
  xml += empty("kith:entry", {
    id: item.id,
    seq: item.seq,
    author: item.author.key,
    sig: item.sig,
  }, i);
  xml += atomRecord(item.record, i);
  return xml + "  </entry>\n";
}

/**
 * Renders a feed as an Atom 1.0 document (RFC 4287), with RFC 4685
 * `thr:in-reply-to` for replies and Kith's `kith:entry` / `kith:record`
 * elements (namespace {@linkcode KITH_NAMESPACE}) for verification. All text
 * is escaped as XML text (`type="text"`), never emitted as markup.
 *
 * @example
 * ```ts
 * const xml = toAtom(buildTagFeed("deno", source));
 * ```
 */
export function toAtom(feed: Feed): string {
  const i = "  ";
  let xml = `<?xml version="1.0" encoding="utf-8"?>\n<feed${
    attributes({
      xmlns: ATOM_NAMESPACE,
      "xmlns:thr": THREAD_NAMESPACE,
      "xmlns:kith": KITH_NAMESPACE,
    })
  }>\n`;
  xml += text("id", feed.atomUrl, i);
  xml += `${i}<title type="text">${escapeXmlText(feed.title)}</title>\n`;
  xml += `${i}<subtitle type="text">${
    escapeXmlText(feed.description)
  }</subtitle>\n`;
  xml += text("updated", feed.updated, i);
  xml += text("generator", "Kith", i);
  xml += empty("link", {
    rel: "alternate",
    type: "text/html",
    href: feed.homePageUrl,
  }, i);
  xml += empty("link", {
    rel: "self",
    type: "application/atom+xml",
    href: feed.atomUrl,
  }, i);
  xml += empty("link", {
    rel: "alternate",
    type: "application/feed+json",
    href: feed.jsonUrl,
  }, i);
  if (feed.author) {
    xml += empty("link", {
      rel: "related",
      type: "application/x-ndjson",
      title: "Signed log",
      href: feed.author.log,
    }, i);
    xml += atomAuthor(feed.author, i);
  }
  for (const item of feed.items) xml += atomEntry(item);
  return xml + "</feed>\n";
}

function jsonAuthor(author: FeedAuthor): JsonFeedAuthor {
  const shown: JsonFeedAuthor = { name: author.name, url: author.url };
  if (author.avatar !== undefined) shown.avatar = author.avatar;
  return shown;
}

/**
 * Renders a feed as a JSON Feed 1.1 object, each item with the `_kith`
 * extension (`entry_id`, `seq`, `author`, `sig`, `record`, `log`, and
 * `in_reply_to` for replies). Serialize it with `JSON.stringify`.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(toJsonFeed(buildAuthorFeed(author, source)));
 * ```
 */
export function toJsonFeed(feed: Feed): JsonFeed {
  const json: JsonFeed = {
    version: JSON_FEED_VERSION,
    title: feed.title,
    home_page_url: feed.homePageUrl,
    feed_url: feed.jsonUrl,
    description: feed.description,
    _kith: feed.author
      ? { author: feed.author.key, log: feed.author.log }
      : { tag: feed.tag },
    items: feed.items.map((item) => {
      const kith: JsonFeedKithItem = {
        entry_id: item.id,
        seq: item.seq,
        author: item.author.key,
        sig: item.sig,
        record: item.record,
        log: item.author.log,
      };
      if (item.inReplyTo) kith.in_reply_to = item.inReplyTo.id;
      const shown: JsonFeedItem = {
        id: `urn:kith:entry:${item.id}`,
        url: item.url,
        title: item.title,
        content_text: item.text,
        date_published: item.published,
        date_modified: item.published,
        authors: [jsonAuthor(item.author)],
        _kith: kith,
      };
      if (item.summary !== undefined) shown.summary = item.summary;
      if (item.tags.length > 0) shown.tags = item.tags;
      return shown;
    }),
  };
  if (feed.author) json.authors = [jsonAuthor(feed.author)];
  return json;
}

// ---------------------------------------------------------------------------
// Loading and answering

/**
 * An author's newest {@linkcode FEED_LIMIT} posts with content, and the
 * author's profile. Reads the log newest first, at most
 * {@linkcode FEED_SCAN_LIMIT} entries (an author whose last 5,000 entries
 * hold no post gets an empty feed).
 *
 * @example
 * ```ts
 * const { items, profiles } = await loadAuthorFeed(kv, author);
 * ```
 */
export async function loadAuthorFeed(
  kv: Deno.Kv,
  author: string,
): Promise<Pick<FeedSource, "items" | "profiles">> {
  const items: EntryWithContent[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  while (items.length < FEED_LIMIT && scanned < FEED_SCAN_LIMIT) {
    const limit = Math.min(200, FEED_SCAN_LIMIT - scanned);
    const page = await authorPage(kv, author, { limit, cursor });
    scanned += page.items.length;
    items.push(...page.items.filter((item) => shownPost(kv, item)));
    if (page.cursor === null) break;
    cursor = page.cursor;
  }
  return {
    items: items.slice(0, FEED_LIMIT),
    profiles: await profilesOf(kv, [author]),
  };
}

/**
 * The newest {@linkcode FEED_LIMIT} posts with a hashtag that still have
 * their content, and their authors' profiles.
 *
 * @example
 * ```ts
 * const { items, profiles } = await loadTagFeed(kv, "deno");
 * ```
 */
export async function loadTagFeed(
  kv: Deno.Kv,
  tag: string,
): Promise<Pick<FeedSource, "items" | "profiles">> {
  const items: EntryWithContent[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  while (items.length < FEED_LIMIT && scanned < FEED_SCAN_LIMIT) {
    const limit = FEED_LIMIT - items.length;
    const page = await indexPage(kv, ["tag", tag], { limit, cursor });
    scanned += limit;
    items.push(...page.items.filter((item) => shownPost(kv, item)));
    if (page.cursor === null) break;
    cursor = page.cursor;
  }
  return {
    items,
    profiles: await profilesOf(kv, items.map((item) => item.entry.author)),
  };
}

/** A feed post whose author this instance does not block (as viewOf). */
function shownPost(kv: Deno.Kv, item: EntryWithContent): boolean {
  return isFeedPost(item) && !blockListOf(kv)?.hasAuthor(item.entry.author);
}

function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((part) => {
    const candidate = part.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === opaque;
  });
}

/**
 * Answers a request with a feed as Atom or JSON Feed: the content type,
 * `Cache-Control: no-cache` and a weak ETag of the body, with
 * `304 Not Modified` when `If-None-Match` names it. (The ETag hashes the
 * body rather than naming the newest entry, so a retraction or a new profile
 * name changes it too.)
 *
 * @example
 * ```ts
 * return await feedResponse(ctx.req, feed, "atom");
 * ```
 */
export async function feedResponse(
  request: Request,
  feed: Feed,
  format: "atom" | "json",
): Promise<Response> {
  const body = new TextEncoder().encode(
    format === "atom" ? toAtom(feed) : JSON.stringify(toJsonFeed(feed)),
  );
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", body),
  );
  const etag = `W/"${encodeBase64Url(digest).slice(0, 27)}"`;
  const headers = {
    "Content-Type": format === "atom"
      ? ATOM_CONTENT_TYPE
      : JSON_FEED_CONTENT_TYPE,
    "Cache-Control": "no-cache",
    ETag: etag,
  };
  if (etagMatches(request.headers.get("If-None-Match"), etag)) {
    return new Response(null, {
      status: 304,
      headers: { "Cache-Control": "no-cache", ETag: etag },
    });
  }
  return new Response(body, { headers });
}
