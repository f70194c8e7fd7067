/** The indexes of `dm` entries: by conversation and by participant. */
import assert from "node:assert/strict";
import type { Content } from "../protocol/mod.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import {
  directConversationKey,
  groupIdOf,
  MessageKeys,
  sealMessage,
} from "../messages/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { indexesOf, type Mutation } from "./indexes.ts";

const TS = 1_700_000_000_000;
const ada = testAuthor({ ts: () => TS });
const bob = testAuthor({ ts: () => TS });
const cy = testAuthor({ ts: () => TS });

/** A `dm` of `author` with a real box; its indexes, received at `receivedAt`. */
function indexesOfDm(
  author: ReturnType<typeof testAuthor>,
  to: string[],
  receivedAt: number,
  conv?: string,
) {
  const box = sealMessage(new MessageKeys(author.secretKey), {
    to,
    conv,
    payload: { kind: "message", text: "hello" },
  });
  const content: Content = conv ? { to, box, conv } : { to, box };
  const { entry, id } = author.next("dm", content);
  return {
    id,
    seq: entry.seq,
    list: indexesOf(entry, content, id, receivedAt),
  };
}

/** Mutations in a stable order, so lists compare regardless of order. */
const byKey = (list: Mutation[]) =>
  [...list].sort((a, b) =>
    JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1
  );

Deno.test("a direct dm indexes its conversation and the inbox of sender and recipient, nothing else", () => {
  const { id, seq, list } = indexesOfDm(ada, [bob.key], TS + 5);
  const conversation = directConversationKey(ada.key, [bob.key]);
  assert.equal(conversation, directConversationKey(bob.key, [ada.key]));
  // The index time is the earlier of claimed and received time.
  assert.deepEqual(
    byKey(list),
    byKey([
      { key: ["dm", conversation, TS, id], value: [ada.key, seq] },
      {
        key: ["dm-inbox", ada.key, TS, id],
        value: [ada.key, seq, conversation],
      },
      {
        key: ["dm-inbox", bob.key, TS, id],
        value: [ada.key, seq, conversation],
      },
    ]),
  );
});

Deno.test("a dm whose sender is also in `to` gives the sender one inbox entry", () => {
  const both = indexesOfDm(ada, [ada.key, bob.key], TS - 7);
  const conversation = directConversationKey(ada.key, [bob.key]);
  assert.equal(
    directConversationKey(ada.key, [ada.key, bob.key]),
    conversation,
    "listing yourself does not change the direct conversation",
  );
  assert.deepEqual(
    byKey(both.list),
    byKey([
      {
        key: ["dm", conversation, TS - 7, both.id],
        value: [ada.key, both.seq],
      },
      {
        key: ["dm-inbox", ada.key, TS - 7, both.id],
        value: [ada.key, both.seq, conversation],
      },
      {
        key: ["dm-inbox", bob.key, TS - 7, both.id],
        value: [ada.key, both.seq, conversation],
      },
    ]),
  );
  // A note to self: one participant, one inbox entry.
  const self = indexesOfDm(bob, [bob.key], TS);
  const own = directConversationKey(bob.key, [bob.key]);
  assert.deepEqual(byKey(self.list), [
    { key: ["dm", own, TS, self.id], value: [bob.key, self.seq] },
    {
      key: ["dm-inbox", bob.key, TS, self.id],
      value: [bob.key, self.seq, own],
    },
  ]);
});

Deno.test("a group dm indexes under its conv, with an inbox entry per member", () => {
  const salt = encodeBase64Url(new Uint8Array(16).fill(3));
  const conv = groupIdOf(cy.key, salt);
  const { id, seq, list } = indexesOfDm(cy, [ada.key, bob.key], TS, conv);
  assert.notEqual(conv, directConversationKey(cy.key, [ada.key, bob.key]));
  const inbox = (participant: string) => ({
    key: ["dm-inbox", participant, TS, id],
    value: [cy.key, seq, conv],
  });
  assert.deepEqual(
    byKey(list),
    byKey([
      { key: ["dm", conv, TS, id], value: [cy.key, seq] },
      inbox(ada.key),
      inbox(bob.key),
      inbox(cy.key),
    ]),
  );
  // A member re-sending to the group (sender listed too) stays in the conv.
  const again = indexesOfDm(ada, [ada.key, bob.key, cy.key], TS, conv);
  assert.deepEqual(
    byKey(again.list).map(({ key, value }) => [key[0], key[1], value]),
    [
      ["dm", conv, [ada.key, again.seq]],
      ...[ada.key, bob.key, cy.key].sort().map((participant) => [
        "dm-inbox",
        participant,
        [ada.key, again.seq, conv],
      ]),
    ],
  );
});
