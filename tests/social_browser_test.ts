/** Browser journeys: follow, see on home, like and react, delete one's own post. */
import assert from "node:assert/strict";
import { startTestInstance, testAuthor } from "./helpers.ts";
import { browserTest } from "./browser/harness.ts";

browserTest(
  "follow an author, see their post on home, like, react and delete one's own post",
  async (browser) => {
    const instance = await startTestInstance();
    try {
      const { url } = instance;
      const ada = testAuthor();
      const adaPost = ada.next("post", { text: "Ada's first post" });
      for (
        const line of [ada.next("profile", { name: "Ada" }).line, adaPost.line]
      ) {
        const response = await fetch(`${url}/api/records`, {
          method: "POST",
          body: line,
        });
        assert.ok(response.ok, await response.text());
      }
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${url}/identity`);
      await page.getByRole("button", { name: "Create identity" }).click();
      await page.locator(".fingerprint").waitFor();

      await page.goto(`${url}/`);
      await page.getByText("Follow people to fill your home timeline")
        .waitFor();

      await page.goto(`${url}/authors/${ada.key}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByRole("button", { name: "Follow" }).click();
      await page.getByRole("button", { name: "Following" }).waitFor();
      await page.reload();
      await page.getByRole("button", { name: "Following" }).waitFor();

      await page.goto(`${url}/`);
      await page.waitForSelector("html[data-hydrated=true]");
      const card = page.locator(`article[id="${adaPost.id}"]`);
      assert.equal(
        await card.locator(".entry-text").textContent(),
        "Ada's first post",
      );
      await card.getByRole("button", { name: "Like (0)" }).click();
      await card.getByRole("button", { name: "Like (1)" }).waitFor();
      await card.getByRole("button", { name: "React" }).click();
      await card.getByRole("button", { name: "React 🎉" }).click();
      await card.getByText("🎉 1").waitFor();
      await page.reload();
      await page.locator(`article[id="${adaPost.id}"]`).getByRole("button", {
        name: "Like (1)",
      }).waitFor();

      const followers =
        await (await fetch(`${url}/authors/${ada.key}/followers`)).text();
      assert.match(followers, /<h1 id="follow-list-title">Following Ada<\/h1>/);

      // A mention typed as @handle is attached as the author's key.
      await page.getByLabel("What's happening?").fill("hello @ada");
      await page.getByRole("button", { name: "Post", exact: true }).click();
      await page.getByText("Posted.").waitFor();
      const mentionHref = await page.getByRole("link", { name: "See it" })
        .getAttribute("href");
      const record = await (await fetch(
        `${url}/api/records/${mentionHref!.split("/").pop()}`,
      )).json();
      assert.deepEqual(record.content.mentions, [ada.key]);
      await page.reload();

      // Own post: delete it.
      await page.getByLabel("What's happening?").fill("to be deleted");
      await page.getByRole("button", { name: "Post", exact: true }).click();
      await page.getByText("Posted.").waitFor();
      await page.reload();
      await page.waitForSelector("html[data-hydrated=true]");
      const mine = page.locator("article", { hasText: "to be deleted" });
      page.once("dialog", (dialog) => dialog.accept());
      await mine.getByRole("button", { name: "Delete" }).click();
      await page.getByText("Deleted.").waitFor();
      await page.reload();
      assert.equal(await page.getByText("to be deleted").count(), 0);
      await context.close();
    } finally {
      await instance.close();
    }
  },
);
