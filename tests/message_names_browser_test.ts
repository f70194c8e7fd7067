/**
 * Names on the message pages are isolated by markup, not by the site's CSS
 * alone: each name in a conversation's title, a "… left the group" line,
 * the member list and a message's author sits in a `<bdi>` of its own, so
 * a right-to-left override in one name cannot reorder the next name or
 * the words around it, even with the stylesheet gone.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import {
  directConversationKey,
  groupIdOf,
  type Letter,
  MessageKeys,
  sealMessage,
} from "../lib/messages/mod.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import { pageProblems } from "./browser/hostile_checks.ts";
import { browserTest, signInAs } from "./browser/harness.ts";
import { postLines, startTestInstance, testAuthor } from "./helpers.ts";

type Author = ReturnType<typeof testAuthor>;

/** An unclosed override: everything after it in its paragraph turns around. */
const MALLORY = "\u202eMallory";
const CAROL = "Carol";
const GROUP = "\u202egroup";
const DIRECT_TEXT = "hello you two";
const GROUP_TEXT = "welcome";
/** Every string authors wrote, for `pageProblems`. */
const WRITTEN = [MALLORY, CAROL, "Reader", GROUP, DIRECT_TEXT, GROUP_TEXT];

function dmLine(from: Author, letter: Letter): string {
  const content: { to: string[]; box: string; conv?: string } = {
    to: [...letter.to],
    box: sealMessage(new MessageKeys(from.secretKey), letter),
  };
  if (letter.conv) content.conv = letter.conv;
  return from.next("dm", content).line;
}

/**
 * Direction controls whose effect reaches past the name they came in:
 * first as the page is, then with every stylesheet disabled, so only the
 * browser's own `bdi { unicode-bidi: isolate }` can contain them.
 */
async function reach(page: Page, path: string): Promise<string[]> {
  const styled = await page.evaluate(pageProblems, WRITTEN);
  await page.evaluate(() => {
    for (const sheet of Array.from(document.styleSheets)) sheet.disabled = true;
  });
  const bare = await page.evaluate(pageProblems, WRITTEN);
  return [
    ...styled.map((problem) => `${path}: ${problem}`),
    ...bare.filter((problem) => problem.startsWith("direction controls"))
      .map((problem) => `${path} without CSS: ${problem}`),
  ];
}

/** The text of each `<bdi>` under `selector`, in order. */
const isolates = (page: Page | Locator, selector: string) =>
  page.locator(`${selector} bdi`).allTextContents();

browserTest(
  "names on the message pages each sit in their own <bdi>: an override in one reorders nothing else",
  async (browser) => {
    const instance = await startTestInstance();
    try {
      const { url } = instance;
      const [reader, mallory, carol] = [0, 1, 2].map(() => testAuthor());
      await postLines(url, [
        reader.next("profile", { name: "Reader" }).line,
        mallory.next("profile", { name: MALLORY }).line,
        carol.next("profile", { name: CAROL }).line,
      ]);
      const direct = directConversationKey(mallory.key, [
        reader.key,
        carol.key,
      ]);
      const salt = encodeBase64Url(new Uint8Array(16).fill(3));
      const group = groupIdOf(mallory.key, salt);
      await postLines(url, [
        dmLine(mallory, {
          to: [reader.key, carol.key],
          payload: { kind: "message", text: DIRECT_TEXT },
        }),
        dmLine(mallory, {
          to: [reader.key, carol.key],
          conv: group,
          payload: {
            kind: "message",
            text: GROUP_TEXT,
            group: { salt, name: GROUP },
          },
        }),
      ]);
      // Leaving comes after: the group's preview is the leave notice.
      await postLines(url, [
        dmLine(mallory, {
          to: [reader.key, carol.key],
          conv: group,
          payload: { kind: "leave" },
        }),
      ]);

      const context = await browser.newContext();
      const page = await signInAs(context, url, reader);
      const problems: string[] = [];

      await page.goto(`${url}/messages`);
      await page.waitForSelector("html[data-hydrated=true]");
      const links = page.locator(".conversation-link");
      await links.nth(1).waitFor();
      const directLink = page.locator(`a[href="/messages/${direct}"]`);
      const groupLink = page.locator(`a[href="/messages/${group}"]`);
      // Members come in the conversation's order, not the names'.
      const titleNames = await isolates(directLink, ".conversation-title");
      assert.deepEqual([...titleNames].sort(), [MALLORY, CAROL].sort());
      assert.equal(
        await directLink.locator(".conversation-title").textContent(),
        `${titleNames.join(", ")}1`,
        "the names, then the unread badge",
      );
      assert.deepEqual(
        await isolates(directLink, ".conversation-preview"),
        [DIRECT_TEXT],
      );
      assert.deepEqual(await isolates(groupLink, ".conversation-title"), [
        GROUP,
      ]);
      assert.deepEqual(
        await isolates(groupLink, ".conversation-preview"),
        [MALLORY],
      );
      assert.equal(
        await groupLink.locator(".conversation-preview").textContent(),
        `${MALLORY} left the group`,
      );
      problems.push(...await reach(page, "/messages"));

      await page.goto(`${url}/messages/${direct}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.locator(".message-text").first().waitFor();
      assert.deepEqual(
        await isolates(page, ".conversation-header h2"),
        titleNames,
      );
      assert.deepEqual(await isolates(page, ".message-author"), [MALLORY]);
      assert.deepEqual(await isolates(page, ".message-text"), [DIRECT_TEXT]);
      assert.deepEqual(
        (await isolates(page, ".member-list a")).sort(),
        [MALLORY, "Reader", CAROL].sort(),
      );
      // A dialog cannot hold markup: FSI … PDI isolate the name there.
      const dialogs: string[] = [];
      page.once("dialog", (dialog) => {
        dialogs.push(dialog.message());
        dialog.dismiss();
      });
      await page.locator(".member-list li", { hasText: MALLORY })
        .getByRole("button").click();
      assert.deepEqual(dialogs, [
        `Block \u2068${MALLORY}\u2069? Their messages will be hidden.`,
      ]);
      problems.push(...await reach(page, `/messages/${direct}`));

      await page.goto(`${url}/messages/${group}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.getByText("left the group").waitFor();
      assert.deepEqual(await isolates(page, ".conversation-header h2"), [
        GROUP,
      ]);
      assert.deepEqual(await isolates(page, ".message-notice .message-text"), [
        MALLORY,
      ]);
      problems.push(...await reach(page, `/messages/${group}`));

      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await instance.close();
    }
  },
);
