/** Browser journeys: create an identity, post, reply, back up, restore, sign out. */
import assert from "node:assert/strict";
import { startTestInstance } from "./helpers.ts";
import { browserTest } from "./browser/harness.ts";

const FINGERPRINT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

browserTest(
  "create an identity, post, reply, back up, restore elsewhere and sign out",
  async (browser) => {
    const instance = await startTestInstance();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${instance.url}/identity`);
      await page.getByRole("button", { name: "Create identity" }).click();
      const print = await page.locator(".fingerprint").textContent();
      assert.match(print ?? "", FINGERPRINT);
      const cookies = await context.cookies();
      const author = cookies.find((cookie) => cookie.name === "kith_author");
      assert.ok(author, "the public key travels in a cookie");
      // `<port>:<key>`: scoped to this instance's port.
      const port = new URL(instance.url).port;
      assert.match(author.value, new RegExp(`^${port}:[A-Za-z0-9_-]{43}$`));

      // Post from the home page.
      await page.goto(`${instance.url}/`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByLabel("What's happening?").fill("Hello <world> #Kith");
      assert.equal(
        await page.locator("#compose-count").textContent(),
        "19 / 5000",
      );
      await page.getByRole("button", { name: "Post", exact: true }).click();
      await page.getByText("Posted.").waitFor();
      const postHref = await page.getByRole("link", { name: "See it" })
        .getAttribute("href");
      await page.goto(`${instance.url}/federated`);
      assert.equal(
        await page.locator(".entry-text").first().textContent(),
        "Hello <world> #Kith",
      );
      await page.getByRole("link", { name: "#Kith" }).click();
      await page.getByRole("heading", { name: "#kith" }).waitFor();

      // Reply in the thread.
      await page.goto(`${instance.url}${postHref}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByLabel("Write a reply").fill("A reply");
      await page.getByRole("button", { name: "Reply", exact: true }).click();
      // The thread's live stream reloads the page with the reply at once;
      // if it has not connected yet, "Posted." shows and a reload does it.
      const nested = page.locator("ol.thread ol.thread .entry-text");
      await nested.or(page.getByText("Posted.")).first().waitFor();
      if (await nested.count() === 0) await page.reload();
      assert.equal(
        await page.locator("ol.thread ol.thread .entry-text").textContent(),
        "A reply",
      );

      // Back up, then restore in a fresh browser context.
      await page.goto(`${instance.url}/identity`);
      await page.getByLabel("Passphrase", { exact: true }).fill(
        "long enough passphrase",
      );
      await page.getByLabel("Passphrase again").fill("long enough passphrase");
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "Make encrypted backup" }).click();
      assert.equal(
        (await download).suggestedFilename(),
        "kith-key-backup.json",
      );
      const backup = await page.getByLabel("Backup as text").inputValue({
        timeout: 30_000,
      });
      assert.match(backup, /"kith":"key-backup"/);

      const other = await browser.newContext();
      const fresh = await other.newPage();
      await fresh.goto(`${instance.url}/identity`);
      await fresh.getByLabel("…or backup text").fill(backup);
      await fresh.getByLabel("Passphrase").fill("wrong passphrase");
      await fresh.getByRole("button", { name: "Restore identity" }).click();
      await fresh.getByRole("alert").getByText(/passphrase is wrong/).waitFor({
        timeout: 30_000,
      });
      await fresh.getByLabel("Passphrase").fill("long enough passphrase");
      await fresh.getByRole("button", { name: "Restore identity" }).click();
      await fresh.getByText(/^Identity restored on this browser\./).waitFor({
        timeout: 30_000,
      });
      assert.equal(await fresh.locator(".fingerprint").textContent(), print);
      await other.close();

      // Sign out forgets the key after a confirmation.
      page.once("dialog", (dialog) => dialog.accept());
      await page.getByRole("button", { name: "Sign out and forget the key" })
        .click();
      await page.getByRole("button", { name: "Create identity" }).waitFor();
      assert.ok(
        !(await context.cookies()).some((cookie) =>
          cookie.name === "kith_author"
        ),
      );
      await context.close();
    } finally {
      await instance.close();
    }
  },
);
