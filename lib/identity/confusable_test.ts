import assert from "node:assert/strict";
import fc from "fast-check";
import { isConfusable } from "./confusable.ts";

Deno.test("mixed scripts are confusable, except Latin beside Chinese, Japanese or Korean", () => {
  assert.equal(isConfusable("\u0430pple"), true, "Cyrillic а, Latin pple");
  assert.equal(isConfusable("g\u03bfogle"), true, "Greek ο");
  assert.equal(isConfusable("\u0561dam"), true, "Armenian ա");
  assert.equal(isConfusable("\u043f\u0440\u0438\u043c\u0435\u0440x"), true);
  assert.equal(isConfusable("\u0391\u0434\u0430"), true, "Greek and Cyrillic");
  assert.equal(isConfusable("ada山田"), false);
  assert.equal(isConfusable("tanaka_たろう_カタ_山"), false);
  assert.equal(isConfusable("kim_김"), false);
  assert.equal(isConfusable("김たろう"), true, "Hangul with Hiragana");
});

Deno.test("a name wholly in Latin lookalikes of another script is confusable", () => {
  assert.equal(isConfusable("\u0440\u0430\u0443"), true, "рау reads pay");
  assert.equal(isConfusable("\u0421\u041e\u0420\u0415"), true, "uppercase too");
  assert.equal(isConfusable("\u03bf\u03bf"), true, "Greek οο");
  assert.equal(isConfusable("\u0430\u0434\u0430"), false, "ада has д");
  assert.equal(isConfusable("\u043f\u0440\u0438\u043c\u0435\u0440"), false);
  assert.equal(isConfusable("Ελένη"), false);
  assert.equal(isConfusable("שלום"), false);
});

Deno.test("property: Latin text with digits and punctuation is never confusable", () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z0-9 _.\-éüøßñ]{0,40}$/),
      (text) => assert.equal(isConfusable(text), false),
    ),
    { numRuns: 300 },
  );
});

Deno.test("property: a Latin letter beside a Cyrillic lookalike is confusable", () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[a-z]{1,10}$/),
      fc.constantFrom("\u0430", "\u0435", "\u043e", "\u0440", "\u0441"),
      fc.nat(10),
      (latin, cyrillic, at) => {
        const i = at % (latin.length + 1);
        const text = latin.slice(0, i) + cyrillic + latin.slice(i);
        assert.equal(isConfusable(text), true, text);
      },
    ),
    { numRuns: 300 },
  );
});
