/**
 * Whether a name could pass for another: letters of several writing
 * systems mixed ("аda" with a Cyrillic а), or a name written wholly in
 * Cyrillic, Greek or Armenian letters that all look Latin ("рау"). Handles
 * and link hosts that are confusable are not shown as written. A light
 * cut of Unicode TS #39 (mixed-script and whole-script confusables),
 * without its data tables. Browser-safe: no Deno APIs.
 *
 * @module
 */

// Scripts people write names in; a letter of any other script counts as
// "other". Common and Inherited characters (digits, punctuation, combining
// marks) belong to every script.
const SCRIPTS = [
  "Latin",
  "Greek",
  "Cyrillic",
  "Armenian",
  "Georgian",
  "Cherokee",
  "Coptic",
  "Hebrew",
  "Arabic",
  "Syriac",
  "Thaana",
  "Devanagari",
  "Bengali",
  "Gurmukhi",
  "Gujarati",
  "Tamil",
  "Telugu",
  "Kannada",
  "Malayalam",
  "Sinhala",
  "Thai",
  "Lao",
  "Tibetan",
  "Myanmar",
  "Khmer",
  "Ethiopic",
  "Mongolian",
  "Han",
  "Hiragana",
  "Katakana",
  "Bopomofo",
  "Hangul",
].map((name) => [name, new RegExp(`^\\p{Script=${name}}$`, "u")] as const);

const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

// Latin may be written beside these sets: Japanese, Chinese, Korean.
const ALLOWED_WITH_HAN = [
  new Set(["Han", "Hiragana", "Katakana"]),
  new Set(["Han", "Bopomofo"]),
  new Set(["Han", "Hangul"]),
];

// Lowercase letters of other scripts that read as a Latin letter.
const LATIN_LOOKALIKES = new Set(
  // Cyrillic: а с е һ і ї ј ԁ о р ԛ ѕ у х ԝ ӏ ү ѵ
  "\u0430\u0441\u0435\u04bb\u0456\u0457\u0458\u0501\u043e\u0440\u051b" +
    "\u0455\u0443\u0445\u051d\u04cf\u04af\u0475" +
    // Greek: α ι κ ν ο ρ υ χ ϳ
    "\u03b1\u03b9\u03ba\u03bd\u03bf\u03c1\u03c5\u03c7\u03f3" +
    // Armenian: ա զ հ ո ս ց օ
    "\u0561\u0566\u0570\u0578\u057d\u0581\u0585",
);
const LOOKALIKE_SCRIPTS = new Set(["Cyrillic", "Greek", "Armenian"]);

function scriptOf(char: string): string | null {
  if (NEUTRAL.test(char)) return null;
  for (const [name, pattern] of SCRIPTS) {
    if (pattern.test(char)) return name;
  }
  return /^[\p{L}\p{M}\p{N}]$/u.test(char) ? "other" : null;
}

/**
 * Whether `text` mixes writing systems in a way names do not (Latin with
 * Japanese, Chinese or Korean is fine; Latin with Cyrillic is not), or is
 * written wholly in Cyrillic, Greek or Armenian letters that look Latin.
 * Case does not matter.
 *
 * @example
 * ```ts
 * isConfusable("ada"); // false
 * isConfusable("\u0430da"); // true: Cyrillic а, Latin d and a
 * isConfusable("\u0440\u0430\u0443"); // true: Cyrillic "рау" reads "pay"
 * isConfusable("\u0430\u0434\u0430"); // false: "ада" reads as Cyrillic
 * ```
 */
export function isConfusable(text: string): boolean {
  const scripts = new Set<string>();
  let lookalikesOnly = true;
  for (const char of text.normalize("NFC").toLowerCase()) {
    const script = scriptOf(char);
    if (script === null) continue;
    scripts.add(script);
    if (!LATIN_LOOKALIKES.has(char)) lookalikesOnly = false;
  }
  if (scripts.size === 1) {
    const [only] = scripts;
    return LOOKALIKE_SCRIPTS.has(only) && lookalikesOnly;
  }
  if (scripts.size === 0) return false;
  const others = [...scripts].filter((script) => script !== "Latin");
  return !ALLOWED_WITH_HAN.some((allowed) =>
    others.every((script) => allowed.has(script))
  );
}
