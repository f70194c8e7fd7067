import assert from "node:assert/strict";
import type { Content, EntryType } from "../protocol/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { indexesOf } from "./indexes.ts";

const TS = 1_700_000_000_000;
const ada = testAuthor({ ts: () => TS });
const bob = testAuthor({ ts: () => TS });
const cy = testAuthor({ ts: () => TS });
const TARGET = "A".repeat(43);

/** The notification keys (and values) `author` writing `content` produces. */
function notifications(
  author: ReturnType<typeof testAuthor>,
  type: EntryType,
  content: Content,
  replyTo?: string[],
) {
  const { entry, id } = author.next(type, content);
  // Received before the claimed time: the index time is the earlier one.
  return {
    id,
    seq: entry.seq,
    list: indexesOf(entry, content, id, TS - 5, replyTo)
      .filter((item) => item.key[0] === "notify"),
  };
}

Deno.test("mentions, reactions, reposts and follows notify their target, never the author", () => {
  const mention = notifications(bob, "post", {
    text: "hi @ada @cy @bob",
    mentions: [ada.key, cy.key, bob.key],
  });
  assert.deepEqual(mention.list, [
    {
      key: ["notify", ada.key, TS - 5, mention.id],
      value: [bob.key, mention.seq],
    },
    {
      key: ["notify", cy.key, TS - 5, mention.id],
      value: [bob.key, mention.seq],
    },
  ]);
  for (
    const [type, content] of [
      ["react", { target: TARGET, targetAuthor: ada.key, reaction: "🎉" }],
      ["repost", { target: TARGET, targetAuthor: ada.key }],
      ["follow", { target: ada.key }],
    ] as [EntryType, Content][]
  ) {
    // Reactions and reposts notify the stored target's author, which
    // ingest looks up (`replyTo`); the claimed targetAuthor is not trusted.
    const owner = type === "follow" ? undefined : [ada.key];
    const { id, seq, list } = notifications(cy, type, content, owner);
    assert.deepEqual(list, [{
      key: ["notify", ada.key, TS - 5, id],
      value: [cy.key, seq],
    }], type);
    if (type !== "follow") {
      const claimed = notifications(cy, type, content);
      assert.deepEqual(
        claimed.list,
        [],
        `${type}: a claim alone notifies nobody`,
      );
    }
    const self = { ...content, targetAuthor: cy.key };
    const own = notifications(
      cy,
      type,
      type === "follow" ? { target: cy.key } : self,
      type === "follow" ? undefined : [cy.key],
    );
    assert.deepEqual(own.list, [], `own ${type}`);
  }
  for (
    const [type, content] of [
      ["unfollow", { target: ada.key }],
      ["profile", { name: "Cy" }],
      ["retract", { target: TARGET }],
    ] as [EntryType, Content][]
  ) {
    assert.deepEqual(notifications(cy, type, content).list, [], type);
  }
});

Deno.test("a reply notifies the parent's author once, as a reply, and never the replier", () => {
  const reply = notifications(bob, "post", {
    text: "@ada yes @cy",
    root: TARGET,
    parent: TARGET,
    mentions: [ada.key, cy.key],
  }, [ada.key]);
  assert.deepEqual(reply.list, [
    {
      key: ["notify", ada.key, TS - 5, reply.id],
      value: [bob.key, reply.seq, "reply"],
    },
    {
      key: ["notify", cy.key, TS - 5, reply.id],
      value: [bob.key, reply.seq],
    },
  ]);
  const own = notifications(bob, "post", {
    text: "and more",
    root: TARGET,
    parent: TARGET,
  }, [bob.key]);
  assert.deepEqual(own.list, []);
  // replyTo means nothing for entries other than posts.
  assert.deepEqual(
    notifications(bob, "follow", { target: bob.key }, [ada.key]).list,
    [],
  );
});

Deno.test("indexesOf is pure: the same entry gives the same keys", () => {
  const { entry, id } = bob.next("post", {
    text: "@ada",
    mentions: [ada.key],
    parent: TARGET,
    root: TARGET,
  });
  const content = { text: "@ada", mentions: [ada.key] };
  assert.deepEqual(
    indexesOf(entry, content, id, TS, [cy.key]),
    indexesOf(entry, content, id, TS, [cy.key]),
  );
});
