/**
 * A corpus of hostile content (tests/hostile_corpus.ts), published through
 * the API as signed records (posts, replies, profiles, a content warning,
 * encrypted messages, a ledger's name and a flag's note), then every page
 * that shows it opened in Chromium: no payload runs (each would call
 * `__pwned`, open a dialog or trip the content security policy), text
 * shows as typed, links lead only to http(s), long words wrap, direction
 * overrides stay inside their text, and a name mimicking another's gets no
 * handle of its own.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { fingerprint } from "../lib/identity/mod.ts";
import { ledgerIdOf } from "../lib/ledger/mod.ts";
import {
  directConversationKey,
  groupIdOf,
  type Letter,
  MessageKeys,
  sealMessage,
} from "../lib/messages/mod.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";
import {
  pageProblems,
  proveWatchersWork,
  textProblems,
  watch,
} from "./browser/hostile_checks.ts";
import { browserTest, signInAs } from "./browser/harness.ts";
import { waitUntil } from "./cluster.ts";
import * as corpus from "./hostile_corpus.ts";
import { postLines, startTestInstance, testAuthor } from "./helpers.ts";
import { makeLedger, validatorArgs } from "./ledger_fixture.ts";

type Author = ReturnType<typeof testAuthor>;

/** A direct or group message from `from`, sealed as a browser would. */
function dmLine(from: Author, letter: Letter): string {
  const content: { to: string[]; box: string; conv?: string } = {
    to: [...letter.to],
    box: sealMessage(new MessageKeys(from.secretKey), letter),
  };
  if (letter.conv) content.conv = letter.conv;
  return from.next("dm", content).line;
}

/** Opens `path`, lets islands hydrate, hovers cards; returns what is wrong. */
async function inspect(
  page: Page,
  url: string,
  path: string,
  texts: Record<string, string>,
): Promise<string[]> {
  const response = await page.goto(`${url}${path}`);
  assert.equal(response?.status(), 200, path);
  const broken: string[] = [];
  if (await page.locator("kith-island").count() > 0) {
    // Markup that escaped its text can stop hydration: say so, go on.
    await page.waitForSelector("html[data-hydrated=true]", { timeout: 20_000 })
      .catch(() => broken.push("the islands did not hydrate"));
  }
  for (const card of await page.locator("article.entry-card").all()) {
    await card.hover({ force: true });
  }
  assert.equal(page.url(), `${url}${path}`, "nothing navigated away");
  return [
    ...broken,
    ...await page.evaluate(pageProblems, corpus.ALL_TEXTS),
    ...await page.evaluate(textProblems, texts),
  ].map((problem) => `${path}: ${problem}`);
}

browserTest(
  "a hostile corpus shown on every page runs no script, shows as text, wraps and stays isolated",
  async (browser) => {
    const ledger = await makeLedger(1);
    // The ledger's name is remote text too: whoever wrote the genesis chose it.
    const genesis = { ...ledger.genesis, name: corpus.LEDGER_NAME };
    await Deno.writeTextFile(ledger.genesisPath, JSON.stringify(genesis));
    const L = ledgerIdOf(genesis);
    const instance = await startTestInstance(validatorArgs(ledger));
    try {
      const { url } = instance;
      const reader = testAuthor();
      const mallory = testAuthor();
      const others = corpus.NAMES.slice(1).map(() => testAuthor());
      const ada = testAuthor();
      const fakeAda = testAuthor();
      const everyone = [mallory, ...others, fakeAda];
      await postLines(url, [
        reader.next("profile", { name: "Reader" }).line,
        mallory.next("profile", { name: corpus.NAMES[0], bio: corpus.BIO })
          .line,
        ...others.map((who, i) =>
          who.next("profile", { name: corpus.NAMES[i + 1] }).line
        ),
        ada.next("profile", { name: corpus.ADA }).line,
        fakeAda.next("profile", { name: corpus.FAKE_ADA }).line,
        ...everyone.map((who) =>
          reader.next("follow", { target: who.key }).line
        ),
        ...everyone.map((who) =>
          who.next("follow", { target: reader.key }).line
        ),
      ]);

      // What each corpus post's text must show, by id.
      const texts: Record<string, string> = {};
      const publish = async (
        who: Author,
        content: Parameters<Author["next"]>[1] & { text: string },
        shown = content.text,
      ) => {
        const record = who.next("post", content);
        await postLines(url, [record.line]);
        texts[record.id] = shown;
        return record;
      };
      const readerPost = await publish(reader, { text: "the reader's post" });
      const tagged = { tags: ["hostile"] };
      const posts = [];
      for (const [i, text] of corpus.POST_TEXTS.entries()) {
        posts.push(
          await publish(
            mallory,
            i === 2 ? { text, ...tagged, cw: corpus.CW } : { text, ...tagged },
          ),
        );
      }
      const longWord = await publish(mallory, { text: corpus.LONG_WORD });
      await publish(mallory, { text: corpus.LONG_LINK });
      const confusable = await publish(
        mallory,
        { text: `${corpus.MARK}\n${corpus.CONFUSABLE_LINK}`, ...tagged },
        `${corpus.MARK}\n${corpus.CONFUSABLE_HREF}`,
      );
      const replies = [];
      for (const [i, who] of others.entries()) {
        const text = corpus.POST_TEXTS[(i + 3) % corpus.POST_TEXTS.length];
        // Half reply in Mallory's thread, half to the reader (a notification).
        const on = i % 2 === 0 ? posts[0] : readerPost;
        replies.push(
          await publish(who, {
            text,
            root: on.id,
            parent: on.id,
            mentions: [reader.key],
          }),
        );
      }
      await publish(fakeAda, { text: "it is me, @ada" });
      const flagged = await publish(ada, { text: "a post a ledger hides" });

      // A 100 KB word is refused: a post holds at most 5,000 characters,
      // so no signed record can carry one; a line claiming one is cut off.
      const small = mallory.next("post", { text: "x" }, {
        seq: 10_000,
        prev: posts[0].id,
      }).line;
      const tooLong = await fetch(`${url}/api/records`, {
        method: "POST",
        body: `{"content":{"text":"${corpus.TOO_LONG_WORD}"}${
          small.slice(small.lastIndexOf(',"entry":{'))
        }`,
      });
      await tooLong.body?.cancel();
      assert.equal(tooLong.status, 413);

      // Encrypted messages: a direct one, and a group with a hostile name.
      const salt = encodeBase64Url(new Uint8Array(16).fill(7));
      const group = groupIdOf(mallory.key, salt);
      await postLines(url, [
        dmLine(mallory, {
          to: [reader.key],
          payload: { kind: "message", text: corpus.MESSAGE_TEXT },
        }),
        dmLine(mallory, {
          to: [reader.key, others[2].key],
          conv: group,
          payload: {
            kind: "message",
            text: corpus.MESSAGE_TEXT,
            group: { salt, name: corpus.GROUP_NAME },
          },
        }),
      ]);

      // The ledger hides Ada's post on a flag with a hostile note.
      await postLines(url, [
        ledger.staker.next("ledger", {
          ledger: L,
          tx: {
            type: "flag",
            subject: { post: flagged.id, author: ada.key },
            category: "abuse",
            bond: 100,
            note: corpus.FLAG_NOTE,
          },
        }).line,
      ]);
      await waitUntil("the ledger hides the flagged post", async () => {
        const body = await (await fetch(
          `${url}/api/ledgers/${L}/verdicts?subject=post:${flagged.id}`,
        )).json();
        return body.verdicts[`post:${flagged.id}`]?.status === "hidden";
      }, 30_000);

      // Names that could pass for another's get no handle of their own.
      const handles = await (await fetch(
        `${url}/api/handles?h=${encodeURIComponent(`ada,${corpus.FAKE_ADA}`)}`,
      )).json();
      assert.deepEqual(handles, { ada: ada.key, [corpus.FAKE_ADA]: null });

      const context = await browser.newContext({
        viewport: { width: 390, height: 800 },
      });
      const seen = await watch(context);
      await proveWatchersWork(context, seen);
      const page = await signInAs(context, url, reader);
      page.setDefaultTimeout(45_000);

      const subject = `/ledgers/${L}/subjects/post:${flagged.id}`;
      await page.goto(`${url}${subject}`);
      const block = await page.locator("a[href*='/blocks/']").first()
        .getAttribute("href");
      const pages = [
        "/",
        "/local",
        "/federated",
        `/authors/${mallory.key}`,
        ...others.map((who) => `/authors/${who.key}`),
        `/authors/${fakeAda.key}`,
        `/authors/${reader.key}/followers`,
        `/authors/${mallory.key}/following`,
        `/posts/${posts[0].id}`,
        `/posts/${replies[1].id}`,
        `/posts/${posts[2].id}`,
        `/posts/${longWord.id}`,
        `/posts/${confusable.id}`,
        `/posts/${flagged.id}`,
        "/search?q=hostilecorpus",
        "/search?q=ada",
        `/search?q=${encodeURIComponent(corpus.NAMES[3])}`,
        "/tags/hostile",
        "/notifications",
        "/ledgers",
        `/ledgers/${L}`,
        subject,
        block!,
      ];
      const problems: string[] = [];
      for (const path of pages) {
        problems.push(...await inspect(page, url, path, texts));
      }

      // The messages islands decrypt in the page, then render.
      const direct = directConversationKey(mallory.key, [reader.key]);
      for (
        const path of ["/messages", `/messages/${direct}`, `/messages/${group}`]
      ) {
        await page.goto(`${url}${path}`);
        await page.waitForSelector("html[data-hydrated=true]");
        const shown = page.locator(
          path === "/messages" ? ".conversation-link" : ".message-text",
        );
        await shown.first().waitFor();
        if (path !== "/messages") {
          assert.equal(await shown.first().textContent(), corpus.MESSAGE_TEXT);
        }
        problems.push(
          ...(await page.evaluate(pageProblems, corpus.ALL_TEXTS)).map((p) =>
            `${path}: ${p}`
          ),
        );
        pages.push(path);
      }

      // Feeds carry text as text: no markup, in Atom or JSON Feed.
      for (const feed of [`/authors/${mallory.key}`, "/tags/hostile"]) {
        for (const kind of ["feed.atom", "feed.json"]) {
          const path = `${feed}/${kind}`;
          const response = await page.goto(`${url}${path}`);
          assert.equal(response?.status(), 200, path);
          const found = await page.evaluate(async (path) => {
            const body = await (await fetch(path)).text();
            if (path.endsWith(".json")) {
              const json = JSON.parse(body);
              return json.items.map((item: Record<string, unknown>) =>
                "content_html" in item ? "content_html" : item.content_text
              );
            }
            const xml = new DOMParser().parseFromString(
              body,
              "application/xml",
            );
            if (xml.querySelector("parsererror")) return ["not XML"];
            if (
              xml.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "*")
                .length > 0
            ) return ["XHTML in the feed"];
            return Array.from(xml.getElementsByTagName("content")).map((c) =>
              c.getAttribute("type") === "text" ? c.textContent : "not text"
            );
          }, path);
          for (const text of corpus.POST_TEXTS) {
            assert.ok(found.includes(text), `${path} carries a post as text`);
          }
          pages.push(path);
        }
      }

      // The mimic's handle is its fingerprint; Ada keeps hers.
      const handleLine = async (who: Author) => {
        await page.goto(`${url}/authors/${who.key}`);
        return await page.locator(".author-header p.muted").first()
          .textContent();
      };
      const fakePrint = fingerprint(fakeAda.key);
      assert.equal(
        await handleLine(fakeAda),
        `@${fakePrint.toLowerCase()} · fingerprint ${fakePrint}`,
      );
      assert.equal(
        await handleLine(ada),
        `@ada · fingerprint ${fingerprint(ada.key)}`,
      );

      assert.deepEqual({ problems, seen }, {
        problems: [],
        seen: { pwned: [], dialogs: [], violations: [], errors: [] },
      });
      const payloads = Object.keys(corpus.PAYLOADS).length;
      console.log(
        `${payloads} payloads (plus ${corpus.NAMES.length} names, a bio, a content warning, ` +
          `a ledger name, a flag note, a group name and messages) on ${pages.length} pages`,
      );
      await context.close();
    } finally {
      await instance.close();
      await Deno.remove(ledger.dir, { recursive: true });
    }
  },
);
