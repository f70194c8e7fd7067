import assert from "node:assert/strict";
import { createWebApp } from "../lib/web/mod.ts";
import { browserTest, serve } from "./browser/harness.ts";

const app = await createWebApp({
  root: new URL("./fixtures/web_app/", import.meta.url),
});

browserTest(
  "islands hydrate: clicks update state, shared signals update both islands",
  async (browser) => {
    const server = serve(app.fetch);
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        // Failed loads are checked by URL below: Chromium asks for
        // /favicon.ico by itself and the fixture has none.
        const text = message.text();
        if (message.type() === "error" && !text.startsWith("Failed to load")) {
          problems.push(text);
        }
      });
      page.on("response", (response) => {
        if (
          response.status() >= 400 && !response.url().endsWith("/favicon.ico")
        ) {
          problems.push(`${response.status()} ${response.url()}`);
        }
      });
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`${server.url}/counter`);
      await page.waitForSelector("html[data-hydrated=true]");
      const first = page.locator('.counter[data-label="first"]');
      await first.locator("button").click();
      await first.locator("button").click();
      assert.equal(await first.locator("output").textContent(), "5");
      await page.locator('.shared[data-label="left"] button').click();
      assert.equal(
        await page.locator('.shared[data-label="left"] output').textContent(),
        "11",
      );
      assert.equal(
        await page.locator('.shared[data-label="right"] output').textContent(),
        "11",
        "one signal, two islands",
      );
      const inner = page.locator('.counter[data-label="inner"]');
      await inner.locator("button").click();
      assert.equal(
        await inner.locator("output").textContent(),
        "8",
        "an island inside an island hydrates with its parent",
      );
      assert.deepEqual(problems, [], "no console errors, no CSP violations");
    } finally {
      await server.close();
    }
  },
);

browserTest(
  "a page without islands runs no script and still reads fine",
  async (browser) => {
    const server = serve(app.fetch);
    try {
      const page = await browser.newPage();
      const scripts: string[] = [];
      page.on(
        "request",
        (request) =>
          request.resourceType() === "script" && scripts.push(request.url()),
      );
      await page.goto(`${server.url}/blog/hello`);
      assert.equal(await page.locator("h1").textContent(), "Post HELLO");
      assert.equal(await page.locator("script").count(), 0);
      assert.deepEqual(scripts, []);
    } finally {
      await server.close();
    }
  },
);
