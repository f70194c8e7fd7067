import assert from "node:assert/strict";
import {
  directConversationKey,
  groupIdOf,
  type OpenedMessage,
} from "../messages/mod.ts";
import {
  nameOf,
  plainTextOf,
  previewOf,
  summarize,
  titleOf,
} from "./conversations.ts";

const [ALICE, BOB, CAROL] = ["A", "E", "I"].map((c) => c.repeat(43));
const NAMES = { [ALICE]: "Alice", [BOB]: "Bob" };
let counter = 0;

function opened(
  author: string,
  to: string[],
  ts: number,
  fields: Partial<OpenedMessage> = {},
): OpenedMessage & { conversation: string } {
  const message: OpenedMessage = {
    id: `id${++counter}`,
    author,
    seq: counter,
    ts,
    to,
    payload: { kind: "message", text: `text at ${ts}` },
    ...fields,
  };
  return {
    ...message,
    conversation: message.conv ?? directConversationKey(author, to),
  };
}

Deno.test("summarize counts unread messages from others after the read marker, newest conversations first", () => {
  const withBob = directConversationKey(ALICE, [BOB]);
  const withCarol = directConversationKey(ALICE, [CAROL]);
  const list = summarize([
    opened(BOB, [ALICE], 10),
    opened(BOB, [ALICE], 20),
    opened(ALICE, [BOB], 30),
    opened(BOB, [ALICE], 40),
    opened(CAROL, [ALICE], 50),
  ], {
    reader: ALICE,
    blocked: new Set(),
    read: { [withBob]: 15 },
    names: NAMES,
  });
  assert.deepEqual(
    list.map(({ key, title, unread, left }) => ({ key, title, unread, left })),
    [
      // Carol has no profile name: her fingerprint handle stands in.
      {
        key: withCarol,
        title: [{ isolate: nameOf(CAROL, NAMES) }],
        unread: 1,
        left: false,
      },
      { key: withBob, title: [{ isolate: "Bob" }], unread: 2, left: false },
    ],
  );
  assert.equal(list[1].last?.ts, 40);
});

Deno.test("summarize leaves out conversations with only blocked people's messages", () => {
  const list = summarize([
    opened(BOB, [ALICE], 10),
    opened(CAROL, [ALICE], 20),
  ], { reader: ALICE, blocked: new Set([CAROL]), read: {}, names: NAMES });
  assert.deepEqual(list.map((item) => item.title), [[{ isolate: "Bob" }]]);
});

Deno.test("a group is titled by its name and marks a reader who left", () => {
  const salt = "AAAAAAAAAAAAAAAAAAAAAA";
  const conv = groupIdOf(ALICE, salt);
  const list = summarize([
    opened(ALICE, [BOB, CAROL], 10, {
      conv,
      payload: { kind: "message", text: "hi", group: { salt, name: "Trio" } },
    }),
    opened(BOB, [ALICE, CAROL], 20, { conv, payload: { kind: "leave" } }),
  ], { reader: BOB, blocked: new Set(), read: {}, names: NAMES });
  assert.deepEqual(list[0].title, [{ isolate: "Trio" }]);
  assert.equal(list[0].left, true);
  assert.equal(list[0].unread, 1);
});

Deno.test("titles and previews", () => {
  const self = opened(ALICE, [ALICE], 1);
  const view = {
    key: self.conversation,
    kind: "direct" as const,
    started: true,
    members: [ALICE],
    left: [],
    messages: [self],
    hidden: { blocked: 0, notMember: 0 },
  };
  assert.deepEqual(titleOf(view, ALICE, NAMES), ["Notes to yourself"]);
  assert.deepEqual(previewOf(self, NAMES), [{ isolate: "text at 1" }]);
  assert.deepEqual(
    previewOf({ ...self, payload: { kind: "leave" } }, NAMES),
    [{ isolate: "Alice" }, " left the group"],
  );
  assert.deepEqual(
    previewOf(
      { ...self, payload: undefined, failure: "cannot_decrypt" },
      NAMES,
    ),
    ["Could not decrypt this message"],
  );
  assert.deepEqual(
    previewOf({ ...self, payload: undefined, failure: "retracted" }, NAMES),
    ["Message deleted"],
  );
});

Deno.test("each name in a title is its own isolate, so an override in one cannot reorder the next", () => {
  const override = "\u202eevil";
  const names = { [BOB]: override, [CAROL]: "Carol" };
  const message = opened(ALICE, [BOB, CAROL], 1);
  const view = {
    key: message.conversation,
    kind: "direct" as const,
    started: true,
    members: [ALICE, BOB, CAROL],
    // Someone listed twice (a member who also left) is named once.
    left: [BOB],
    messages: [message],
    hidden: { blocked: 0, notMember: 0 },
  };
  assert.deepEqual(titleOf(view, ALICE, names), [
    { isolate: override },
    ", ",
    { isolate: "Carol" },
  ]);
  // A group's name, whatever it holds, is one isolate.
  assert.deepEqual(
    titleOf({ ...view, kind: "group", name: `${override}, Carol` }, ALICE, {}),
    [{ isolate: `${override}, Carol` }],
  );
  assert.deepEqual(
    previewOf({ ...message, author: BOB, payload: { kind: "leave" } }, names),
    [{ isolate: override }, " left the group"],
  );
});

Deno.test("plainTextOf wraps each isolate in FSI and PDI, where no <bdi> can go", () => {
  assert.equal(
    plainTextOf(["Block ", { isolate: "\u202eevil" }, "?"]),
    "Block \u2068\u202eevil\u2069?",
  );
  assert.equal(plainTextOf(["Message deleted"]), "Message deleted");
  assert.equal(plainTextOf([]), "");
});
