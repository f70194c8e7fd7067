/**
 * Canonical JSON after RFC 8785 (JSON Canonicalization Scheme), restricted to
 * safe integers: the exact bytes that Kith entries are signed and hashed over.
 *
 * Receivers do not normalize what they get; {@linkcode parseCanonical}
 * demands that the text already equal its own canonical re-encoding, which
 * rejects duplicate keys, whitespace, alternative escapes and number forms,
 * and key order differences in one comparison.
 *
 * Pure code: no I/O, clock or randomness, so it runs in browsers too.
 *
 * @example
 * ```ts
 * const text = canonicalize({ b: [1, "€"], a: null });
 * // text === '{"a":null,"b":[1,"€"]}'
 * const value = parseCanonical(text);
 * ```
 *
 * @module
 */

import { parseJsonStructurally } from "./_internal.ts";

/** Options for encoding and parsing canonical JSON. */
export interface CanonicalJsonOptions {
  /**
   * Most arrays and objects that may enclose a value, counting the outermost
   * one as 1. Bounds recursion on hostile input; values much above 1000 risk
   * exhausting the call stack.
   *
   * @default {64}
   */
  maxDepth?: number;
}

/** Error thrown for a value or text that is not canonical JSON. */
export class CanonicalJsonError extends Error {
  /**
   * Where in the value the problem is, like `$.content.tags[2]`, when it is
   * about one place in the value.
   */
  readonly path: string | undefined;

  /** Creates the error. */
  constructor(message: string, options?: { path?: string; cause?: unknown }) {
    super(
      message,
      options?.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = "CanonicalJsonError";
    this.path = options?.path;
  }
}

const DEFAULT_MAX_DEPTH = 64;
const ENCODE = "Cannot canonicalize:";
const PARSE = "Cannot parse canonical JSON:";
const PLAIN_ONLY =
  "only plain objects, arrays, strings, safe integers, booleans and null are allowed";
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const LONE_SURROGATE = /\p{Surrogate}/u;
const encoder = new TextEncoder();

// isWellFormed is native (fast) where present; the regex covers older engines.
const isWellFormed: (text: string) => boolean =
  typeof String.prototype.isWellFormed === "function"
    ? (text) => text.isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);

/**
 * Serializes a value as canonical JSON (RFC 8785): object keys sorted by
 * UTF-16 code units, no whitespace, strings escaped as `JSON.stringify` does.
 * Only plain data is accepted; `toJSON` is never called.
 *
 * @throws {CanonicalJsonError} For anything that is not plain data: a number
 * that is not a safe integer, a bigint, `undefined` (even as a property
 * value), a function, symbol, `Date` or other non-plain object, a sparse
 * array hole, a string or key with a lone surrogate, nesting deeper than
 * `maxDepth`, or a cycle; e.g.
 * `Cannot canonicalize: $.a[2] is 1.5; only safe integers are allowed`.
 *
 * @example
 * ```ts
 * canonicalize({ "€": 1, "\r": [true, "\u2028"] }); // '{"\\r":[true,"\u2028"],"€":1}'
 * ```
 */
export function canonicalize(
  value: unknown,
  options: CanonicalJsonOptions = {},
): string {
  return new Encoder(ENCODE, maxDepthOf(options)).encode(value, 0);
}

/**
 * UTF-8 bytes of {@linkcode canonicalize}: what signatures and entry ids are
 * computed over.
 *
 * @throws {CanonicalJsonError} As {@linkcode canonicalize}.
 *
 * @example
 * ```ts
 * canonicalBytes({ a: "€" }); // Uint8Array of {"a":"€"} (10 bytes)
 * ```
 */
export function canonicalBytes(
  value: unknown,
  options: CanonicalJsonOptions = {},
): Uint8Array {
  return encoder.encode(canonicalize(value, options));
}

/**
 * Parses text that must already be canonical JSON, exactly as
 * {@linkcode canonicalize} would write it. Offsets in messages count UTF-16
 * code units.
 *
 * @throws {CanonicalJsonError} For invalid JSON (with the `JSON.parse`
 * message), a leading byte order mark, a value `canonicalize` rejects, or
 * text that differs from its canonical form, e.g.
 * `Cannot parse canonical JSON: not canonical at offset 5 (expected "1", found " ")`.
 *
 * @example
 * ```ts
 * parseCanonical('{"a":1}'); // { a: 1 }
 * parseCanonical('{"a": 1}'); // throws CanonicalJsonError
 * ```
 */
export function parseCanonical(
  text: string,
  options: CanonicalJsonOptions = {},
): unknown {
  const maxDepth = maxDepthOf(options);
  // JSON.parse would say "Unexpected token", which hides the actual cause.
  if (text.charCodeAt(0) === 0xfeff) {
    throw new CanonicalJsonError(
      `${PARSE} text starts with a byte order mark (U+FEFF)`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CanonicalJsonError(`${PARSE} ${reason}`, { cause: error });
  }
  let canonical = new Encoder(PARSE, maxDepth).encode(value, 0);
  if (canonical !== text && text.includes("\\")) {
    // Maybe V8 misread an escaped key (see _internal.ts); parse again slowly.
    value = parseJsonStructurally(text);
    canonical = new Encoder(PARSE, maxDepth).encode(value, 0);
  }
  if (canonical !== text) throw notCanonical(text, canonical);
  return value;
}

/**
 * Whether text is canonical JSON: the non-throwing form of
 * {@linkcode parseCanonical}.
 *
 * @example
 * ```ts
 * isCanonical('{"a":1,"b":2}'); // true
 * isCanonical('{"b":2,"a":1}'); // false
 * ```
 */
export function isCanonical(
  text: string,
  options: CanonicalJsonOptions = {},
): boolean {
  try {
    parseCanonical(text, options);
    return true;
  } catch (error) {
    if (error instanceof CanonicalJsonError) return false;
    throw error;
  }
}

function maxDepthOf(options: CanonicalJsonOptions): number {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (Number.isSafeInteger(maxDepth) && maxDepth >= 0) return maxDepth;
  throw new RangeError(`Cannot use maxDepth ${maxDepth}: use an integer >= 0`);
}

type Segment = string | number;

/** One walk over a value. Paths are kept as segments and only rendered on error. */
class Encoder {
  // keys[d] is the key or index of the value at depth d + 1 within parents[d].
  readonly keys: Segment[] = [];
  readonly parents: object[] = [];

  constructor(readonly prefix: string, readonly maxDepth: number) {}

  encode(value: unknown, depth: number): string {
    switch (typeof value) {
      case "string":
        if (!isWellFormed(value)) throw this.loneSurrogate(value, depth, "");
        return JSON.stringify(value);
      case "number":
        // String(-0) is "0", as RFC 8785 requires.
        if (Number.isSafeInteger(value)) return String(value);
        throw this.fail(depth, `is ${value}; only safe integers are allowed`);
      case "boolean":
        return value ? "true" : "false";
      case "undefined":
        throw this.fail(depth, "is undefined");
      case "bigint":
        throw this.fail(depth, "is a bigint; only safe integers are allowed");
      case "object":
        return value === null ? "null" : this.encodeObject(value, depth);
    }
    // Functions and symbols.
    throw this.fail(depth, `is a ${typeof value}; ${PLAIN_ONLY}`);
  }

  encodeObject(value: object, depth: number): string {
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value) && proto === Array.prototype) {
      this.enter(value, depth);
      let out = "[";
      for (let i = 0; i < value.length; i++) {
        this.keys[depth] = i;
        const item: unknown = value[i];
        if (item === undefined && !(i in value)) {
          throw this.fail(depth + 1, "is a hole in a sparse array");
        }
        out += (i === 0 ? "" : ",") + this.encode(item, depth + 1);
      }
      return out + "]";
    }
    if (proto === Object.prototype || proto === null) {
      this.enter(value, depth);
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is what RFC 8785 asks.
      const keys = Object.keys(record).sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        this.keys[depth] = key;
        if (!isWellFormed(key)) {
          throw this.loneSurrogate(key, depth + 1, " in its key");
        }
        out += (i === 0 ? "" : ",") + JSON.stringify(key) + ":" +
          this.encode(record[key], depth + 1);
      }
      return out + "}";
    }
    throw this.fail(depth, `is ${describe(value, proto)}; ${PLAIN_ONLY}`);
  }

  enter(container: object, depth: number): void {
    this.parents[depth] = container;
    if (depth < this.maxDepth) return;
    // A cycle always ends up here, so it costs nothing until then.
    for (let i = 1; i <= depth; i++) {
      const j = this.parents.indexOf(this.parents[i]);
      if (j < i) {
        throw this.fail(i, `is a cycle back to ${formatPath(this.keys, j)}`);
      }
    }
    const shown = formatPath(this.keys, depth, true);
    const message =
      `${this.prefix} nesting deeper than ${this.maxDepth} at ${shown}`;
    throw new CanonicalJsonError(message, {
      path: formatPath(this.keys, depth),
    });
  }

  loneSurrogate(
    text: string,
    depth: number,
    where: string,
  ): CanonicalJsonError {
    const index = text.search(LONE_SURROGATE);
    return this.fail(depth, `has a lone surrogate${where} at index ${index}`);
  }

  fail(depth: number, problem: string): CanonicalJsonError {
    const shown = formatPath(this.keys, depth, true);
    const path = formatPath(this.keys, depth);
    return new CanonicalJsonError(`${this.prefix} ${shown} ${problem}`, {
      path,
    });
  }
}

/** Renders the first `depth` segments as `$.a["b c"][0]`, optionally abbreviated. */
function formatPath(keys: Segment[], depth: number, short = false): string {
  const shown = keys.slice(0, depth);
  if (short && shown.length > 8) {
    return "$" + shown.slice(0, 4).map(formatSegment).join("") + "…" +
      shown.slice(-2).map(formatSegment).join("");
  }
  return "$" + shown.map(formatSegment).join("");
}

function formatSegment(key: Segment): string {
  if (typeof key === "number") return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Names a rejected object by its constructor, without running any getter. */
function describe(value: object, proto: unknown): string {
  if (proto === null || typeof proto !== "object") return "an object";
  const ctor: unknown = Object.getOwnPropertyDescriptor(proto, "constructor")
    ?.value;
  const name = typeof ctor === "function" ? ctor.name : "";
  if (name === "") {
    return Array.isArray(value) ? "an array subclass" : "a class instance";
  }
  return (/^[AEIO]/.test(name) ? "an " : "a ") + name;
}

function notCanonical(text: string, canonical: string): CanonicalJsonError {
  let offset = 0;
  while (text[offset] === canonical[offset]) offset++;
  return new CanonicalJsonError(
    `${PARSE} not canonical at offset ${offset} (expected ${
      charAt(canonical, offset)
    }, found ${charAt(text, offset)})`,
  );
}

function charAt(text: string, offset: number): string {
  if (offset >= text.length) return "end of text";
  return JSON.stringify(String.fromCodePoint(text.codePointAt(offset)!));
}
