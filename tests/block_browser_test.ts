/**
 * Blocking a remote author in Chromium: the owner claims a fresh instance
 * process, sees another author's posts on the timelines, blocks the author
 * from the author page, sees the posts gone (and the page saying why),
 * unblocks from /admin/blocks and sees them back; then blocks again from
 * the admin page's form, with a note.
 */
import assert from "node:assert/strict";
import { postLines, testAuthor } from "./helpers.ts";
import { browserTest, signInAs } from "./browser/harness.ts";
import { startClaimable } from "./claimable_instance.ts";

browserTest(
  "the owner blocks an author from the author page, the posts leave the timelines, and unblocking on /admin/blocks brings them back",
  async (browser) => {
    const dir = await Deno.makeTempDir({ prefix: "kith_block_browser_" });
    const instance = await startClaimable("Kith", ["--data", dir]);
    try {
      const { url } = instance;
      const owner = testAuthor();
      const remote = testAuthor();
      await postLines(url, [
        remote.next("post", { text: "Marmalade weather report" }).line,
        remote.next("post", { text: "Second marmalade bulletin" }).line,
      ]);

      const context = await browser.newContext();
      const page = await signInAs(context, url, owner);
      page.setDefaultTimeout(45_000);
      await page.goto(instance.claimLink);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByRole("button", { name: "Claim this instance" }).click();
      await page.waitForURL(`${url}/admin`);

      const posts = page.getByText(/marmalade/i);
      for (const timeline of ["/federated", "/local"]) {
        await page.goto(`${url}${timeline}`);
        await page.getByText("Marmalade weather report").waitFor();
        assert.equal(await posts.count(), 2, timeline);
      }

      // Block from the author page, as the signed-in owner.
      await page.goto(`${url}/authors/${remote.key}`);
      await page.getByRole("button", { name: "Block on this instance" })
        .click();
      await page.waitForURL(`${url}/authors/${remote.key}`);
      await page.getByText("This author is blocked on this instance").waitFor();
      assert.equal(await posts.count(), 0);
      for (const timeline of ["/federated", "/local"]) {
        await page.goto(`${url}${timeline}`);
        await page.locator("main").waitFor();
        assert.equal(await posts.count(), 0, timeline);
      }

      // The admin page lists it; unblocking brings the posts back.
      await page.goto(`${url}/admin`);
      await page.getByRole("link", { name: "Blocked authors and peers" })
        .click();
      await page.waitForURL(`${url}/admin/blocks`);
      await page.getByRole("button", { name: `Unblock author ${remote.key}` })
        .click();
      await page.getByRole("status").filter({
        hasText: `Unblocked author ${remote.key}.`,
      }).waitFor();
      await page.getByText("Nothing blocked").waitFor();
      await page.goto(`${url}/federated`);
      await page.getByText("Second marmalade bulletin").waitFor();
      assert.equal(await posts.count(), 2);

      // The admin form blocks by key, with a note the list shows.
      await page.goto(`${url}/admin/blocks`);
      await page.getByLabel("Author key or @handle").fill(remote.key);
      await page.locator("#block-author-note").fill("floods the timeline");
      await page.getByRole("button", { name: "Block author" }).click();
      await page.getByRole("status").filter({ hasText: "Blocked author" })
        .waitFor();
      await page.getByRole("cell", { name: "floods the timeline" }).waitFor();
      // A malformed origin is refused with the reason, on the page.
      await page.getByLabel("Peer origin").fill("kith.example");
      await page.getByRole("button", { name: "Block peer" }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      assert.match(
        (await alert.textContent()) ?? "",
        /is not an origin such as https:\/\/kith\.example/,
      );
      await page.goto(`${url}/federated`);
      await page.locator("main").waitFor();
      assert.equal(await posts.count(), 0);
      await context.close();
    } finally {
      await instance.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
