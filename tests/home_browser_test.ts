import assert from "node:assert/strict";
import { startTestInstance } from "./helpers.ts";
import { browserTest } from "./browser/harness.ts";

browserTest(
  "the home page's copy button hydrates and copies the peer address",
  async (browser) => {
    const instance = await startTestInstance();
    try {
      const context = await browser.newContext();
      await context.grantPermissions(["clipboard-read", "clipboard-write"], {
        origin: instance.url,
      });
      const page = await context.newPage();
      await page.goto(`${instance.url}/`);
      const button = page.getByRole("button", { name: "Copy address" });
      await page.waitForSelector("html[data-hydrated=true]");
      assert.equal(await button.isEnabled(), true, "enabled once hydrated");
      await button.click();
      await page.getByRole("button", { name: "Copied" }).waitFor();
      assert.equal(
        await page.evaluate(() => navigator.clipboard.readText()),
        instance.url,
      );
      await context.close();
    } finally {
      await instance.close();
    }
  },
);

browserTest("the home page reads fine with JavaScript off", async (browser) => {
  const instance = await startTestInstance();
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${instance.url}/`);
    assert.equal(
      await page.getByRole("heading", { level: 1 }).textContent(),
      "Kith",
    );
    assert.equal(
      await page.getByLabel("Address for peers").inputValue(),
      instance.url,
    );
    assert.equal(
      await page.getByRole("button", { name: "Copy address" }).isDisabled(),
      true,
    );
    await context.close();
  } finally {
    await instance.close();
  }
});
