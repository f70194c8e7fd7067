/**
 * Turns a file's path inside routes/ into a URL pattern, following Fresh's
 * conventions: `index` is the folder itself, `[name]` one path segment,
 * `[...name]` the rest of the path, and `(group)` folders add no segment.
 *
 * @module
 */

/** One segment of a route's URL pattern. */
export type RouteSegment =
  | { kind: "static"; text: string }
  | { kind: "param"; name: string }
  | { kind: "rest"; name: string };

/** A file route's URL pattern, parsed. */
export interface RoutePattern {
  /** Segments from the root, empty for `/`. */
  segments: RouteSegment[];
  /** The pattern in Hono's syntax, e.g. `/authors/:author/:rest{.+}`. */
  path: string;
  /** The pattern as people write it, e.g. `/authors/[author]/[...rest]`. */
  display: string;
}

/** Error thrown when a file name in routes/ cannot become a route. */
export class RoutePatternError extends Error {
  /** Creates the error with a message naming the file. */
  constructor(message: string) {
    super(message);
    this.name = "RoutePatternError";
  }
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STATIC_SEGMENT = /^[A-Za-z0-9._~!$&'*+,;=:@%-]+$/;

/**
 * Parses a route file's path (relative to routes/, with `/` separators and
 * without its extension) into a URL pattern.
 *
 * @throws {RoutePatternError} When a segment mixes a parameter with text,
 * a parameter name is not an identifier, a rest parameter is not last, or a
 * parameter name repeats.
 *
 * @example
 * ```ts
 * parseRoutePath("(public)/authors/[author]/index").path;
 * // => "/authors/:author"
 * ```
 */
export function parseRoutePath(relativePath: string): RoutePattern {
  const parts = relativePath.split("/").filter((part) => part !== "");
  if (parts.at(-1) === "index") parts.pop();
  const segments: RouteSegment[] = [];
  const seen = new Set<string>();
  for (const [index, part] of parts.entries()) {
    if (/^\(.+\)$/.test(part)) continue;
    const segment = parseSegment(part, relativePath);
    if (segment.kind !== "static") {
      if (seen.has(segment.name)) {
        throw new RoutePatternError(
          `Cannot route "${relativePath}": parameter "${segment.name}" appears twice`,
        );
      }
      seen.add(segment.name);
    }
    if (segment.kind === "rest" && index !== parts.length - 1) {
      throw new RoutePatternError(
        `Cannot route "${relativePath}": rest parameter "[...${segment.name}]" must be the last segment`,
      );
    }
    segments.push(segment);
  }
  return {
    segments,
    path: "/" + segments.map(toHonoSegment).join("/"),
    display: "/" + segments.map(toDisplaySegment).join("/"),
  };
}

function parseSegment(part: string, file: string): RouteSegment {
  const rest = /^\[\.\.\.(.*)\]$/.exec(part);
  if (rest) return { kind: "rest", name: checkParamName(rest[1], file) };
  const param = /^\[(.*)\]$/.exec(part);
  if (param) return { kind: "param", name: checkParamName(param[1], file) };
  if (part.includes("[") || part.includes("]")) {
    throw new RoutePatternError(
      `Cannot route "${file}": segment "${part}" mixes a parameter with text; use a whole segment like "[id]"`,
    );
  }
  if (!STATIC_SEGMENT.test(part)) {
    throw new RoutePatternError(
      `Cannot route "${file}": segment "${part}" has characters that are not allowed in a URL path`,
    );
  }
  return { kind: "static", text: part };
}

function checkParamName(name: string, file: string): string {
  if (!PARAM_NAME.test(name)) {
    throw new RoutePatternError(
      `Cannot route "${file}": parameter name "${name}" must be an identifier (letters, digits, _)`,
    );
  }
  return name;
}

function toHonoSegment(segment: RouteSegment): string {
  switch (segment.kind) {
    case "static":
      return segment.text;
    case "param":
      return `:${segment.name}`;
    case "rest":
      return `:${segment.name}{.+}`;
  }
}

function toDisplaySegment(segment: RouteSegment): string {
  switch (segment.kind) {
    case "static":
      return segment.text;
    case "param":
      return `[${segment.name}]`;
    case "rest":
      return `[...${segment.name}]`;
  }
}

const RANK = { static: 0, param: 1, rest: 2 } as const;

/**
 * Orders patterns so the most specific comes first: compared segment by
 * segment, a pattern that has ended comes first, then static segments (by
 * text), then parameters, then rest parameters. Hono tries routes in the
 * order they were added, so `/blog/new` wins over `/blog/[slug]`.
 *
 * @example
 * ```ts
 * const sorted = patterns.sort(compareRoutePatterns);
 * ```
 */
export function compareRoutePatterns(a: RoutePattern, b: RoutePattern): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const left = a.segments[i];
    const right = b.segments[i];
    if (left === undefined || right === undefined) {
      return left === undefined ? -1 : 1;
    }
    const rank = RANK[left.kind] - RANK[right.kind];
    if (rank !== 0) return rank;
    if (
      left.kind === "static" && right.kind === "static" &&
      left.text !== right.text
    ) {
      return left.text < right.text ? -1 : 1;
    }
  }
  return 0;
}
