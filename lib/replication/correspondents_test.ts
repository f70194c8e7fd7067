/** Correspondents: who messages a local author joins the replicated set once verified. */
import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { MessageKeys, sealMessage } from "../messages/mod.ts";
import { RecordStore } from "../store/mod.ts";
import {
  postLines,
  startTestInstance,
  testAuthor,
} from "../../tests/helpers.ts";
import { Firewall } from "./firewall.ts";
import { logSoul, segmentKey } from "./layout.ts";
import { Subscriptions } from "./subscriptions.ts";

type Author = ReturnType<typeof testAuthor>;

const CORRESPONDENT = ["replication", "correspondent"];

interface Harness {
  firewall: Firewall;
  subscriptions: Subscriptions;
  store: RecordStore;
  kv: Deno.Kv;
  /** A local author of this instance. */
  local: Author;
  /** Authors the firewall reported as correspondents. */
  recruited: string[];
  /** The onAdded calls of `subscriptions`. */
  added: string[][];
}

async function withCorrespondents(run: (harness: Harness) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new RecordStore(kv);
    const ingest = new Ingest(store, { verify: verifyEd25519, now: Date.now });
    const added: string[][] = [];
    const recruited: string[] = [];
    const subscriptions = new Subscriptions(kv, {
      followDepth: 1,
      onAdded: (authors) => added.push(authors),
    });
    await subscriptions.load();
    const local = testAuthor();
    await subscriptions.addLocal(local.key);
    const firewall = new Firewall({
      ingest,
      verify: verifyEd25519,
      now: Date.now,
      wants: (author) => subscriptions.has(author),
      isLocal: (author) => subscriptions.isLocal(author),
      onCorrespondent: (author) => {
        recruited.push(author);
        subscriptions.addCorrespondent(author);
      },
      onDrop: () => {},
      onRecords: () => {},
      onAhead: () => {},
      relay: () => {},
    });
    await run({
      firewall,
      subscriptions,
      store,
      kv,
      local,
      recruited,
      added,
    });
  } finally {
    kv.close();
  }
}

function segment(author: string, lines: string[]) {
  const soul = logSoul(author, 0);
  const value = lines.join("\n");
  const key = segmentKey(value);
  return {
    "#": crypto.randomUUID(),
    put: { [soul]: { _: { "#": soul, ">": { [key]: 1 } }, [key]: value } },
  };
}

/** The next `dm` of `sender` to `to`, with a real sealed box. */
function dm(sender: Author, to: string[]) {
  const box = sealMessage(new MessageKeys(sender.secretKey), {
    to,
    payload: { kind: "message", text: "hello there" },
  });
  return sender.next("dm", { to, box });
}

async function correspondentKeys(kv: Deno.Kv): Promise<string[]> {
  const keys: string[] = [];
  for await (const { key } of kv.list({ prefix: CORRESPONDENT })) {
    keys.push(key[2] as string);
  }
  return keys;
}

Deno.test("a verified dm to a local author makes its sender replicated, persistently", async () => {
  await withCorrespondents(
    async ({ firewall, subscriptions, store, kv, local, recruited, added }) => {
      const stranger = testAuthor();
      const lines = [
        stranger.next("post", { text: "before the message" }).line,
        dm(stranger, [local.key]).line,
      ];
      assert.equal(subscriptions.has(stranger.key), false);
      await firewall.put(segment(stranger.key, lines), "p1");
      assert.deepEqual(recruited, [stranger.key]);
      assert.equal((await store.head(stranger.key)).head?.seq, 2);
      await waitFor(() => subscriptions.has(stranger.key));
      assert.equal(subscriptions.isLocal(stranger.key), false);
      assert.deepEqual(added.at(-1), [stranger.key]);
      assert.deepEqual(await correspondentKeys(kv), [stranger.key]);

      // Later segments of a correspondent pass without recruiting again.
      await firewall.put(
        segment(stranger.key, [stranger.next("post", { text: "more" }).line]),
        "p1",
      );
      assert.equal((await store.head(stranger.key)).head?.seq, 3);
      assert.deepEqual(recruited, [stranger.key]);

      const again = new Subscriptions(kv, {
        followDepth: 1,
        onAdded: () => {},
      });
      await again.load();
      assert.equal(again.has(stranger.key), true, "kept in KV");
      assert.equal(again.isLocal(stranger.key), false);
      assert.equal(again.has(local.key), true);
    },
  );
});

Deno.test("a group dm naming a local author among others recruits its sender", async () => {
  await withCorrespondents(
    async ({ firewall, subscriptions, local, recruited }) => {
      const stranger = testAuthor();
      const others = [testAuthor().key, testAuthor().key];
      await firewall.put(
        segment(stranger.key, [dm(stranger, [...others, local.key]).line]),
        "p1",
      );
      assert.deepEqual(recruited, [stranger.key]);
      await waitFor(() => subscriptions.has(stranger.key));
      for (const other of others) {
        assert.equal(subscriptions.has(other), false, "recipients are not");
      }
    },
  );
});

Deno.test("dms to non-local authors, plain posts and forged dms recruit nobody", async () => {
  await withCorrespondents(
    async ({ firewall, subscriptions, store, kv, local, recruited, added }) => {
      const elsewhere = testAuthor();
      const toOther = testAuthor();
      await firewall.put(
        segment(toOther.key, [dm(toOther, [elsewhere.key]).line]),
        "p1",
      );
      const poster = testAuthor();
      await firewall.put(
        segment(poster.key, [
          poster.next("post", { text: `hi @local`, mentions: [local.key] })
            .line,
        ]),
        "p1",
      );
      // A valid-looking dm whose signature does not verify.
      const forger = testAuthor();
      const line = dm(forger, [local.key]).line;
      const forged = line.replace(
        /"sig":"(.)/,
        (_, first) => `"sig":"${first === "A" ? "B" : "A"}`,
      );
      assert.notEqual(forged, line);
      await firewall.put(segment(forger.key, [forged]), "p1");
      // A verified dm to a local author in a segment with a forged record:
      // the segment is refused as a whole, so nobody is recruited.
      const mixer = testAuthor();
      const good = dm(mixer, [local.key]).line;
      const bad = mixer.next("post", { text: "signed" }).line.replace(
        '"text":"signed"',
        '"text":"SIGNED"',
      );
      await firewall.put(segment(mixer.key, [good, bad]), "p1");
      // A forged dm ahead of the log (it would be held) recruits nobody either.
      const jumper = testAuthor();
      jumper.next("post", { text: "seq 1, never sent" });
      const ahead = dm(jumper, [local.key]).line.replace(
        /"sig":"(.)/,
        (_, first) => `"sig":"${first === "A" ? "B" : "A"}`,
      );
      await firewall.put(segment(jumper.key, [ahead]), "p1");

      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(recruited, []);
      for (
        const author of [toOther, poster, forger, mixer, jumper].map((a) =>
          a.key
        )
      ) {
        assert.equal(subscriptions.has(author), false);
        assert.equal((await store.head(author)).head, null);
      }
      assert.deepEqual(await correspondentKeys(kv), []);
      assert.deepEqual(added, [[local.key]]);
    },
  );
});

Deno.test("addCorrespondent of a local author, or twice of anyone, is a no-op", async () => {
  await withCorrespondents(async ({ subscriptions, kv, local, added }) => {
    await subscriptions.addCorrespondent(local.key);
    assert.deepEqual(await correspondentKeys(kv), []);
    assert.deepEqual(added, [[local.key]]);
    assert.equal(subscriptions.isLocal(local.key), true);

    const friend = testAuthor();
    await subscriptions.addCorrespondent(friend.key);
    await subscriptions.addCorrespondent(friend.key);
    assert.deepEqual(await correspondentKeys(kv), [friend.key]);
    assert.deepEqual(added, [[local.key], [friend.key]]);
    assert.equal(subscriptions.has(friend.key), true);
    assert.equal(subscriptions.isLocal(friend.key), false);
  });
});

Deno.test("recipients of a local author's dm are replicated, across a restart", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_correspondents_" });
  try {
    const [alice, bob, carol, dave] = [1, 2, 3, 4].map(() => testAuthor());
    const first = await startTestInstance([], { dataDir });
    try {
      await postLines(first.url, [
        dm(alice, [bob.key, carol.key]).line,
        alice.next("post", { text: "no recipients here" }).line,
      ]);
      const authors = () => first.info.replication.authors;
      await waitFor(() =>
        authors().includes(bob.key) && authors().includes(carol.key)
      );
      assert.equal(first.info.replication.isLocal(bob.key), false);
      assert.equal(authors().includes(dave.key), false);
    } finally {
      await first.close();
    }
    const second = await startTestInstance([], { dataDir });
    try {
      const authors = second.info.replication.authors;
      for (const author of [alice.key, bob.key, carol.key]) {
        assert.ok(authors.includes(author), "kept in KV");
      }
      assert.equal(second.info.replication.isLocal(alice.key), true);
      assert.equal(second.info.replication.isLocal(bob.key), false);
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

async function waitFor(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(check());
}
