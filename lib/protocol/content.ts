/**
 * Entry types and the schema of each type's content. Content travels beside
 * its entry and is bound to it by `contentHash`; these checks run whenever
 * content is present.
 *
 * @module
 */
import { decodeBase64Url } from "./base64url.ts";
import { ProtocolError } from "./errors.ts";
import { LIMITS } from "./limits.ts";

/** Every entry type. */
export const ENTRY_TYPES = [
  "post",
  "repost",
  "react",
  "retract",
  "profile",
  "follow",
  "unfollow",
  "dm",
  "ledger",
] as const;

/** One of {@linkcode ENTRY_TYPES}. */
export type EntryType = typeof ENTRY_TYPES[number];

/** Content of a `post`. */
export interface PostContent {
  text: string;
  /** First post of the thread this replies to; with `parent`. */
  root?: string;
  /** The post this replies to directly; with `root`. */
  parent?: string;
  /** Authors mentioned, unique. */
  mentions?: string[];
  /** Hashtags without `#`, lowercase NFC, unique. */
  tags?: string[];
  /** Content warning shown instead of the text until opened. */
  cw?: string;
}

/** Content of each type, by type. */
export interface ContentByType {
  post: PostContent;
  repost: { target: string; targetAuthor: string };
  react: { target: string; targetAuthor: string; reaction: string };
  retract: { target: string };
  profile: { name?: string; bio?: string; avatar?: string };
  follow: { target: string };
  unfollow: { target: string };
  dm: { to: string[]; box: string; conv?: string };
  ledger: { ledger: string; tx: Record<string, unknown> };
}

/** Content of any type. */
export type Content = ContentByType[EntryType];

type Fields = Record<string, (value: unknown, path: string) => void>;

const isId = (value: unknown) =>
  typeof value === "string" &&
  decodeBase64Url(value, { expectedBytes: 32 }) !== undefined;

function fail(
  message: string,
  code:
    | "bad_content"
    | "text_too_long"
    | "too_many_tags"
    | "too_many_mentions"
    | "too_many_recipients" = "bad_content",
): never {
  throw new ProtocolError(code, `Cannot accept content: ${message}`);
}

function chars(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

const id = (value: unknown, path: string) => {
  if (!isId(value)) {
    fail(`${path} must be an entry id (43 base64url characters)`);
  }
};
const author = (value: unknown, path: string) => {
  if (!isId(value)) {
    fail(`${path} must be an author key (43 base64url characters)`);
  }
};
const text =
  (max: number, code?: "text_too_long") => (value: unknown, path: string) => {
    if (typeof value !== "string") fail(`${path} must be a string`);
    // Control characters are exactly what this refuses.
    // deno-lint-ignore no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
      fail(`${path} has control characters`);
    }
    const length = chars(value);
    if (length > max) {
      fail(`${path} has ${length} characters, at most ${max} allowed`, code);
    }
  };
const nonEmptyText =
  (max: number, code?: "text_too_long") => (value: unknown, path: string) => {
    text(max, code)(value, path);
    if ((value as string).trim() === "") fail(`${path} is empty`);
  };
const uniqueAuthors =
  (max: number, code: "too_many_mentions" | "too_many_recipients", min = 0) =>
  (value: unknown, path: string) => {
    if (!Array.isArray(value)) fail(`${path} must be an array of author keys`);
    if (value.length < min) fail(`${path} needs at least ${min} author`);
    if (value.length > max) {
      fail(`${path} has ${value.length} authors, at most ${max} allowed`, code);
    }
    value.forEach((item, i) => author(item, `${path}[${i}]`));
    if (new Set(value).size !== value.length) {
      fail(`${path} lists an author twice`);
    }
  };
const tags = (value: unknown, path: string) => {
  if (!Array.isArray(value)) fail(`${path} must be an array of strings`);
  if (value.length > LIMITS.tags) {
    fail(
      `${path} has ${value.length} tags, at most ${LIMITS.tags} allowed`,
      "too_many_tags",
    );
  }
  value.forEach((tag, i) => {
    if (
      typeof tag !== "string" || !/^[\p{L}\p{N}_]+$/u.test(tag) ||
      chars(tag) > LIMITS.tagChars
    ) {
      fail(
        `${path}[${i}] must be 1 to ${LIMITS.tagChars} letters, digits or _`,
      );
    }
    if (tag !== tag.normalize("NFC").toLowerCase()) {
      fail(`${path}[${i}] must be lowercase NFC`);
    }
  });
  if (new Set(value).size !== value.length) fail(`${path} lists a tag twice`);
};
const avatar = (input: unknown, path: string) => {
  text(LIMITS.avatarDataChars)(input, path);
  const value = input as string;
  if (value.startsWith("https://")) {
    if (chars(value) > LIMITS.avatarUrlChars) {
      fail(`${path} is longer than ${LIMITS.avatarUrlChars} characters`);
    }
    try {
      new URL(value);
    } catch {
      fail(`${path} is not a valid URL`);
    }
    return;
  }
  const data = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/
    .exec(value);
  if (!data) {
    fail(
      `${path} must be an https URL or a base64 data URL of a PNG, JPEG or WebP image`,
    );
  }
  if (value.length > LIMITS.avatarDataChars) {
    fail(`${path} is longer than ${LIMITS.avatarDataChars} characters`);
  }
};
const reaction = (value: unknown, path: string) => {
  text(LIMITS.reactionChars)(value, path);
  if (
    value !== "like" && !/^\p{Extended_Pictographic}/u.test(value as string)
  ) {
    fail(`${path} must be "like" or an emoji`);
  }
};
const box = (value: unknown, path: string) => {
  if (
    typeof value !== "string" || value.length === 0 ||
    decodeBase64Url(value) === undefined
  ) {
    fail(`${path} must be non-empty base64url`);
  }
};
const plainObject = (value: unknown, path: string) => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(`${path} must be an object`);
  }
};

const SCHEMAS: Record<EntryType, { required: Fields; optional: Fields }> = {
  post: {
    required: { text: nonEmptyText(LIMITS.textChars, "text_too_long") },
    optional: {
      root: id,
      parent: id,
      mentions: uniqueAuthors(LIMITS.mentions, "too_many_mentions"),
      tags,
      cw: nonEmptyText(LIMITS.contentWarningChars),
    },
  },
  repost: { required: { target: id, targetAuthor: author }, optional: {} },
  react: {
    required: { target: id, targetAuthor: author, reaction },
    optional: {},
  },
  retract: { required: { target: id }, optional: {} },
  profile: {
    required: {},
    optional: {
      name: nonEmptyText(LIMITS.profileNameChars),
      bio: text(LIMITS.profileBioChars),
      avatar,
    },
  },
  follow: { required: { target: author }, optional: {} },
  unfollow: { required: { target: author }, optional: {} },
  dm: {
    required: {
      to: uniqueAuthors(LIMITS.recipients, "too_many_recipients", 1),
      box,
    },
    optional: { conv: id },
  },
  ledger: { required: { ledger: id, tx: plainObject }, optional: {} },
};

/**
 * Checks `content` against the schema of `type`: required and allowed
 * fields, their types, limits and formats.
 *
 * @throws {ProtocolError} `bad_content` (or a more precise code such as
 * `text_too_long`, `too_many_tags`), e.g.
 * `Cannot accept content: text has 5001 characters, at most 5000 allowed`.
 *
 * @example
 * ```ts
 * assertValidContent("post", { text: "Hello" });
 * ```
 */
export function assertValidContent(
  type: EntryType,
  content: unknown,
): asserts content is Content {
  const schema = SCHEMAS[type];
  if (
    content === null || typeof content !== "object" || Array.isArray(content)
  ) {
    fail(`${type} content must be an object`);
  }
  const record = content as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (
      !Object.hasOwn(schema.required, key) &&
      !Object.hasOwn(schema.optional, key)
    ) {
      fail(`${type} content has unknown field "${key}"`);
    }
  }
  for (const [key, check] of Object.entries(schema.required)) {
    if (!Object.hasOwn(record, key)) fail(`${type} content needs "${key}"`);
    check(record[key], key);
  }
  for (const [key, check] of Object.entries(schema.optional)) {
    if (Object.hasOwn(record, key)) check(record[key], key);
  }
  if (
    type === "post" &&
    Object.hasOwn(record, "root") !== Object.hasOwn(record, "parent")
  ) {
    fail("a reply needs both root and parent");
  }
}

/** Whether `content` fits the schema of `type`. */
export function isValidContent(
  type: EntryType,
  content: unknown,
): content is Content {
  try {
    assertValidContent(type, content);
    return true;
  } catch {
    return false;
  }
}
