/**
 * A JSON parser that never lets V8 reuse an earlier object's property names.
 *
 * Why it exists: the V8 in Deno 2.9.6 (15.0) has a `JSON.parse` defect. Once
 * it has parsed an object whose keys were, say, `q` then `\\` (a backslash),
 * a later object `{"q":1,"\"":0}` comes back with the key `\` instead of `"`:
 * the parser's shortcut for "same keys as last time" compares the raw,
 * escaped source with the remembered key. Only keys that contain an escape
 * are affected, so every caller first tries `JSON.parse`, checks the result
 * where it can (canonical text must re-encode to itself) and falls back to
 * this parser. It builds objects itself and hands `JSON.parse` only single
 * string and number tokens, which carry no keys.
 *
 * @module
 */

/**
 * Parses JSON text like `JSON.parse` (same values, same key order, own
 * `__proto__` keys) without V8's property-name shortcut. Slower; meant as the
 * fallback when a fast parse fails a check.
 *
 * @throws {SyntaxError} For text that is not JSON.
 *
 * @example
 * ```ts
 * parseJsonStructurally('{"q":1,"\\"":0}'); // { q: 1, '"': 0 }
 * ```
 */
export function parseJsonStructurally(text: string): unknown {
  const parser = new StructuralParser(text);
  const value = parser.value();
  parser.space();
  if (parser.at < text.length) parser.fail("unexpected text after the value");
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class StructuralParser {
  at = 0;

  constructor(readonly text: string) {}

  value(): unknown {
    this.space();
    const char = this.text[this.at];
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') return this.string();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.text);
    if (number === null) this.fail("expected a value");
    this.at += number[0].length;
    return JSON.parse(number[0]);
  }

  object(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.at++;
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      return object;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail("expected a key");
      const key = this.string();
      this.space();
      this.expect(":");
      // defineProperty keeps "__proto__" an ordinary own key, as JSON.parse does.
      Object.defineProperty(object, key, {
        value: this.value(),
        writable: true,
        enumerable: true,
        configurable: true,
      });
      this.space();
      if (this.text[this.at] === "}") {
        this.at++;
        return object;
      }
      this.expect(",");
    }
  }

  array(): unknown[] {
    const array: unknown[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      return array;
    }
    for (;;) {
      array.push(this.value());
      this.space();
      if (this.text[this.at] === "]") {
        this.at++;
        return array;
      }
      this.expect(",");
    }
  }

  string(): string {
    const start = this.at;
    let end = start + 1;
    while (end < this.text.length && this.text[end] !== '"') {
      end += this.text[end] === "\\" ? 2 : 1;
    }
    if (end >= this.text.length) this.fail("unterminated string");
    this.at = end + 1;
    // A lone string token has no keys, so V8's shortcut cannot touch it.
    return JSON.parse(this.text.slice(start, end + 1));
  }

  space(): void {
    while (" \t\n\r".includes(this.text[this.at] ?? "x")) this.at++;
  }

  expect(char: string): void {
    if (this.text[this.at] !== char) this.fail(`expected "${char}"`);
    this.at++;
  }

  fail(problem: string): never {
    throw new SyntaxError(`${problem} at offset ${this.at}`);
  }
}

const LITERALS: [string, unknown][] = [
  ["true", true],
  ["false", false],
  ["null", null],
];
