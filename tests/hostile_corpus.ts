/**
 * Hostile content for tests/hostile_content_browser_test.ts: strings that
 * would run script, change a link's target, reorder text or widen a page
 * if any page rendered them as markup or trusted them as URLs. Every
 * payload that can run script calls `__pwned("<its id>")`, which the test
 * installs in the browser, so a payload that ran names itself.
 *
 * @module
 */

/** A payload, by id. Keys are the ids `__pwned` is called with. */
export const PAYLOADS: Record<string, string> = {
  // Tags and handler attributes.
  "script": `<script>__pwned('script')</script>`,
  "script-src": `<script src="data:text/javascript,__pwned('script-src')">` +
    `</script>`,
  "img": `<img src=x onerror=__pwned('img')>`,
  "img-quoted": `<img src="x" onerror="__pwned('img-quoted')">`,
  "svg": `<svg onload=__pwned('svg')>`,
  "svg-script": `<svg><script>__pwned('svg-script')</script></svg>`,
  "iframe-srcdoc":
    `<iframe srcdoc="<script>parent.__pwned('iframe-srcdoc')</script>">` +
    `</iframe>`,
  "iframe-js": `<iframe src="javascript:parent.__pwned('iframe-js')">` +
    `</iframe>`,
  "body-onload": `<body onload=__pwned('body-onload')>`,
  "onmouseover": `<div onmouseover="__pwned('onmouseover')" ` +
    `style="position:fixed;inset:0">hover me</div>`,
  "autofocus": `<input autofocus onfocus=__pwned('autofocus')>`,
  "ontoggle": `<details open ontoggle=__pwned('ontoggle')>`,
  "object": `<object data="javascript:__pwned('object')"></object>`,
  "embed": `<embed src="javascript:__pwned('embed')">`,
  "meta-refresh": `<meta http-equiv="refresh" ` +
    `content="0;url=javascript:__pwned('meta-refresh')">`,
  "base": `<base href="javascript:__pwned('base')//">`,
  "formaction": `<form><button formaction="javascript:__pwned('formaction')">` +
    `go</button></form>`,
  "mxss": `<math><mtext><table><mglyph><style>` +
    `<img src=x onerror=__pwned('mxss')>`,
  "comment": `<!--<img src="--><img src=x onerror=__pwned('comment')>-->`,
  // Breaking out of an attribute, an element or a template.
  "attr-double": `"><script>__pwned('attr-double')</script>`,
  "attr-single": `'><img src=x onerror=__pwned('attr-single')>`,
  "attr-bare": ` onmouseover=__pwned('attr-bare') x=`,
  "close-script": `</script><script>__pwned('close-script')</script>`,
  "close-title": `</title><script>__pwned('close-title')</script>`,
  "close-textarea": `</textarea><script>__pwned('close-textarea')</script>`,
  "close-style": `</style><script>__pwned('close-style')</script>`,
  "template": `{{constructor.constructor("__pwned('template')")()}} ` +
    "${__pwned('template-literal')}",
  // Script URLs, plain and obfuscated, and markdown-ish links.
  "js-plain": `javascript:__pwned('js-plain')`,
  "js-case": `JaVaScRiPt:__pwned('js-case')`,
  "js-space": `  javascript:__pwned('js-space')`,
  "js-tab": `java\tscript:__pwned('js-tab')`,
  "js-newline": `java\nscript:__pwned('js-newline')`,
  "js-entity": `java&#x73;cript&#58;__pwned('js-entity')`,
  "js-entities": `&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;` +
    `&#58;__pwned('js-entities')`,
  "js-percent": `%6A%61%76%61script%3A__pwned('js-percent')`,
  "js-escape": `\\u006aavascript:__pwned('js-escape')`,
  "data-html": `data:text/html,<script>__pwned('data-html')</script>`,
  "data-base64": `data:text/html;base64,${
    btoa("<script>parent.__pwned('data-base64')</script>")
  }`,
  "data-svg": `data:image/svg+xml,<svg onload="__pwned('data-svg')"/>`,
  "vbscript": `vbscript:msgbox("vbscript")`,
  "markdown-js": `[click me](javascript:__pwned('markdown-js'))`,
  "markdown-img": `![x](javascript:__pwned('markdown-img'))`,
  "markdown-data":
    `[click](data:text/html,<script>__pwned('markdown-data')</script>)`,
  "anchor": `<a href="javascript:__pwned('anchor')">click</a>`,
  "anchor-obfuscated":
    `<a href="  JaVa&#x09;Script&colon;__pwned('anchor-obfuscated')">x</a>`,
  // CSS.
  "style-url":
    `<style>body{background:url("javascript:__pwned('style-url')")}` +
    `</style>`,
  "css-expression": `<div style="width:expression(__pwned('css-expression'));` +
    `background:url(javascript:__pwned('css-url'))">css</div>`,
  "css-import": `<style>@import 'javascript:__pwned("css-import")';</style>`,
  // URLs that try to leave their href.
  "url-quote": `https://ok.example/"onmouseover="__pwned('url-quote')"`,
  "url-single": `https://ok.example/'onmouseover='__pwned('url-single')'`,
  "url-tag": `https://ok.example/<img/src=x/onerror=__pwned('url-tag')>`,
  "url-query": `https://ok.example/?next=javascript:__pwned('url-query')`,
  "url-credentials": `https://user:pass@ok.example/`,
  // HTML entities, which must show as typed.
  "entities": `&lt;script&gt;__pwned('entity-lt')&lt;/script&gt; ` +
    `&amp;lt;img src=x onerror=__pwned('entity-double')&amp;gt; ` +
    `&#60;img src=x onerror=__pwned('entity-dec')&#62; ` +
    `&#x3C;svg onload=__pwned('entity-hex')&#x3E; ` +
    `&quot;&apos;&nbsp;&copy;&#0;&#xD800;&#x110000;`,
  // Direction controls and invisible characters.
  "rlo": `invoice \u202efdp.exe`,
  "bidi-controls": "a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069" +
    "i\u200ej\u200fk\u061cl",
  "rlo-unclosed": `\u202eall that follows`,
  "zero-width": "z\u200be\u200cr\u200do\u2060w\ufeffidth",
  "homoglyph-mention": `@\u0430da`,
};

/** Payload ids that hold a direction control. */
export const BIDI_PAYLOADS = ["rlo", "bidi-controls", "rlo-unclosed"];

const pick = (...ids: string[]) => ids.map((id) => PAYLOADS[id]).join("\n");

/** The word search and the hashtag pages find corpus posts by. */
export const MARK = "hostilecorpus #hostile";

/**
 * Texts of the top-level corpus posts, each a few payloads on lines of
 * their own, under {@linkcode MARK}.
 */
export const POST_TEXTS: string[] = [
  pick(
    "script",
    "script-src",
    "img",
    "img-quoted",
    "svg",
    "svg-script",
    "iframe-srcdoc",
    "iframe-js",
    "body-onload",
  ),
  pick(
    "onmouseover",
    "autofocus",
    "ontoggle",
    "object",
    "embed",
    "meta-refresh",
    "base",
    "formaction",
    "mxss",
    "comment",
  ),
  pick(
    "attr-double",
    "attr-single",
    "attr-bare",
    "close-script",
    "close-title",
    "close-textarea",
    "close-style",
    "template",
  ),
  pick(
    "js-plain",
    "js-case",
    "js-space",
    "js-tab",
    "js-newline",
    "js-entity",
    "js-entities",
    "js-percent",
    "js-escape",
    "data-html",
    "data-base64",
    "data-svg",
    "vbscript",
  ),
  pick(
    "markdown-js",
    "markdown-img",
    "markdown-data",
    "anchor",
    "anchor-obfuscated",
    "style-url",
    "css-expression",
    "css-import",
  ),
  pick(
    "url-quote",
    "url-single",
    "url-tag",
    "url-query",
    "url-credentials",
    "entities",
  ),
  pick(...BIDI_PAYLOADS, "zero-width", "homoglyph-mention"),
].map((text) => `${MARK}\n${text}`);

/**
 * Words as long as the protocol lets each field be (a post's text is at
 * most 5,000 characters: a 100 KB word is refused, see
 * {@linkcode TOO_LONG_WORD}).
 */
export const LONG_WORD = "W".repeat(4_980);
/** A link as long as a post allows. */
export const LONG_LINK = `https://ok.example/${"a".repeat(4_950)}`;
/** A 100 KB word: no record may carry it. */
export const TOO_LONG_WORD = "x".repeat(100 * 1024);

/** A link whose host mixes scripts: Cyrillic а in "аpple". */
export const CONFUSABLE_LINK = "https://\u0430pple.example/login";
/** What that link shows and leads to: its punycode form. */
export const CONFUSABLE_HREF = "https://xn--pple-43d.example/login";

/** Profile names (at most 64 characters each), one author each. */
export const NAMES: string[] = [
  `<script>__pwned('name-script')</script>`,
  `<img src=x onerror=__pwned('name-img')>`,
  `"><svg onload=__pwned('name-svg')>`,
  "\u202eevil\u202c \u2066name \u202eunclosed",
  "Z\u200bero\u200dwidth\ufeff",
  `&lt;b&gt;entity&amp;amp;&#x3C;`,
  "N".repeat(64),
];

/** Ada's name, and the one that mimics it with a Cyrillic а. */
export const ADA = "Ada";
export const FAKE_ADA = "\u0430da";

/** A profile bio (at most 1,000 characters). */
export const BIO = [
  PAYLOADS["script"],
  PAYLOADS["img"],
  PAYLOADS["js-plain"],
  PAYLOADS["rlo"],
  PAYLOADS["zero-width"],
  PAYLOADS["entities"],
  "B".repeat(400),
].join("\n");

/** A content warning (at most 500 characters). */
export const CW = `<img src=x onerror=__pwned('cw')> \u202ecw ${
  "C".repeat(300)
}`;

/** The name of the ledger the instance honours (at most 64 characters). */
export const LEDGER_NAME = `<img src=x onerror=__pwned('ledger')>\u202eledger`;
/** A flag's note (at most 280 characters). */
export const FLAG_NOTE = `<script>__pwned('note')</script> \u202enote ` +
  `javascript:__pwned('note-js')`;

/** A group conversation's name (at most 64 characters). */
export const GROUP_NAME = `<svg onload=__pwned('group')>\u202egroup`;
/** A direct message's text. */
export const MESSAGE_TEXT = [
  PAYLOADS["script"],
  PAYLOADS["img"],
  PAYLOADS["js-plain"],
  PAYLOADS["url-quote"],
  PAYLOADS["rlo"],
  LONG_WORD.slice(0, 3_000),
].join("\n");

/** Every string of the corpus, for checks on what a page shows. */
export const ALL_TEXTS: string[] = [
  ...POST_TEXTS,
  ...NAMES,
  ADA,
  FAKE_ADA,
  BIO,
  CW,
  LEDGER_NAME,
  FLAG_NOTE,
  GROUP_NAME,
  MESSAGE_TEXT,
  LONG_WORD,
  LONG_LINK,
  CONFUSABLE_LINK,
];
