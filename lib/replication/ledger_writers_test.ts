/** Honoured ledgers: their writers join the replicated set once verified. */
import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { Firewall } from "./firewall.ts";
import { logSoul, segmentKey } from "./layout.ts";
import { Subscriptions } from "./subscriptions.ts";

const LEDGER = encodeBase64Url(new Uint8Array(32).fill(7));
const OTHER = encodeBase64Url(new Uint8Array(32).fill(9));

async function withLedgers(
  run: (harness: {
    firewall: Firewall;
    subscriptions: Subscriptions;
    store: RecordStore;
    kv: Deno.Kv;
    writers: string[];
    added: string[][];
  }) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new RecordStore(kv);
    const ingest = new Ingest(store, { verify: verifyEd25519, now: Date.now });
    const added: string[][] = [];
    const writers: string[] = [];
    const subscriptions = new Subscriptions(kv, {
      followDepth: 1,
      ledgers: [LEDGER],
      onAdded: (authors) => added.push(authors),
    });
    await subscriptions.load();
    const firewall = new Firewall({
      ingest,
      verify: verifyEd25519,
      now: Date.now,
      wants: (author) => subscriptions.has(author),
      ledgers: () => subscriptions.ledgers,
      onLedgerWriter: (author) => {
        writers.push(author);
        subscriptions.addLedgerWriter(author);
      },
      onDrop: () => {},
      onRecords: () => {},
      onAhead: () => {},
      relay: () => {},
    });
    await run({ firewall, subscriptions, store, kv, writers, added });
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

Deno.test("a verified entry to an honoured ledger makes its writer replicated, persistently", async () => {
  await withLedgers(async ({ firewall, subscriptions, store, kv, writers }) => {
    const writer = testAuthor();
    const lines = [
      writer.next("ledger", { ledger: LEDGER, tx: { kind: "flag" } }).line,
      writer.next("post", { text: "and a post" }).line,
    ];
    assert.equal(subscriptions.has(writer.key), false);
    await firewall.put(segment(writer.key, lines), "p1");
    assert.deepEqual(writers, [writer.key]);
    assert.equal((await store.head(writer.key)).head?.seq, 2);
    await waitFor(() => subscriptions.has(writer.key));
    const again = new Subscriptions(kv, {
      followDepth: 1,
      ledgers: [LEDGER],
      onAdded: () => {},
    });
    await again.load();
    assert.equal(again.has(writer.key), true, "kept in KV");
  });
});

Deno.test("entries to other ledgers, plain posts and forged ledger entries recruit nobody", async () => {
  await withLedgers(async ({ firewall, subscriptions, store, writers }) => {
    const other = testAuthor();
    await firewall.put(
      segment(other.key, [
        other.next("ledger", { ledger: OTHER, tx: { kind: "flag" } }).line,
      ]),
      "p1",
    );
    const poster = testAuthor();
    await firewall.put(
      segment(poster.key, [poster.next("post", { text: "hi" }).line]),
      "p1",
    );
    const forger = testAuthor();
    const line = forger.next("ledger", { ledger: LEDGER, tx: { a: 1 } }).line;
    const forged = line.replace('"tx":{"a":1}', '"tx":{"a":2}');
    await firewall.put(segment(forger.key, [forged]), "p1");
    assert.deepEqual(writers, []);
    for (const author of [other.key, poster.key, forger.key]) {
      assert.equal(subscriptions.has(author), false);
      assert.equal((await store.head(author)).head, null);
    }
  });
});

async function waitFor(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(check());
}
