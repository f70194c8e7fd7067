/**
 * Checks of tests/hostile_content_browser_test.ts: watchers for anything
 * that runs in a browser context (a payload calling `__pwned`, a dialog, a
 * CSP violation, an uncaught error), and what a page must never hold,
 * however hostile the content it shows. {@linkcode pageProblems} and
 * {@linkcode textProblems} are passed to `page.evaluate`, so they use
 * nothing from outside their own bodies.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { BrowserContext } from "playwright-core";
import { waitUntil } from "../cluster.ts";
import { serve } from "./harness.ts";

/** What ran that should not have, from every page of a context. */
export interface Executions {
  pwned: string[];
  dialogs: string[];
  violations: string[];
  errors: string[];
}

/**
 * Installs `__pwned` (and `__violation`) in every page and frame of
 * `context`, and listens for dialogs and uncaught errors; returns what
 * they saw, filled in as pages run.
 *
 * @example
 * ```ts
 * const seen = await watch(context);
 * assert.deepEqual(seen.pwned, []);
 * ```
 */
export async function watch(context: BrowserContext): Promise<Executions> {
  const seen: Executions = {
    pwned: [],
    dialogs: [],
    violations: [],
    errors: [],
  };
  await context.exposeBinding("__pwned", ({ page }, id: string) => {
    seen.pwned.push(`${id} on ${page.url()}`);
  });
  await context.exposeBinding("__violation", ({ page }, what: string) => {
    seen.violations.push(`${what} on ${page.url()}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (globalThis as unknown as { __violation(what: string): void })
        .__violation(`${event.violatedDirective} ${event.sample}`);
    }, true);
  });
  context.on("page", (page) => {
    page.on("dialog", (dialog) => {
      seen.dialogs.push(`${dialog.type()} ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
    page.on("pageerror", (error) => seen.errors.push(error.message));
  });
  return seen;
}

/**
 * Proves the watchers see what they should: a page without a CSP whose
 * payload runs and opens a dialog, and one whose CSP blocks it. Empties
 * `seen` afterwards.
 *
 * @throws {AssertionError} When a watcher missed something.
 */
export async function proveWatchersWork(
  context: BrowserContext,
  seen: Executions,
) {
  const payload = `<img src=x onerror="__pwned('control')">` +
    `<script>alert("control")</script>`;
  const server = serve((request) =>
    new Response(payload, {
      headers: {
        "Content-Type": "text/html",
        ...new URL(request.url).pathname === "/csp"
          ? { "Content-Security-Policy": "script-src 'none'" }
          : {},
      },
    })
  );
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/open`);
    await waitUntil(
      "the control payload runs",
      () => Promise.resolve(seen.pwned.length > 0),
    );
    await page.goto(`${server.url}/csp`);
    await waitUntil(
      "CSP reports",
      () => Promise.resolve(seen.violations.length > 0),
    );
    await page.close();
  } finally {
    await server.close();
  }
  assert.deepEqual(seen.pwned, [`control on ${server.url}/open`]);
  assert.deepEqual(seen.dialogs, ["alert control"]);
  assert.ok(seen.violations.every((v) => v.endsWith(`${server.url}/csp`)));
  seen.pwned.length = seen.dialogs.length = seen.violations.length = 0;
}

/**
 * What is wrong with the page in the browser: handler attributes, URLs
 * other than http(s) (and raster data images), elements author text must
 * never become, scripts that are not the app's own, a page wider than
 * its viewport, and direction controls whose effect reaches past the text
 * they came in (`corpus`: every string authors wrote).
 */
export function pageProblems(corpus: string[]): string[] {
  const problems: string[] = [];
  const URL_ATTRIBUTES = new Set([
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "ping",
    "xlink:href",
    "srcset",
    "cite",
    "manifest",
    "codebase",
  ]);
  const safe = (value: string, image: boolean) => {
    if (image && /^data:image\/(?:png|jpeg|webp);base64,/.test(value)) {
      return true;
    }
    try {
      return /^https?:$/.test(new URL(value, location.href).protocol);
    } catch {
      return false;
    }
  };
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      const tag = element.localName;
      if (name.startsWith("on") || name === "srcdoc" || name === "style") {
        problems.push(`<${tag}> has a ${name} attribute`);
      }
      if (
        URL_ATTRIBUTES.has(name) &&
        !safe(attribute.value, tag === "img" && name === "src")
      ) {
        problems.push(`<${tag} ${name}="${attribute.value.slice(0, 60)}">`);
      }
    }
  }
  for (
    const element of document.querySelectorAll(
      "iframe, frame, object, embed, applet, svg, math, base, style, " +
        "meta[http-equiv], body meta, body link, main script, template",
    )
  ) {
    problems.push(`a <${element.localName}> element`);
  }
  for (const script of Array.from(document.scripts)) {
    if (script.type === "application/json") {
      try {
        JSON.parse(script.textContent ?? "");
      } catch {
        problems.push("an island payload that is not JSON");
      }
      continue;
    }
    const own = script.src
      ? new URL(script.src).origin === location.origin
      : script.nonce !== "";
    if (!own || (script.textContent ?? "").includes("__pwned")) {
      problems.push(`a script not the app's: ${script.outerHTML.slice(0, 80)}`);
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(
      `the page is ${root.scrollWidth}px wide in a ${root.clientWidth}px viewport`,
    );
  }
  const CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node as Text;
    if (!CONTROL.test(text.data)) continue;
    let element = text.parentElement!;
    if (element.closest("script, textarea, title")) continue;
    // Text directly in a flex or grid container is a box of its own.
    if (/flex|grid/.test(getComputedStyle(element).display)) continue;
    // The text's reach: the nearest isolate, or block (a paragraph of its own).
    while (element !== document.body) {
      const style = getComputedStyle(element);
      if (
        /isolate|plaintext/.test(style.unicodeBidi) ||
        (style.display !== "inline" && style.display !== "contents")
      ) break;
      element = element.parentElement!;
    }
    const reach = (element.textContent ?? "").trim();
    if (!corpus.some((written) => written.includes(reach))) {
      problems.push(
        `direction controls reach past their text in <${element.localName} class="${element.className}">: ${
          JSON.stringify(reach.slice(0, 80))
        }`,
      );
    }
  }
  return problems;
}

/**
 * For each entry card on the page whose id is in `expected`, what its
 * text shows if that is not exactly what the author wrote, or if it is
 * not visible though no content warning or ledger collapses it.
 */
export function textProblems(expected: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const card of document.querySelectorAll("article.entry-card[id]")) {
    const want = expected[card.id];
    if (want === undefined) continue;
    const text = card.querySelector(
      ":scope > .entry-text, :scope > details > .entry-text",
    );
    if (!text) {
      problems.push(`card ${card.id} has no text`);
      continue;
    }
    if (text.textContent !== want) {
      problems.push(
        `card ${card.id} shows ${
          JSON.stringify(text.textContent?.slice(0, 80))
        }`,
      );
    }
    if (!text.closest("details:not([open])") && !text.checkVisibility()) {
      problems.push(`card ${card.id}'s text is not visible`);
    }
    if (text.scrollWidth > text.clientWidth) {
      problems.push(`card ${card.id}'s text is wider than its box`);
    }
  }
  return problems;
}
