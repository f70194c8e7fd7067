import assert from "node:assert/strict";
import fc from "fast-check";
import { parseJsonStructurally } from "./_internal.ts";

Deno.test("parseJsonStructurally reads escaped keys that V8's JSON.parse may misread", () => {
  // Primes V8's "same keys as last time" shortcut, the trigger of the defect.
  JSON.parse('{"q":1,"\\\\":0}');
  assert.deepEqual(parseJsonStructurally('{"q":1,"\\"":0}'), { q: 1, '"': 0 });
  assert.deepEqual(parseJsonStructurally('{"q":1,"\\n":0}'), { q: 1, "\n": 0 });
});

Deno.test("parseJsonStructurally keeps __proto__ an own key, as JSON.parse does", () => {
  const value = parseJsonStructurally('{"__proto__":{"x":1}}') as object;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ["__proto__"]);
  assert.deepEqual(value, JSON.parse('{"__proto__":{"x":1}}'));
});

Deno.test("parseJsonStructurally refuses text that is not JSON", () => {
  const cases: [string, string][] = [
    ["", "expected a value at offset 0"],
    ["{", "expected a key at offset 1"],
    ['{"a" 1}', 'expected ":" at offset 5'],
    ["[1 2]", 'expected "," at offset 3'],
    ['"abc', "unterminated string at offset 0"],
    ["1 x", "unexpected text after the value at offset 2"],
    ["nul", "expected a value at offset 0"],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseJsonStructurally(text), {
      name: "SyntaxError",
      message,
    });
  }
  // Bad escapes and raw control characters fail inside the string token.
  assert.throws(() => parseJsonStructurally('["\\x"]'), SyntaxError);
  assert.throws(() => parseJsonStructurally('["a\nb"]'), SyntaxError);
});

Deno.test("property: parseJsonStructurally agrees with JSON.parse", () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
      const text = JSON.stringify(value, null, indent);
      assert.deepEqual(parseJsonStructurally(text), JSON.parse(text));
    }),
    { numRuns: 300 },
  );
});
