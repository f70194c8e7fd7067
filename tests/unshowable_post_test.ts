/**
 * One post the pages cannot show never breaks a page: its card becomes a
 * placeholder, every other post renders, the answer is 200, and the cause
 * is logged once. The post is made unshowable the way a store could hold
 * one: its stored content rewritten behind ingest's back (as a store from
 * an older version, or tampered with, might hold it).
 */
import assert from "node:assert/strict";
import {
  corruptStoredContent,
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";

const PLACEHOLDER = "This post could not be shown.";

const count = (html: string, text: string) => html.split(text).length - 1;

Deno.test("a post whose content the view cannot handle is a placeholder; the page around it renders, 200", async () => {
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (text.startsWith("Cannot show entry")) logged.push(text);
    else original(...args);
  };
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const { kv } = instance.info;
    let clock = Date.now() - 3_600_000;
    const tick = () => clock += 1_000;
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    const cy = testAuthor({ ts: tick });
    const port = new URL(url).port;
    await postLines(url, [
      ada.next("profile", { name: "Ada" }).line,
      bob.next("profile", { name: "Bob" }).line,
      cy.next("follow", { target: ada.key }).line,
      cy.next("follow", { target: bob.key }).line,
    ]);
    const before = ada.next("post", {
      text: "before it #hostile",
      tags: ["hostile"],
    });
    const broken = ada.next("post", {
      text: "the broken one #hostile",
      tags: ["hostile"],
    });
    const after = ada.next("post", {
      text: "after it #hostile",
      tags: ["hostile"],
    });
    const root = ada.next("post", { text: "thread root findme" });
    const badReply = bob.next("post", {
      text: "a reply findme",
      root: root.id,
      parent: root.id,
    });
    const goodReply = cy.next("post", {
      text: "another reply findme",
      root: root.id,
      parent: root.id,
    });
    for (const record of [before, broken, after, root, badReply, goodReply]) {
      await postLines(url, [record.line]);
    }
    // A text the tokenizer cannot read; mentions that are no list of keys.
    await corruptStoredContent(kv, broken, {
      text: { html: "<b>x</b>" },
      tags: ["hostile"],
    });
    await corruptStoredContent(kv, badReply, {
      text: "a reply findme",
      root: root.id,
      parent: root.id,
      mentions: 42,
    });

    const pages: [string, string | undefined, string[], number][] = [
      ["/local", undefined, ["before it", "after it", "another reply"], 2],
      ["/federated", undefined, ["before it", "after it", "thread root"], 2],
      ["/", `${port}:${cy.key}`, ["before it", "after it", "thread root"], 2],
      [`/authors/${ada.key}`, undefined, ["before it", "after it"], 1],
      [`/posts/${root.id}`, undefined, ["thread root", "another reply"], 1],
      [`/posts/${badReply.id}`, undefined, ["thread root"], 1],
      [`/posts/${broken.id}`, undefined, ["Write a reply"], 1],
      ["/tags/hostile", undefined, ["before it", "after it"], 1],
      ["/search?q=findme", undefined, ["thread root", "another reply"], 1],
      ["/notifications", `${port}:${ada.key}`, ["another reply"], 1],
    ];
    for (const [path, reader, shown, placeholders] of pages) {
      // Twice: the second request must not log the same failure again.
      for (let i = 0; i < 2; i++) {
        const html = await fetchPage(`${url}${path}`, { reader });
        assert.equal(count(html, PLACEHOLDER), placeholders, path);
        for (const text of shown) assert.ok(html.includes(text), path + text);
        assert.ok(!html.includes("<b>x</b>"), path);
        assert.match(html, /<\/main>/, `${path} rendered to the end`);
      }
    }
    assert.deepEqual(
      logged.sort(),
      [
        `Cannot show entry ${badReply.id}: Cannot accept content: mentions must be an array of author keys`,
        `Cannot show entry ${broken.id}: Cannot accept content: text must be a string`,
      ].sort(),
    );
  } finally {
    console.error = original;
    await instance.close();
  }
});
