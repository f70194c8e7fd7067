/**
 * Test helper: an independent model of the content rules of
 * docs/protocol.md ("Content types"), written from the document rather
 * than from content.ts, so the fuzz suites can tell an accepted invalid
 * record from a valid one without asking the code under test.
 *
 * @module
 */
import type { EntryType, ErrorCode } from "./mod.ts";

/** The refusal codes a content rule may report. */
export type ContentCode = Extract<
  ErrorCode,
  | "bad_content"
  | "text_too_long"
  | "too_many_tags"
  | "too_many_mentions"
  | "too_many_recipients"
>;

type Rule = (value: unknown) => ContentCode[];

// The C0 controls but tab, LF and CR, and DEL: what the document refuses.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Whether `text` is canonical base64url without padding, of `bytes` bytes
 * when given: decoded with atob and encoded again, it must come back equal.
 *
 * @example
 * ```ts
 * isBase64Url("__4"); // true
 * isBase64Url("__5"); // false: unused bits set
 * ```
 */
export function isBase64Url(text: unknown, bytes?: number): boolean {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text)) return false;
  let binary: string;
  try {
    const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
    binary = atob(base64 + "=".repeat((4 - base64.length % 4) % 4));
  } catch {
    return false;
  }
  const again = btoa(binary).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  return again === text && (bytes === undefined || binary.length === bytes);
}

const codePoints = (text: string) => [...text].length;
const isBlank = (text: string) => /^\s*$/u.test(text);

/** A text field: a string of at most `max` code points without controls. */
function text(max: number, long: ContentCode = "bad_content", min = 0): Rule {
  return (value) => {
    if (typeof value !== "string") return ["bad_content"];
    const codes: ContentCode[] = [];
    if (CONTROL.test(value)) codes.push("bad_content");
    if (codePoints(value) > max) codes.push(long);
    if (min > 0 && isBlank(value)) codes.push("bad_content");
    return codes;
  };
}

const hash: Rule = (value) => isBase64Url(value, 32) ? [] : ["bad_content"];

function authors(max: number, many: ContentCode, min = 0): Rule {
  return (value) => {
    if (!Array.isArray(value)) return ["bad_content"];
    const codes: ContentCode[] = [];
    if (value.length > max) codes.push(many);
    if (value.length < min) codes.push("bad_content");
    if (!value.every((item) => isBase64Url(item, 32))) {
      codes.push("bad_content");
    }
    if (new Set(value).size !== value.length) codes.push("bad_content");
    return codes;
  };
}

const tags: Rule = (value) => {
  if (!Array.isArray(value)) return ["bad_content"];
  const codes: ContentCode[] = [];
  if (value.length > 20) codes.push("too_many_tags");
  for (const tag of value) {
    if (
      typeof tag !== "string" || !/^[\p{L}\p{N}_]{1,}$/u.test(tag) ||
      codePoints(tag) > 64 || tag !== tag.toLowerCase() ||
      tag !== tag.normalize("NFC")
    ) codes.push("bad_content");
  }
  if (new Set(value).size !== value.length) codes.push("bad_content");
  return codes;
};

const avatar: Rule = (value) => {
  const codes = text(48_000)(value);
  if (typeof value !== "string") return codes;
  if (value.startsWith("https://")) {
    if (codePoints(value) > 2_048 || !URL.canParse(value)) {
      codes.push("bad_content");
    }
  } else if (
    !/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(value)
  ) codes.push("bad_content");
  return codes;
};

const reaction: Rule = (value) => {
  const codes = text(16)(value);
  if (
    typeof value === "string" && value !== "like" &&
    !/^\p{Extended_Pictographic}/u.test(value)
  ) codes.push("bad_content");
  return codes;
};

const object: Rule = (value) =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? []
    : ["bad_content"];

const SCHEMAS: Record<
  EntryType,
  { required: Record<string, Rule>; optional: Record<string, Rule> }
> = {
  post: {
    required: { text: text(5_000, "text_too_long", 1) },
    optional: {
      root: hash,
      parent: hash,
      mentions: authors(50, "too_many_mentions"),
      tags,
      cw: text(500, "bad_content", 1),
    },
  },
  repost: { required: { target: hash, targetAuthor: hash }, optional: {} },
  react: {
    required: { target: hash, targetAuthor: hash, reaction },
    optional: {},
  },
  retract: { required: { target: hash }, optional: {} },
  profile: {
    required: {},
    optional: { name: text(64, "bad_content", 1), bio: text(1_000), avatar },
  },
  follow: { required: { target: hash }, optional: {} },
  unfollow: { required: { target: hash }, optional: {} },
  dm: {
    required: {
      to: authors(16, "too_many_recipients", 1),
      box: (value) => isBase64Url(value) && value !== "" ? [] : ["bad_content"],
    },
    optional: { conv: hash },
  },
  ledger: { required: { ledger: hash, tx: object }, optional: {} },
};

/**
 * Every rule of `type` that `content` breaks, as refusal codes; empty when
 * the content is valid.
 *
 * @example
 * ```ts
 * contentViolations("post", { text: "" }); // ["bad_content"]
 * ```
 */
export function contentViolations(
  type: EntryType,
  content: unknown,
): ContentCode[] {
  if (object(content).length > 0) return ["bad_content"];
  const record = content as Record<string, unknown>;
  const { required, optional } = SCHEMAS[type];
  const has = (key: string) => Object.hasOwn(record, key);
  const codes: ContentCode[] = [];
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(required, key) && !Object.hasOwn(optional, key)) {
      codes.push("bad_content");
    }
  }
  for (const [key, rule] of Object.entries(required)) {
    codes.push(...(has(key) ? rule(record[key]) : ["bad_content" as const]));
  }
  for (const [key, rule] of Object.entries(optional)) {
    if (has(key)) codes.push(...rule(record[key]));
  }
  if (type === "post" && has("root") !== has("parent")) {
    codes.push("bad_content");
  }
  return codes;
}
