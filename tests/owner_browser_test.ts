/**
 * Claiming ownership in Chromium: an instance process on an empty data
 * folder prints its claim link; an author whose key is in the browser
 * opens it, claims, lands on /admin, renames the instance and sees the new
 * name on the home page. Another identity cannot sign in to /admin; the
 * owner signs in again from a fresh browser with the signed nonce.
 */
import assert from "node:assert/strict";
import { testAuthor } from "./helpers.ts";
import { browserTest, signInAs } from "./browser/harness.ts";
import { startClaimable } from "./claimable_instance.ts";

browserTest(
  "the owner claims the instance from the printed link, renames it, and only the owner signs in to /admin",
  async (browser) => {
    const dir = await Deno.makeTempDir({ prefix: "kith_owner_" });
    const instance = await startClaimable("Kith", ["--data", dir]);
    try {
      const { url } = instance;
      assert.ok(
        instance.claimLink.startsWith(`${url}/admin/claim#`),
        instance.claimLine,
      );
      const owner = testAuthor();
      const stranger = testAuthor();

      // No owner yet: the login page points at the claim link.
      const anonymous = await browser.newContext();
      const nobody = await anonymous.newPage();
      await nobody.goto(`${url}/admin`);
      assert.equal(new URL(nobody.url()).pathname, "/admin/claim");
      await nobody.goto(`${url}/admin/login`);
      await nobody.getByText("This instance has no owner yet").waitFor();
      await anonymous.close();

      // The owner opens the link printed at start, claims, lands on /admin.
      const ownerContext = await browser.newContext();
      const page = await signInAs(ownerContext, url, owner);
      page.setDefaultTimeout(45_000);
      await page.goto(instance.claimLink);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByText(owner.key).waitFor();
      await page.getByRole("button", { name: "Claim this instance" }).click();
      await page.waitForURL(`${url}/admin`);
      await page.getByText("Signed in as the owner").waitFor();
      assert.ok(!page.url().includes(instance.claimToken));

      // Rename and describe the instance; the home page shows both.
      await page.getByLabel("Instance name").fill("Lantern Garden");
      await page.getByRole("textbox", { name: "Description" }).fill(
        "A small place for friends.",
      );
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
      await page.goto(`${url}/`);
      assert.equal(
        await page.locator(".site-header .brand").textContent(),
        "Lantern Garden",
      );
      await page.getByText("A small place for friends.").waitFor();
      assert.equal(await page.title(), "Lantern Garden");

      // The link is used up: opening it again says so.
      await page.goto(instance.claimLink);
      await page.getByText("This instance already has an owner").waitFor();

      // Another identity: refused, and /admin stays closed to it.
      const strangerContext = await browser.newContext();
      const other = await signInAs(strangerContext, url, stranger);
      other.setDefaultTimeout(45_000);
      await other.goto(`${url}/admin`);
      assert.equal(new URL(other.url()).pathname, "/admin/login");
      await other.waitForSelector("html[data-hydrated=true]");
      await other.getByRole("button", { name: "Sign in as the owner" })
        .click();
      const refusal = other.getByRole("alert");
      await refusal.waitFor();
      assert.match(
        (await refusal.textContent()) ?? "",
        /Only the owner of this instance can do that/,
      );
      await other.goto(`${url}/admin`);
      assert.equal(new URL(other.url()).pathname, "/admin/login");
      await strangerContext.close();

      // The owner, in a fresh browser with the key restored, signs in.
      const again = await browser.newContext();
      const back = await signInAs(again, url, owner);
      back.setDefaultTimeout(45_000);
      await back.goto(`${url}/admin/login`);
      await back.waitForSelector("html[data-hydrated=true]");
      await back.getByRole("button", { name: "Sign in as the owner" }).click();
      await back.waitForURL(`${url}/admin`);
      assert.equal(
        await back.getByLabel("Instance name").inputValue(),
        "Lantern Garden",
      );
      // Logging out ends the session.
      await back.getByRole("button", { name: "Log out" }).click();
      await back.waitForURL(`${url}/admin/login`);
      await back.goto(`${url}/admin`);
      assert.equal(new URL(back.url()).pathname, "/admin/login");
      await again.close();
      await ownerContext.close();
    } finally {
      await instance.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
