/**
 * Server-rendered moderation and ledger pages, from an in-process
 * instance that runs a single-validator ledger: hidden, warned,
 * down-ranked and forked posts where posts render; the explorer's
 * overview, block and subject pages and their errors.
 */
import assert from "node:assert/strict";
import { waitUntil } from "./cluster.ts";
import {
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";
import { makeLedger, validatorArgs } from "./ledger_fixture.ts";
import { BLOCKS_PER_PAGE } from "../lib/app/ledger_explorer.ts";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

Deno.test({
  name:
    "posts a ledger hides, warns or down-ranks render collapsed or labelled; the explorer shows the ledger",
  // The ledger's timers and GUN's sockets outlive a test's own operations.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const ledger = await makeLedger(1, {
      params: { warnBps: 250, downrankBps: 100, appealBlocks: 1_000_000 },
    });
    const instance = await startTestInstance(validatorArgs(ledger));
    try {
      const { url } = instance;
      const L = ledger.id;
      // Distinct, increasing times: timelines order by time.
      let clock = Date.now() - 60_000;
      const ada = testAuthor({ ts: () => clock += 1_000 });
      const root = ada.next("post", { text: "something abusive" });
      const spicy = ada.next("post", { text: "something spicy" });
      const spam = ada.next("post", {
        text: "buy now",
        root: root.id,
        parent: root.id,
      });
      const fine = ada.next("post", {
        text: "a fine reply",
        root: root.id,
        parent: root.id,
      });
      await postLines(url, [root.line, spicy.line, spam.line, fine.line]);
      // Bob forks his log: a peer brings a second entry at seq 1.
      const bob = testAuthor();
      const bobPost = bob.next("post", { text: "bob was here" });
      await postLines(url, [bobPost.line]);
      const twin = bob.next("post", { text: "bob was elsewhere" }, {
        seq: 1,
        prev: null,
      });
      await instance.info.ingest.submit([twin.line], { source: "peer" });

      const subject = (post: { id: string }) => ({
        post: post.id,
        author: ada.key,
      });
      const tx = (body: Record<string, unknown>) =>
        ledger.staker.next("ledger", { ledger: L, tx: body }).line;
      await postLines(url, [
        tx({
          type: "flag",
          subject: subject(root),
          category: "abuse",
          bond: 100,
        }),
        tx({
          type: "flag",
          subject: subject(spicy),
          category: "sexual",
          bond: 40,
        }),
        tx({
          type: "flag",
          subject: subject(spam),
          category: "spam",
          bond: 20,
        }),
      ]);
      const verdict = async (key: string) =>
        (await (await fetch(`${url}/api/ledgers/${L}/verdicts?subject=${key}`))
          .json()).verdicts[key];
      await waitUntil(
        "the flags are in a block",
        async () => (await verdict(`post:${spicy.id}`))?.status === "warned",
        20_000,
      );
      await postLines(url, [
        tx({ type: "appeal", subject: subject(spicy), bond: 10 }),
      ]);
      await waitUntil(
        "the appeal is open and bob is forked",
        async () =>
          (await verdict(`post:${spicy.id}`))?.appeal?.status === "open" &&
          Boolean((await verdict(`author:${bob.key}`))?.forked),
        20_000,
      );
      const hidden = await verdict(`post:${root.id}`);
      assert.equal(hidden.status, "hidden");
      const block = hidden.evidence[0].height;

      // Hidden: collapsed behind the reason; the card is inside.
      const federated = await fetchPage(`${url}/federated`);
      assert.match(
        federated,
        new RegExp(
          `<details><summary>Hidden by Test commons: abuse flags bonding 9\\.0% of stake, block ${block}</summary><article class="entry-card" id="${
            escape(root.id)
          }"`,
        ),
      );
      // Warned: behind its labels; the verdict links to the explorer.
      assert.match(
        federated,
        new RegExp(
          `<summary>Content warning \\(Test commons\\): sexual</summary><article class="entry-card" id="${
            escape(spicy.id)
          }"`,
        ),
      );
      assert.ok(
        federated.includes(
          `href="/ledgers/${L}/subjects/post:${spicy.id}">Appeal open: vote in Test commons</a>`,
        ),
      );
      assert.ok(
        federated.includes(
          `href="/ledgers/${L}/subjects/post:${root.id}">Why: the flags in Test commons</a>`,
        ),
      );
      // Down-ranked: shown, with a small label; forked authors labelled.
      assert.match(
        federated,
        /<p class="verdict-label"><a href="[^"]+">spam \(down-ranked by Test commons\)<\/a><\/p>/,
      );
      assert.ok(
        !/<details><summary>[^<]*<\/summary><article class="entry-card" id="[^"]*"[^>]*>(?:(?!<\/article>).)*buy now/s
          .test(federated),
        "the down-ranked post is not collapsed",
      );
      assert.match(
        federated,
        new RegExp(
          `<summary>Content warning \\(Test commons\\): forked author</summary><article class="entry-card" id="${
            escape(bobPost.id)
          }"`,
        ),
      );

      // Threads: the down-ranked reply comes after the other one; the
      // post page offers the flag island.
      const thread = await fetchPage(`${url}/posts/${root.id}`);
      assert.ok(
        thread.indexOf("a fine reply") < thread.indexOf("buy now"),
        "down-ranked replies come last",
      );
      assert.match(thread, /"ledger_actions:FlagAction"/);
      assert.match(thread, /<summary>Hidden by Test commons: /);
      // Timelines keep time order: the spam reply is older than the fine one.
      assert.ok(
        federated.indexOf("a fine reply") < federated.indexOf("buy now"),
      );

      // Author pages, search and tag pages collapse the same way.
      const bobPage = await fetchPage(`${url}/authors/${bob.key}`);
      assert.match(
        bobPage,
        /<p class="warning">Content warning \(Test commons\): forked author\./,
      );
      assert.match(bobPage, /"ledger_actions:FlagAction"/);
      const adaPage = await fetchPage(`${url}/authors/${ada.key}`);
      assert.match(adaPage, /<summary>Hidden by Test commons: abuse flags/);
      const search = await fetchPage(`${url}/search?q=abusive`);
      assert.match(search, /<summary>Hidden by Test commons: abuse flags/);

      // An idle ledger makes a block only for transactions (or every 10 s):
      // one transfer per block until the second page of the block list is
      // past the blocks the flags above landed in (the page links those).
      const enough = 2 * BLOCKS_PER_PAGE + 5;
      for (let i = 0; i <= enough; i++) {
        const height = instance.info.ledgers.node(L)!.height;
        if (height > enough) break;
        await postLines(url, [
          tx({ type: "transfer", to: ledger.validators[0].key, amount: 1 }),
        ]);
        await waitUntil(
          "a block with the transfer",
          () => Promise.resolve(instance.info.ledgers.node(L)!.height > height),
        );
      }

      // The explorer.
      const list = await fetchPage(`${url}/ledgers`);
      assert.match(
        list,
        /<a href="\/ledgers\/[^"]+"><strong>Test commons<\/strong><\/a>/,
      );
      assert.match(list, /height \d+ · this instance validates/);
      assert.match(
        await fetchPage(`${url}/`),
        /<a href="\/ledgers">Ledgers<\/a>/,
      );

      const overview = await fetchPage(`${url}/ledgers/${L}`);
      assert.match(overview, /<h1 id="ledger-title">Test commons<\/h1>/);
      assert.match(overview, /<dt>Supply<\/dt><dd>1100 stake<\/dd>/);
      assert.ok(
        overview.includes(`<code title="${ledger.validators[0].key}">`),
        "the validator is listed",
      );
      assert.match(
        overview,
        /<td class="number">100<\/td><td class="number">100\.0%<\/td><td class="number">100<\/td><td class="number">0<\/td><td>no<\/td>/,
      );
      for (const post of [root, spicy, spam]) {
        assert.ok(overview.includes(`href="/posts/${post.id}"`));
      }
      assert.match(overview, /<td>abuse<\/td><td class="number">100<\/td>/);
      assert.match(overview, /<td>sexual<\/td><td class="number">40<\/td>/);
      assert.match(
        overview,
        /Uphold: <strong>0<\/strong> \(0\.0% of stake\) · Overturn: <strong>0<\/strong>/,
      );
      assert.match(overview, /Open: closes at the end of block \d+/);
      assert.match(overview, /"ledger_votes:VoteButtons"/);
      assert.ok(overview.includes(`href="/ledgers/${L}/blocks/${block}"`));
      const older = /href="(\?before=\d+)#blocks" rel="next"/.exec(overview);
      assert.ok(older, "a link to older blocks");
      const page2 = await fetchPage(`${url}/ledgers/${L}${older[1]}`);
      const before = Number(older[1].slice(8));
      assert.ok(page2.includes(`href="/ledgers/${L}/blocks/${before - 1}"`));
      assert.ok(!page2.includes(`href="/ledgers/${L}/blocks/${before}"`));
      await fetchPage(`${url}/ledgers/${L}?before=x`, { status: 400 });

      const blockPage = await fetchPage(`${url}/ledgers/${L}/blocks/${block}`);
      assert.match(
        blockPage,
        new RegExp(`<h1 id="block-title">Block ${block}</h1>`),
      );
      assert.match(blockPage, /<strong>flag<\/strong> by <a href="\/authors\//);
      assert.ok(blockPage.includes(`/authors/${ledger.staker.key}`));
      assert.match(blockPage, /abuse flag on <a href="\/posts\//);
      assert.ok(blockPage.includes(`href="/ledgers/${L}/blocks/${block - 1}"`));
      assert.match(
        blockPage,
        /<th scope="row"><code title="[^"]+">[^<]+<\/code><\/th><td class="number">\d+<\/td><td class="number">100<\/td>/,
      );

      const subjectPage = await fetchPage(
        `${url}/ledgers/${L}/subjects/post:${spicy.id}`,
      );
      assert.match(subjectPage, /<dt>Status<\/dt><dd><strong>warned<\/strong>/);
      assert.match(subjectPage, /<dt>Labels<\/dt><dd>sexual<\/dd>/);

      // Errors: a page with the reason.
      const unknown = await fetchPage(`${url}/ledgers/${"A".repeat(43)}`, {
        status: 404,
      });
      assert.match(unknown, /This instance does not honour that ledger/);
      assert.match(unknown, /<code>unknown_ledger<\/code>/);
      const noBlock = await fetchPage(`${url}/ledgers/${L}/blocks/999999999`, {
        status: 404,
      });
      assert.match(noBlock, /Block 999999999 is not finalized here yet/);
      assert.match(noBlock, /<code>unknown_block<\/code>/);
      await fetchPage(`${url}/ledgers/${L}/blocks/0`, { status: 400 });
      await fetchPage(`${url}/ledgers/short`, { status: 400 });
      await fetchPage(`${url}/ledgers/${L}/subjects/nothing`, { status: 400 });
    } finally {
      await instance.close();
      await Deno.remove(ledger.dir, { recursive: true });
    }
  },
});
