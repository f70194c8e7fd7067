/** Browser journey: edit the profile (name, bio, avatar) and see it on one's page. */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { startTestInstance } from "./helpers.ts";
import { browserTest } from "./browser/harness.ts";

// A 4×4 red PNG.
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==";

browserTest(
  "edit the profile and see name, bio and avatar on the author page",
  async (browser) => {
    const instance = await startTestInstance();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${instance.url}/identity`);
      await page.getByRole("button", { name: "Create identity" }).click();
      await page.locator(".fingerprint").waitFor();
      await page.reload();
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByLabel("Name").fill("Grace <Hopper>");
      await page.getByLabel("Bio").fill("Compilers & COBOL");
      await page.getByLabel("Avatar (PNG, JPEG or WebP)").setInputFiles({
        name: "me.png",
        mimeType: "image/png",
        buffer: Buffer.from(PNG, "base64"),
      });
      await page.getByAltText("Your avatar").waitFor();
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.getByText("Profile saved.").waitFor();
      const author = (await context.cookies()).find((cookie) =>
        cookie.name === "kith_author"
      )!.value.split(":").pop();
      const html = await (await fetch(`${instance.url}/authors/${author}`))
        .text();
      assert.match(html, /<h1 id="author-title">Grace &lt;Hopper><\/h1>/);
      assert.match(html, /Compilers &amp; COBOL/);
      assert.match(
        html,
        /<img class="avatar large" src="data:image\/(webp|jpeg);base64,/,
      );
      assert.match(html, /@grace_hopper/);
      await context.close();
    } finally {
      await instance.close();
    }
  },
);
