/** The server-rendered social pages: timelines, hashtags, threads, authors. */
import assert from "node:assert/strict";
import {
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";

const post = postLines;

const page = (url: string, status = 200) => fetchPage(url, { status });

Deno.test("timelines, hashtags, threads and author pages render, escape and paginate", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    // Distinct, increasing times: timelines order by time, then by id.
    let clock = Date.now() - 3_600_000;
    const tick = () => clock += 1_000;
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    await post(url, [ada.next("profile", { name: "Ada <Lovelace>" }).line]);
    const root = ada.next("post", {
      text: "<script>alert(1)</script> hello #Deno see https://deno.com",
      tags: ["deno"],
    });
    await post(url, [root.line]);
    const reply = bob.next("post", {
      text: "a reply @ada_lovelace",
      root: root.id,
      parent: root.id,
      mentions: [ada.key],
    });
    await post(url, [reply.line]);
    const nested = ada.next("post", {
      text: "a nested reply",
      root: root.id,
      parent: reply.id,
      cw: "spoilers",
    });
    await post(url, [nested.line]);
    await post(
      url,
      Array.from(
        { length: 25 },
        (_, i) => bob.next("post", { text: `bulk ${i + 1}` }).line,
      ),
    );

    const federated = await page(`${url}/federated`);
    assert.match(federated, /bulk 25/);
    assert.ok(!federated.includes(">bulk 5<"), "only the newest 20 on page 1");
    const next = federated.match(
      /href="(\/federated\?cursor=[^"]+)" rel="next"/,
    );
    assert.ok(next, "a link to older posts");
    const older = await page(url + next[1].replaceAll("&amp;", "&"));
    // The hostile post is on page 2: escaped, never markup.
    assert.ok(!older.includes("<script>alert(1)</script>"));
    assert.match(older, /bulk 5/);
    assert.match(
      older,
      /&lt;script&gt;alert\(1\)&lt;\/script&gt;|&lt;script>alert\(1\)&lt;\/script>/,
    );
    await page(`${url}/federated?cursor=garbage`, 400);

    // Everyone here posted through this instance, so local = federated.
    assert.match(await page(`${url}/local`), /bulk 25/);

    const tag = await page(`${url}/tags/DENO`);
    assert.match(tag, /<h1 id="tag-title">#deno<\/h1>/);
    assert.match(tag, /href="\/tags\/deno" class="hashtag">#Deno<\/a>/);
    assert.match(
      tag,
      /href="https:\/\/deno.com\/" rel="nofollow noopener noreferrer ugc"/,
    );
    assert.ok(!tag.includes("bulk"), "only tagged posts");
    await page(`${url}/tags/no%20spaces`, 400);
    assert.match(
      await page(`${url}/tags/unused`),
      /No posts with this hashtag yet/,
    );

    const thread = await page(`${url}/posts/${reply.id}`);
    const order = [root.id, reply.id, nested.id].map((id) =>
      thread.indexOf(`id="${id}"`)
    );
    assert.ok(
      order.every((at) => at > 0) && order[0] < order[1] && order[1] < order[2],
      "root, reply, nested reply in order",
    );
    assert.match(
      thread,
      new RegExp(
        `class="entry-card focused" id="${reply.id}" aria-current="true"`,
      ),
    );
    assert.match(thread, /<summary>spoilers<\/summary>/);
    assert.match(
      thread,
      new RegExp(
        `href="/authors/${ada.key}" class="mention">@ada_lovelace</a>`,
      ),
    );
    assert.ok(
      (thread.match(/<ol class="thread">/g) ?? []).length >= 3,
      "nested lists",
    );
    await page(`${url}/posts/${"A".repeat(43)}`, 404);
    await page(`${url}/posts/short`, 400);

    const author = await page(`${url}/authors/${ada.key}`);
    assert.match(author, /<h1 id="author-title">Ada &lt;Lovelace><\/h1>/);
    assert.match(author, /@ada_lovelace/);
    assert.match(author, /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/);
    const bobPage = await page(`${url}/authors/${bob.key}`);
    assert.match(bobPage, /rel="next"/, "26 entries need a second page");
  } finally {
    await instance.close();
  }
});

Deno.test("the header shows the reader's unread notification count", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const ada = testAuthor();
    const bob = testAuthor();
    await post(url, [ada.next("post", { text: "hi" }).line]);
    await post(url, [
      bob.next("post", { text: "hello @ada", mentions: [ada.key] }).line,
    ]);
    const asAda = { headers: { Cookie: `kith_author=${ada.key}` } };
    const html = await (await fetch(`${url}/local`, asAda)).text();
    assert.match(html, /<span class="badge" aria-label="1 unread">1<\/span>/);
    const anonymous = await (await fetch(`${url}/local`)).text();
    assert.ok(!anonymous.includes('class="badge"'));
  } finally {
    await instance.close();
  }
});

Deno.test("@handles link only to the authors a post names, and claimed targets notify nobody", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const ada = testAuthor();
    const bob = testAuthor();
    const eve = testAuthor();
    const victim = testAuthor();
    await post(url, [bob.next("profile", { name: "Bob" }).line]);
    await post(url, [eve.next("profile", { name: "Bob" }).line]);
    const named = ada.next("post", { text: "hi @bob", mentions: [bob.key] });
    const plain = ada.next("post", { text: "plain @bob" });
    await post(url, [named.line, plain.line]);
    const html = await page(`${url}/federated`);
    assert.match(
      html,
      new RegExp(`href="/authors/${bob.key}" class="mention">@bob</a>`),
    );
    assert.ok(!html.includes(`href="/authors/${eve.key}" class="mention"`));
    assert.match(html, /plain @bob</, "an unnamed mention stays text");

    // Eve claims the victim wrote Ada's post: only Ada is notified.
    const on = { target: named.id, targetAuthor: victim.key };
    await post(url, [
      eve.next("react", { ...on, reaction: "🎉" }).line,
      eve.next("repost", on).line,
    ]);
    const unread = async (who: string) =>
      (await (await fetch(`${url}/api/notifications/unread?author=${who}`))
        .json()).unread;
    assert.equal(await unread(victim.key), 0);
    assert.equal(await unread(ada.key), 2);
  } finally {
    await instance.close();
  }
});

Deno.test("the reader cookie is scoped to this instance's port, and reader pages are private", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const ada = testAuthor();
    const port = new URL(url).port;
    const home = async (cookie: string) => {
      const response = await fetch(`${url}/`, { headers: { Cookie: cookie } });
      return { html: await response.text(), headers: response.headers };
    };
    // A reader sees a follow button on cards of authors they do not follow.
    const bob = testAuthor();
    await postLines(url, [bob.next("post", { text: "from bob" }).line]);
    const federated = await fetchPage(`${url}/federated`, {
      reader: ada.key,
    });
    assert.match(
      federated,
      /<span class="follow"><button[^>]*>Follow<\/button>/,
    );
    assert.ok(
      !(await fetchPage(`${url}/federated`)).includes('class="follow"'),
      "no follow buttons for anonymous readers",
    );
    const mine = await home(`kith_author=${port}:${ada.key}`);
    assert.match(mine.html, /Follow people to fill your home timeline/);
    assert.equal(mine.headers.get("cache-control"), "private, no-cache");
    assert.match(mine.headers.get("vary") ?? "", /Cookie/);
    const otherPort = await home(`kith_author=1:${ada.key}`);
    assert.match(otherPort.html, /Create your identity/);
    assert.ok(!otherPort.html.includes("Follow people to fill"));
    // Posts only: a reaction's id is not a thread.
    const post = ada.next("post", { text: "hi" });
    const like = ada.next("react", {
      target: post.id,
      targetAuthor: ada.key,
      reaction: "like",
    });
    await fetch(`${url}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/x-ndjson" },
      body: [post.line, like.line].join("\n"),
    }).then((response) => response.text());
    await page(`${url}/posts/${post.id}`);
    await page(`${url}/posts/${like.id}`, 404);
  } finally {
    await instance.close();
  }
});

Deno.test("retracting a reaction or repost takes its notification away", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const ada = testAuthor();
    const bob = testAuthor();
    const target = ada.next("post", { text: "hi" });
    await post(url, [target.line]);
    const on = { target: target.id, targetAuthor: ada.key };
    const like = bob.next("react", { ...on, reaction: "like" });
    const repost = bob.next("repost", on);
    await post(url, [like.line, repost.line]);
    const unread = async () =>
      (await (await fetch(`${url}/api/notifications/unread?author=${ada.key}`))
        .json()).unread;
    assert.equal(await unread(), 2);
    await post(url, [
      bob.next("retract", { target: like.id }).line,
      bob.next("retract", { target: repost.id }).line,
    ]);
    assert.equal(await unread(), 0);
  } finally {
    await instance.close();
  }
});

Deno.test("home, follow lists and the identity page render for a reader", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    let clock = Date.now() - 600_000;
    const tick = () => clock += 1_000;
    const reader = testAuthor({ ts: tick });
    const ada = testAuthor({ ts: tick });
    const bob = testAuthor({ ts: tick });
    await post(url, [ada.next("profile", { name: "<Ada>" }).line]);
    await post(url, [reader.next("follow", { target: ada.key }).line]);
    await post(url, [
      ada.next("post", { text: "from ada" }).line,
      bob.next("post", { text: "from bob" }).line,
      reader.next("post", { text: "from me" }).line,
    ]);
    const asReader = { headers: { Cookie: `kith_author=${reader.key}` } };
    const home = await (await fetch(`${url}/`, asReader)).text();
    assert.match(home, /<h2 id="timeline-heading">Home<\/h2>/);
    assert.ok(home.includes("from ada") && home.includes("from me"));
    assert.ok(!home.includes("from bob"), "only followed authors and oneself");
    assert.match(home, /What&#39;s happening\?|What's happening\?/);

    // Following lists, escaped, paged by 50.
    const many = Array.from({ length: 51 }, () => testAuthor());
    await post(
      url,
      many.map((author) => reader.next("follow", { target: author.key }).line),
    );
    const following = await page(`${url}/authors/${reader.key}/following`);
    const more = following.match(/href="([^"]+)" rel="next"/);
    assert.ok(more, "52 follows need a second page");
    const second = await page(url + more[1].replaceAll("&amp;", "&"));
    assert.equal(
      (second.match(/<li[ >]/g) ?? []).length,
      2,
      "two follows left for page 2",
    );
    // Keys sort at random: Ada is on one of the two pages, escaped.
    assert.match(following + second, /&lt;Ada>/);
    const followers = await page(`${url}/authors/${ada.key}/followers`);
    assert.ok(followers.includes(`href="/authors/${reader.key}"`));
    await page(`${url}/authors/${reader.key}/following?cursor=%25%25%25`, 400);

    const identity = await page(`${url}/identity`);
    assert.match(identity, /<h1 id="identity-title">Your identity<\/h1>/);
    assert.match(identity, /this page needs JavaScript/);
    assert.match(identity, /<kith-island/);
  } finally {
    await instance.close();
  }
});

Deno.test("a repost shows the post it shares", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const ada = testAuthor();
    const bob = testAuthor();
    const original = ada.next("post", { text: "worth sharing <b>" });
    await post(url, [original.line]);
    await post(url, [
      bob.next("repost", { target: original.id, targetAuthor: ada.key }).line,
    ]);
    const html = await page(`${url}/federated`);
    const shared = html.indexOf('<div class="shared">');
    assert.ok(shared > 0, "the repost card nests the post");
    assert.ok(
      html.slice(shared, shared + 3000).includes("worth sharing &lt;b>"),
    );
  } finally {
    await instance.close();
  }
});
