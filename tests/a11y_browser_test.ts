/** Look and accessibility: phone width, labels, names, keyboard focus, dark mode. */
import assert from "node:assert/strict";
import { startTestInstance, testAuthor } from "./helpers.ts";
import { browserTest, signInAs } from "./browser/harness.ts";
import { waitUntil } from "./cluster.ts";
import { makeLedger, validatorArgs } from "./ledger_fixture.ts";

browserTest(
  "pages fit a phone, label every control and show keyboard focus",
  async (browser) => {
    const ledger = await makeLedger(1);
    const instance = await startTestInstance(validatorArgs(ledger));
    try {
      const { url } = instance;
      const ada = testAuthor();
      const post = ada.next("post", {
        text: "A long unbroken word: " + "x".repeat(300) +
          " https://example.com/" +
          "y".repeat(200) + " #tag",
        tags: ["tag"],
      });
      for (
        const line of [ada.next("profile", { name: "Ada" }).line, post.line]
      ) {
        const response = await fetch(`${url}/api/records`, {
          method: "POST",
          body: line,
        });
        assert.ok(response.ok, await response.text());
      }
      // A second post, hidden by the ledger: collapsed cards are checked too.
      const hidden = ada.next("post", { text: "hidden by the ledger" });
      const flag = ledger.staker.next("ledger", {
        ledger: ledger.id,
        tx: {
          type: "flag",
          subject: { post: hidden.id, author: ada.key },
          category: "abuse",
          bond: 100,
        },
      });
      for (const line of [hidden.line, flag.line]) {
        const response = await fetch(`${url}/api/records`, {
          method: "POST",
          body: line,
        });
        assert.ok(response.ok, await response.text());
      }
      await waitUntil("the post is hidden", async () => {
        const response = await fetch(
          `${url}/api/ledgers/${ledger.id}/verdicts?subject=post:${hidden.id}`,
        );
        return (await response.json()).verdicts[`post:${hidden.id}`]
          ?.status === "hidden";
      });
      const context = await browser.newContext({
        viewport: { width: 360, height: 740 },
        colorScheme: "dark",
      });
      const page = await context.newPage();
      const pages = [
        "/",
        "/local",
        "/federated",
        `/authors/${ada.key}`,
        `/posts/${post.id}`,
        "/tags/tag",
        "/search?q=word",
        "/notifications",
        "/identity",
        "/peers",
        `/posts/${hidden.id}`,
        "/ledgers",
        `/ledgers/${ledger.id}`,
        `/ledgers/${ledger.id}/blocks/1`,
        `/ledgers/${ledger.id}/subjects/post:${hidden.id}`,
        "/admin/login",
        "/admin",
        "/admin/ledgers",
      ];
      // The admin pages: Ada claims the instance with its claim link.
      await signInAs(context, url, ada);
      await page.goto(
        `${url}/admin/claim#${instance.info.admin.claimToken}`,
      );
      await page.getByRole("button", { name: "Claim this instance" }).click();
      await page.waitForURL(`${url}/admin`);
      for (const path of pages) {
        await page.goto(url + path);
        await page.waitForLoadState("load");
        const report = await page.evaluate(() => {
          const unlabeled = [
            ...document.querySelectorAll("input, textarea, select"),
          ]
            .filter((field) => (field as HTMLInputElement).type !== "hidden")
            .filter((field) => {
              const id = field.getAttribute("id");
              return !field.getAttribute("aria-label") &&
                !(id && document.querySelector(`label[for="${id}"]`)) &&
                !field.closest("label");
            }).map((field) => field.outerHTML.slice(0, 80));
          const nameless = [...document.querySelectorAll("button, a[href]")]
            .filter((element) =>
              !(element.textContent ?? "").trim() &&
              !element.getAttribute("aria-label")
            ).map((element) => element.outerHTML.slice(0, 80));
          return {
            overflow: document.documentElement.scrollWidth -
              globalThis.innerWidth,
            unlabeled,
            nameless,
            h1: document.querySelectorAll("h1").length,
            lang: document.documentElement.lang,
            background: getComputedStyle(document.body).backgroundColor,
          };
        });
        assert.ok(
          report.overflow <= 0,
          `${path} scrolls sideways by ${report.overflow}px`,
        );
        assert.deepEqual(
          report.unlabeled,
          [],
          `${path}: controls without labels`,
        );
        assert.deepEqual(
          report.nameless,
          [],
          `${path}: buttons or links without names`,
        );
        assert.equal(report.h1, 1, `${path}: one h1`);
        assert.equal(report.lang, "en");
        assert.equal(
          report.background,
          "rgb(20, 24, 22)",
          `${path}: dark mode`,
        );
      }
      // Keyboard: the skip link comes first and shows a focus outline.
      await page.goto(url + "/federated");
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        return {
          text: element.textContent,
          outline: getComputedStyle(element).outlineStyle,
        };
      });
      assert.equal(focused.text, "Skip to content");
      assert.notEqual(focused.outline, "none");
      await context.close();
    } finally {
      await instance.close();
      await Deno.remove(ledger.dir, { recursive: true });
    }
  },
);
