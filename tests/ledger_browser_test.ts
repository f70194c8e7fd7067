/**
 * Moderation in Chromium: a stake holder flags a post from the island
 * (signed in the browser), the post is hidden after the block and a click
 * reveals it; another stake holder appeals, a third votes to overturn,
 * and the post shows again.
 */
import assert from "node:assert/strict";
import { waitUntil } from "./cluster.ts";
import { postLines, startTestInstance, testAuthor } from "./helpers.ts";
import { makeLedger, validatorArgs } from "./ledger_fixture.ts";
import { browserTest, signInAs } from "./browser/harness.ts";

browserTest(
  "a stake holder flags a post from the browser; it is hidden, revealed on click, appealed and overturned",
  async (browser) => {
    const ledger = await makeLedger(1, { params: { appealBlocks: 10_000 } });
    const instance = await startTestInstance(validatorArgs(ledger));
    try {
      const { url } = instance;
      const L = ledger.id;
      const ada = testAuthor();
      const post = ada.next("post", { text: "something abusive" });
      await postLines(url, [post.line]);
      // The staker funds two more stake holders: Bob, who will appeal, and
      // Carol, who holds more than half of all stake (her vote decides).
      const bob = testAuthor();
      const carol = testAuthor();
      await postLines(url, [
        ledger.staker.next("ledger", {
          ledger: L,
          tx: { type: "transfer", to: bob.key, amount: 50 },
        }).line,
        ledger.staker.next("ledger", {
          ledger: L,
          tx: { type: "transfer", to: carol.key, amount: 600 },
        }).line,
      ]);
      const balance = async (key: string) =>
        (await (await fetch(`${url}/api/ledgers/${L}/accounts/${key}`))
          .json()).balance;
      await waitUntil(
        "Bob and Carol are funded",
        async () =>
          await balance(bob.key) === 50 && await balance(carol.key) === 600,
        20_000,
      );

      // The staker flags the post from its page.
      const staker = await browser.newContext();
      const page = await signInAs(staker, url, ledger.staker);
      page.setDefaultTimeout(45_000);
      await page.goto(`${url}/posts/${post.id}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByRole("button", { name: "Flag", exact: true }).click();
      await page.getByText("Your balance: 350 · minimum 10").waitFor();
      await page.getByLabel("Category").selectOption("abuse");
      const bond = page.getByLabel("Bond (stake)");
      const sign = page.getByRole("button", { name: "Sign and flag" });
      await bond.fill("5");
      await sign.click();
      await page.getByText("The bond must be at least 10.").waitFor();
      await bond.fill("5000");
      await sign.click();
      await page.getByText("The bond is more than your balance (350).")
        .waitFor();
      await bond.fill("100");
      await page.getByLabel(/^Note/).fill("threats");
      await sign.click();
      await page.getByText(
        /^In block \d+: this post is now hidden by Test commons\.$/,
      ).waitFor();

      // After the block the page collapses the post; a click reveals it.
      await page.reload();
      const summary = page.locator("summary", {
        hasText:
          /^Hidden by Test commons: abuse flags bonding 9\.0% of stake, block \d+$/,
      });
      await summary.waitFor();
      const text = page.getByText("something abusive");
      assert.equal(await text.isVisible(), false, "collapsed");
      await summary.click();
      await text.waitFor({ state: "visible" });
      // The flagger can retract from the explorer (not done here).
      await page.goto(`${url}/ledgers/${L}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByRole("button", { name: "Retract" }).waitFor();

      // Bob appeals from the verdict line.
      const bobContext = await browser.newContext();
      const bobPage = await signInAs(bobContext, url, bob);
      bobPage.setDefaultTimeout(45_000);
      await bobPage.goto(`${url}/posts/${post.id}`);
      await bobPage.waitForSelector("html[data-hydrated=true]");
      await bobPage.getByRole("button", { name: "Appeal" }).click();
      await bobPage.getByText("Your balance: 50 · minimum 10").waitFor();
      await bobPage.getByRole("button", { name: "Sign and appeal" }).click();
      await bobPage.getByText(
        /^Appeal open: stake holders vote until block \d+\.$/,
      )
        .waitFor();

      // A party to the appeal does not vote; Carol does, on the explorer.
      await bobPage.goto(`${url}/ledgers/${L}`);
      await bobPage.waitForSelector("html[data-hydrated=true]");
      await bobPage.getByText(
        "You are a party to this appeal, so you do not vote on it.",
      ).waitFor();
      assert.equal(
        await bobPage.getByRole("button", { name: "Retract" }).count(),
        0,
        "only the flagger may retract",
      );
      const carolContext = await browser.newContext();
      const carolPage = await signInAs(carolContext, url, carol);
      carolPage.setDefaultTimeout(45_000);
      await carolPage.goto(`${url}/ledgers/${L}`);
      await carolPage.waitForSelector("html[data-hydrated=true]");
      await carolPage.getByRole("button", { name: "Overturn" }).click();
      await carolPage.getByText(
        "The appeal is decided: the flags are overturned.",
      ).waitFor();
      await waitUntil("the appeal closes", async () => {
        const body = await (await fetch(
          `${url}/api/ledgers/${L}/verdicts?subject=post:${post.id}`,
        )).json();
        return body.verdicts[`post:${post.id}`] === null ||
          body.verdicts[`post:${post.id}`].status === "visible";
      }, 30_000);
      await page.goto(`${url}/posts/${post.id}`);
      await text.waitFor({ state: "visible" });
      assert.equal(await page.locator(".moderated").count(), 0);
      await staker.close();
      await bobContext.close();
      await carolContext.close();
    } finally {
      await instance.close();
      await Deno.remove(ledger.dir, { recursive: true });
    }
  },
);
