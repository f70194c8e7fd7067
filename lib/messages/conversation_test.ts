import assert from "node:assert/strict";
import fc from "fast-check";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../protocol/mod.ts";
import {
  conversationKeyOf,
  directConversationKey,
  foldConversation,
  groupIdOf,
  MessageError,
  MessageKeys,
  type MessagePayload,
  type OpenedMessage,
  openMessage,
  participantsOf,
  sealMessage,
} from "./mod.ts";

const key = (name: string) =>
  encodeBase64Url(sha256(new TextEncoder().encode(`conversation ${name}`)));
const [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map(key);
const salt = encodeBase64Url(new Uint8Array(16).fill(1));
const group = groupIdOf(alice, salt);

let counter = 0;
/** One opened message; `ts` orders them. */
function msg(
  author: string,
  to: string[],
  ts: number,
  payload: MessagePayload | undefined,
  extra: Partial<OpenedMessage> = {},
): OpenedMessage {
  return {
    id: `id${String(++counter).padStart(4, "0")}`,
    author,
    seq: counter,
    ts,
    to,
    ...(payload ? { payload } : {}),
    ...extra,
  };
}
const text = (value: string): MessagePayload => ({
  kind: "message",
  text: value,
});
const leave: MessagePayload = { kind: "leave" };
const inGroup = { conv: group };
const others = (me: string) =>
  [alice, bob, carol].filter((member) => member !== me);
const start = (ts = 1) =>
  msg(alice, [bob, carol], ts, {
    kind: "message",
    text: "Welcome",
    group: { salt, name: "Garden" },
  }, inGroup);

const texts = (messages: OpenedMessage[]) =>
  messages.map((m) =>
    m.payload?.kind === "message"
      ? m.payload.text
      : m.payload?.kind ?? m.failure
  );

Deno.test("directConversationKey is the same whoever sends, in any order", () => {
  assert.equal(
    directConversationKey(alice, [bob]),
    directConversationKey(bob, [alice]),
  );
  assert.notEqual(
    directConversationKey(alice, [bob]),
    directConversationKey(alice, [carol]),
  );
  // Oneself: the sender counts once.
  assert.equal(
    directConversationKey(alice, [alice]),
    directConversationKey(alice, []),
  );
  assert.equal(
    conversationKeyOf(bob, { to: [alice] }),
    directConversationKey(alice, [bob]),
  );
  assert.equal(conversationKeyOf(bob, { to: [alice], conv: group }), group);
  assert.deepEqual(participantsOf(bob, [alice, bob]), [alice, bob].sort());
  fc.assert(
    fc.property(
      fc.shuffledSubarray([alice, bob, carol, dave], { minLength: 2 }),
      fc.nat(),
      (people, pick) => {
        const sender = people[pick % people.length];
        const to = people.filter((person) => person !== sender);
        assert.equal(
          directConversationKey(sender, to),
          directConversationKey(people[0], people.slice(1).reverse()),
        );
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("groupIdOf binds the creator and the salt", () => {
  assert.equal(groupIdOf(alice, salt), group);
  assert.equal(group.length, 43);
  assert.notEqual(groupIdOf(bob, salt), group);
  assert.notEqual(
    groupIdOf(alice, encodeBase64Url(new Uint8Array(16).fill(2))),
    group,
  );
  assert.notEqual(group, directConversationKey(alice, [bob, carol]));
  assert.throws(() => groupIdOf(alice, "not base64url!"), {
    name: "TypeError",
    message: "Cannot derive group id: salt is not base64url",
  });
});

Deno.test("a direct conversation shows every message of its participants, oldest first", () => {
  const convKey = directConversationKey(alice, [bob]);
  const messages = [
    msg(bob, [alice], 30, text("third")),
    msg(alice, [bob], 10, text("first")),
    msg(bob, [alice], 20, text("second")),
  ];
  const view = foldConversation(convKey, messages, { reader: alice });
  assert.equal(view.kind, "direct");
  assert.equal(view.started, true);
  assert.deepEqual(view.members, [alice, bob].sort());
  assert.deepEqual(texts(view.messages), ["first", "second", "third"]);
  assert.deepEqual(view.hidden, { blocked: 0, notMember: 0 });
  assert.equal(view.creator, undefined);
});

Deno.test("a group: members from the start, non-members hidden, leaves remove members", () => {
  const messages = [
    start(1),
    msg(bob, others(bob), 2, text("hi from bob"), inGroup),
    msg(dave, [alice, bob, carol], 3, text("let me in"), inGroup),
    msg(carol, others(carol), 4, text("hi from carol"), inGroup),
    msg(carol, others(carol), 5, leave, inGroup),
    msg(carol, others(carol), 6, text("still here?"), inGroup),
    msg(alice, [bob], 7, text("just us now"), inGroup),
    // Another conversation's message is not part of this one.
    msg(alice, [bob], 8, text("elsewhere")),
  ];
  const view = foldConversation(group, messages, { reader: bob });
  assert.equal(view.kind, "group");
  assert.equal(view.started, true);
  assert.equal(view.creator, alice);
  assert.equal(view.name, "Garden");
  assert.deepEqual(view.members, [alice, bob].sort());
  assert.deepEqual(view.left, [carol]);
  assert.deepEqual(texts(view.messages), [
    "Welcome",
    "hi from bob",
    "hi from carol",
    "leave",
    "just us now",
  ]);
  assert.deepEqual(view.hidden, { blocked: 0, notMember: 2 });
});

Deno.test("a reader who left sees nothing after their leave", () => {
  const messages = [
    start(1),
    msg(bob, others(bob), 2, text("before"), inGroup),
    msg(carol, others(carol), 3, leave, inGroup),
    msg(bob, others(bob), 4, text("after"), inGroup),
    msg(alice, others(alice), 5, text("later"), inGroup),
  ];
  const view = foldConversation(group, messages, { reader: carol });
  assert.deepEqual(texts(view.messages), ["Welcome", "before", "leave"]);
  assert.deepEqual(view.left, [carol]);
  assert.deepEqual(view.members, [alice, bob].sort());
  // The others still see everything.
  assert.deepEqual(
    texts(foldConversation(group, messages, { reader: bob }).messages),
    ["Welcome", "before", "leave", "after", "later"],
  );
});

Deno.test("blocked authors are hidden and counted, but their leave still counts", () => {
  const messages = [
    start(1),
    msg(bob, others(bob), 2, text("one"), inGroup),
    msg(carol, others(carol), 3, text("two"), inGroup),
    msg(bob, others(bob), 4, text("three"), inGroup),
    msg(bob, others(bob), 5, leave, inGroup),
  ];
  const view = foldConversation(group, messages, {
    reader: carol,
    blocked: new Set([bob]),
  });
  assert.deepEqual(texts(view.messages), ["Welcome", "two"]);
  assert.deepEqual(view.hidden, { blocked: 3, notMember: 0 });
  assert.deepEqual(view.left, [bob]);
  assert.deepEqual(view.members, [alice, carol].sort());
  const direct = foldConversation(
    directConversationKey(alice, [bob]),
    [msg(alice, [bob], 1, text("a")), msg(bob, [alice], 2, text("b"))],
    { reader: alice, blocked: new Set([bob]) },
  );
  assert.deepEqual(texts(direct.messages), ["a"]);
  assert.deepEqual(direct.hidden, { blocked: 1, notMember: 0 });
});

Deno.test("without its start message a group is not started and everyone seen counts", () => {
  const messages = [
    msg(bob, others(bob), 2, text("hi"), inGroup),
    msg(dave, [bob], 3, text("hello"), inGroup),
  ];
  const view = foldConversation(group, messages, { reader: bob });
  assert.equal(view.kind, "group");
  assert.equal(view.started, false);
  assert.equal(view.creator, undefined);
  assert.equal(view.name, undefined);
  assert.deepEqual(view.members, [alice, bob, carol, dave].sort());
  assert.deepEqual(texts(view.messages), ["hi", "hello"]);
});

Deno.test("a start forged by someone else with the creator's salt does not count", () => {
  const forged = msg(bob, [carol, dave], 1, {
    kind: "message",
    text: "I made this group",
    group: { salt, name: "Bob's group" },
  }, inGroup);
  const alone = foldConversation(group, [forged], { reader: carol });
  assert.equal(alone.started, false);
  assert.equal(alone.creator, undefined);
  assert.equal(alone.name, undefined);
  // With the real start, later: members come from Alice's, not Bob's.
  const view = foldConversation(group, [
    forged,
    start(2),
    msg(dave, [alice, bob, carol], 3, text("I was invited by bob"), inGroup),
  ], { reader: carol });
  assert.equal(view.started, true);
  assert.equal(view.creator, alice);
  assert.equal(view.name, "Garden");
  assert.deepEqual(view.members, [alice, bob, carol].sort());
  assert.deepEqual(texts(view.messages), ["I made this group", "Welcome"]);
  assert.deepEqual(view.hidden, { blocked: 0, notMember: 1 });
});

Deno.test("messages members sent that could not be opened stay, with their failure", () => {
  const messages = [
    start(1),
    msg(bob, others(bob), 2, undefined, {
      ...inGroup,
      failure: "cannot_decrypt",
    }),
    msg(carol, others(carol), 3, undefined, {
      ...inGroup,
      failure: "retracted",
    }),
    msg(dave, [alice], 4, undefined, { ...inGroup, failure: "cannot_decrypt" }),
  ];
  const view = foldConversation(group, messages, { reader: alice });
  assert.deepEqual(texts(view.messages), [
    "Welcome",
    "cannot_decrypt",
    "retracted",
  ]);
  assert.equal(view.messages[1].payload, undefined);
  assert.deepEqual(view.hidden, { blocked: 0, notMember: 1 });
});

Deno.test("equal timestamps are ordered by id, so every reader sees one order", () => {
  const convKey = directConversationKey(alice, [bob]);
  const a = msg(alice, [bob], 5, text("a"), { id: "b-id" });
  const b = msg(bob, [alice], 5, text("b"), { id: "a-id" });
  for (const order of [[a, b], [b, a]]) {
    assert.deepEqual(
      texts(foldConversation(convKey, order, { reader: alice }).messages),
      ["b", "a"],
    );
  }
});

Deno.test("sealed, opened and folded: a small group end to end", () => {
  const seed = (name: string) =>
    sha256(new TextEncoder().encode(`conversation e2e ${name}`));
  const [a, b, c] = ["a", "b", "c"].map((name) => new MessageKeys(seed(name)));
  const groupSalt = encodeBase64Url(new Uint8Array(16).fill(7));
  const conv = groupIdOf(a.author, groupSalt);
  const sent = [
    {
      from: a,
      to: [b.author, c.author],
      payload: {
        kind: "message",
        text: "Welcome",
        group: { salt: groupSalt, name: "Trio" },
      } as MessagePayload,
    },
    { from: b, to: [a.author, c.author], payload: text("hello") },
    { from: c, to: [a.author, b.author], payload: leave },
    // Sent only to Alice: Bob cannot open it.
    { from: a, to: [c.author], payload: text("psst") },
  ].map(({ from, to, payload }, i) => ({
    id: `e2e${i}`,
    author: from.author,
    seq: i + 1,
    ts: 100 + i,
    to,
    conv,
    box: sealMessage(from, { to, conv, payload }),
  }));
  const opened = sent.map(({ box, ...rest }): OpenedMessage => {
    try {
      return { ...rest, payload: openMessage(b, { ...rest, box }) };
    } catch (error) {
      assert.ok(error instanceof MessageError);
      return { ...rest, failure: error.reason };
    }
  });
  assert.equal(conversationKeyOf(a.author, sent[0]), conv);
  const view = foldConversation(conv, opened, { reader: b.author });
  assert.equal(view.name, "Trio");
  assert.deepEqual(view.members, [a.author, b.author].sort());
  assert.deepEqual(texts(view.messages), [
    "Welcome",
    "hello",
    "leave",
    "not_a_recipient",
  ]);
});

Deno.test("a message claiming a direct conversation's key as its conv is not part of it", () => {
  const convKey = directConversationKey(alice, [bob]);
  const view = foldConversation(convKey, [
    msg(alice, [bob], 1, text("real")),
    msg(dave, [alice, bob], 2, text("forged"), { conv: convKey }),
  ], { reader: alice });
  assert.equal(view.kind, "direct");
  assert.equal(view.started, true);
  assert.deepEqual(view.members, [alice, bob].sort());
  assert.deepEqual(texts(view.messages), ["real"]);
});
