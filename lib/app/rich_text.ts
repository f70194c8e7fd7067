/**
 * Splits post text into plain runs, links, hashtags and mentions, so pages
 * can render them as elements (never as HTML: the text is always escaped
 * by the renderer). Pure; used on the server and in islands.
 *
 * @module
 */
import { isConfusable } from "../identity/confusable.ts";

/** A piece of post text. */
export type Token =
  | { kind: "text"; text: string }
  /**
   * An http(s) URL; `href` is the normalized URL that was checked, `label`
   * what the link shows: the text, or `href` (with its punycode host) when
   * the host as written could pass for another.
   */
  | { kind: "url"; text: string; href: string; label: string }
  /** `#tag`; `tag` is lowercase NFC, as the index stores it. */
  | { kind: "tag"; text: string; tag: string }
  /** `@handle`; `author` is set when a mentioned author has that handle. */
  | { kind: "mention"; text: string; handle: string; author?: string };

// A URL runs to whitespace, or to an invisible or direction-changing
// character (never part of a URL as written, and a way to make its text
// read as another); trailing punctuation belongs to the sentence.
const PATTERN =
  /(https?:\/\/[^\s<>"\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]+)|(?<![\p{L}\p{N}_])#([\p{L}\p{N}_]{1,64})|(?<![\p{L}\p{N}_@])@([\p{L}\p{N}_-]{1,64})/gu;
const TRAILING = /[.,;:!?)\]}'"»]+$/u;

/**
 * Tokenizes `text`. `handles` maps a handle without `@` (lowercase) to the
 * author key it stands for, from the post's `mentions`.
 *
 * @example
 * ```ts
 * tokenize("Hi @ada, see https://x.example #deno", new Map([["ada", key]]));
 * ```
 */
export function tokenize(
  text: string,
  handles: ReadonlyMap<string, string> = new Map(),
): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  const plain = (to: number) => {
    if (to > last) tokens.push({ kind: "text", text: text.slice(last, to) });
  };
  for (const match of text.matchAll(PATTERN)) {
    const at = match.index!;
    let raw = match[0];
    if (match[1]) {
      raw = raw.replace(TRAILING, "");
      const href = safeUrl(raw);
      if (!href) continue;
      plain(at);
      tokens.push({ kind: "url", text: raw, href, label: labelOf(raw, href) });
    } else if (match[2]) {
      plain(at);
      tokens.push({
        kind: "tag",
        text: raw,
        tag: match[2].normalize("NFC").toLowerCase(),
      });
    } else {
      plain(at);
      const handle = match[3].toLowerCase();
      tokens.push({
        kind: "mention",
        text: raw,
        handle,
        author: handles.get(handle),
      });
    }
    last = at + raw.length;
  }
  plain(text.length);
  return tokens;
}

/** What a link to `href`, written as `raw`, shows. */
function labelOf(raw: string, href: string): string {
  const host = /^https?:\/\/([^/?#]*)/i.exec(raw)![1].replace(/:\d*$/, "");
  return host.split(".").some(isConfusable) ? href : raw;
}

/**
 * The URL as an http(s) link target, or null when it is not one (another
 * scheme, credentials in it, or not a URL at all).
 *
 * @example
 * ```ts
 * safeUrl("https://x.example"); // "https://x.example/"
 * safeUrl("javascript:alert(1)"); // null
 * ```
 */
export function safeUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null;
  return url.href;
}

/**
 * Hashtags a compose box should attach for `text`: unique, lowercase NFC,
 * in order of appearance, at most `limit`.
 *
 * @example
 * ```ts
 * tagsOf("#Deno and #deno, #KV"); // ["deno", "kv"]
 * ```
 */
export function tagsOf(text: string, limit = 20): string[] {
  const tags = new Set<string>();
  for (const token of tokenize(text)) {
    if (token.kind === "tag") tags.add(token.tag);
  }
  return [...tags].slice(0, limit);
}
