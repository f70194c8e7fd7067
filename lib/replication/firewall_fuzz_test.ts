/**
 * Fuzz suite of the GUN boundary: the real firewall over a real Ingest on
 * in-memory KV, fed generated put messages (junk souls, nodes that are not
 * objects, missing or foreign metadata, bad and future states, keys that
 * are not the hash of their value, `__proto__` keys, forged, foreign,
 * garbage and huge lines, segments in the wrong block), then GET messages
 * answered from KV. A model tracks which segments are clean (every part
 * valid): the firewall must never throw, must store exactly the records of
 * clean log segments (the contiguous part of each log) and nothing else,
 * relay only clean values and serve only stored records.
 *
 * Generated cases per run: 800 (one property; each run sends 1 to 3 puts
 * and 1 to 3 GETs to a fresh store).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { NOW } from "../protocol/_arbitraries.ts";
import { RecordStore } from "../store/mod.ts";
import { Firewall, kithSoulOfGet } from "./firewall.ts";
import { serveSoul } from "./graph_server.ts";
import type { GunMessage } from "./gun_types.d.ts";
import {
  blockOf,
  headSoul,
  logSoul,
  MAX_STATE_AHEAD_MS,
  peekEntry,
  segmentKey,
} from "./layout.ts";
import { fuzzChains, messageArb } from "./_gun_arbitraries.ts";

const chains = fuzzChains(["alice", "bob"], { count: 6, ts: NOW });
const stranger = fuzzChains(["stranger"], { count: 2, ts: NOW })[0];
const wanted = new Set(chains.map((chain) => chain.key));
/** Every line a peer may legitimately deliver: full and content-less. */
const validLines = new Set(
  [...chains, stranger].flatMap((chain) => [...chain.full, ...chain.bare]),
);

const prefixOf = (seqs: Set<number> | undefined) => {
  let head = 0;
  while (seqs?.has(head + 1)) head++;
  return head;
};

/** A GET message: for a Kith soul, a foreign one, or junk. */
const getArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...chains, stranger).chain((chain) =>
    fc.constantFrom(
      logSoul(chain.key, 0),
      logSoul(chain.key, 1),
      headSoul(chain.key),
      `kith/log/${chain.key}/00`,
      `kith/log/${chain.key}/-1`,
      `kith/log/${chain.key}/999999999`,
      `kith/log/${chain.key}/1e3`,
      `kith/head/${chain.key}/0`,
    )
  ).map((soul) => ({ "#": "g", get: { "#": soul } })),
  fc.oneof(
    fc.constantFrom("kith/", "kith/log", "kith/head/", "__proto__", ""),
    fc.jsonValue({ maxDepth: 2 }),
  ).map((soul) => ({ get: { "#": soul } })),
  fc.jsonValue({ maxDepth: 2 }).map((get) => ({ get })),
);

Deno.test("fuzz: the firewall stores exactly the clean segments of generated GUN messages", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(messageArb([...chains, stranger], NOW), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.array(getArb, { minLength: 1, maxLength: 3 }),
      async (puts, gets) => {
        const kv = await Deno.openKv(":memory:");
        try {
          const store = new RecordStore(kv);
          const ingest = new Ingest(store, {
            verify: verifyEd25519,
            now: () => NOW,
          });
          const relayed: GunMessage[] = [];
          const firewall = new Firewall({
            ingest,
            verify: verifyEd25519,
            now: () => NOW,
            wants: (author) => wanted.has(author),
            onDrop: () => {},
            onRecords: () => {},
            onAhead: () => {},
            relay: (message) => relayed.push(message),
          });
          // Seqs that clean log segments delivered, per author.
          const delivered = new Map<string, Set<number>>();
          for (const { message, clean } of puts) {
            await firewall.put(message as GunMessage, "peer");
            for (const { author, seqs } of clean) {
              if (!wanted.has(author)) continue;
              const known = delivered.get(author) ?? new Set();
              seqs.forEach((seq) => known.add(seq));
              delivered.set(author, known);
            }
          }
          for (const chain of [...chains, stranger]) {
            const stored = await Array.fromAsync(store.lines(chain.key));
            for (const line of stored) assert.ok(validLines.has(line), line);
            assert.equal(
              stored.length,
              prefixOf(delivered.get(chain.key)),
              `log of ${chain.name}`,
            );
          }
          for (const message of relayed) assertRelayIsClean(message);
          for (const get of gets) await assertServed(store, get);
        } finally {
          kv.close();
        }
      },
    ),
    { numRuns: 800 },
  );
});

function assertRelayIsClean(message: GunMessage) {
  for (const [soul, node] of Object.entries(message.put ?? {})) {
    assert.match(soul, /^kith\/log\//);
    for (const [key, value] of Object.entries(node)) {
      if (key === "_") continue;
      assert.equal(segmentKey(value as string), key);
      const states = node._?.[">"] as Record<string, number>;
      assert.ok(states[key] <= NOW + MAX_STATE_AHEAD_MS);
      for (const line of (value as string).split("\n")) {
        assert.ok(validLines.has(line), `relayed ${line.slice(0, 200)}`);
      }
    }
  }
}

async function assertServed(store: RecordStore, message: unknown) {
  const soul = kithSoulOfGet(message as GunMessage);
  if (!soul) return;
  const stored = await Array.fromAsync(store.lines(soul.author));
  const served = await serveSoul(store, soul);
  const lines = served.flatMap(({ node }) =>
    Object.entries(node).flatMap(([key, value]) => {
      if (key === "_") return [];
      assert.equal(segmentKey(value as string), key);
      return (value as string).split("\n");
    })
  );
  for (const line of lines) assert.ok(stored.includes(line), line);
  if (soul.kind === "head") {
    assert.deepEqual(lines, stored.slice(-1));
  } else {
    const inBlock = stored.filter((line) =>
      blockOf(peekEntry(line)!.seq) === soul.block
    );
    assert.deepEqual(lines, inBlock);
  }
}
