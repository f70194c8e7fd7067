/**
 * Fuzz suite of raw GUN frames: text as a peer's socket delivers it, heard
 * by a real GUN mesh (lib/replication/gun.ts) whose hook hands every
 * message to the real firewall over a real Ingest on in-memory KV. Frames
 * are generated put messages, batches of them, and the same text cut
 * short, with bytes flipped, or replaced by garbage and JSON of any shape.
 * Hearing must never throw, the firewall must never fail, nothing but
 * valid records may be stored, and whole frames must store exactly their
 * clean segments.
 *
 * Generated cases per run: 700 (one property, one frame per case).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { NOW } from "../protocol/_arbitraries.ts";
import { RecordStore } from "../store/mod.ts";
import { type Delivery, fuzzChains, messageArb } from "./_gun_arbitraries.ts";
import { Firewall } from "./firewall.ts";
import { createGunNode, type GunPeer } from "./gun.ts";

const chains = fuzzChains(["alice", "bob"], { count: 6, ts: NOW });
const validLines = new Set(chains.flatMap((chain) => [
  ...chain.full,
  ...chain.bare,
]));

/** A frame and, when it arrives whole, what it cleanly delivers. */
interface Frame {
  raw: string;
  clean: Delivery[] | null;
}

/** Replaced by a fresh id per message: GUN drops ids it has seen. */
const ID = "@@id@@";

const putsArb = fc.array(
  messageArb(chains, NOW).map(({ message, clean }) => ({
    message: { ...(message as object), "#": ID },
    clean,
  })),
  { minLength: 1, maxLength: 3 },
);

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 4,
    arbitrary: putsArb.map(([{ message, clean }]) => ({
      raw: JSON.stringify(message),
      clean,
    })),
  },
  {
    weight: 2,
    arbitrary: putsArb.map((puts) => ({
      raw: JSON.stringify(puts.map((put) => put.message)),
      clean: puts.flatMap((put) => put.clean),
    })),
  },
  fc.tuple(putsArb, fc.nat()).map(([[{ message }], cut]) => {
    const raw = JSON.stringify(message);
    return { raw: raw.slice(0, cut % raw.length), clean: null };
  }),
  fc.tuple(putsArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 })).map((
    [[{ message }], flips],
  ) => {
    const bytes = new TextEncoder().encode(JSON.stringify(message));
    for (const at of flips) bytes[at % bytes.length] ^= 1 << (at % 8);
    return { raw: new TextDecoder().decode(bytes), clean: null };
  }),
  fc.oneof(
    fc.string(),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.constantFrom(
      "[",
      "{",
      "[]",
      "[null]",
      "[1,{}]",
      '{"#":{}}',
      '{"#":[],"put":{}}',
      '{"dam":"mob","peers":"http://127.0.0.1:9"}',
      '{"dam":"?"}',
      '{"dam":"__proto__"}',
      '{"__proto__":{"put":{}}}',
      '{"put":{"__proto__":{"_":{"#":"__proto__",">":{}}}}}',
      '{"get":{"#":{"toString":1}}}',
      '{"#":"x","##":1,"@":"y","put":null}',
      '{"><":"a,b,c","put":{}}',
    ),
  ).map((raw) => ({ raw, clean: null })),
);

Deno.test("fuzz: raw GUN frames reach the firewall without a throw and store only clean segments", async () => {
  let firewall: Firewall | undefined;
  const pending: Promise<void>[] = [];
  const node = createGunNode({
    maxMessage: 8_000_000,
    intercept: (message, peer) => {
      if (peer && firewall) pending.push(firewall.put(message, "frames"));
      return "taken";
    },
  });
  const answers: string[] = [];
  const peer: GunPeer = {
    id: "frames",
    // GUN answers some frames (a parse error, for one) on the peer's wire.
    wire: { send: (raw: string) => answers.push(raw) } as unknown as WebSocket,
  };
  let frames = 0;
  try {
    await fc.assert(
      fc.asyncProperty(frameArb, async ({ raw, clean }) => {
        const kv = await Deno.openKv(":memory:");
        try {
          const store = new RecordStore(kv);
          const ingest = new Ingest(store, {
            verify: verifyEd25519,
            now: () => NOW,
          });
          firewall = new Firewall({
            ingest,
            verify: verifyEd25519,
            now: () => NOW,
            wants: () => true,
            onDrop: () => {},
            onRecords: () => {},
            onAhead: () => {},
            relay: () => {},
          });
          node.mesh.hear(raw.replaceAll(ID, () => `m${frames++}`), peer);
          await Promise.all(pending.splice(0));
          const delivered = new Map<string, Set<number>>();
          for (const { author, seqs } of clean ?? []) {
            const known = delivered.get(author) ?? new Set();
            seqs.forEach((seq) => known.add(seq));
            delivered.set(author, known);
          }
          for (const chain of chains) {
            const stored = await Array.fromAsync(store.lines(chain.key));
            for (const line of stored) assert.ok(validLines.has(line), line);
            if (clean === null) continue;
            let head = 0;
            while (delivered.get(chain.key)?.has(head + 1)) head++;
            assert.equal(stored.length, head, `log of ${chain.name}`);
          }
        } finally {
          firewall = undefined;
          kv.close();
        }
      }),
      { numRuns: 700 },
    );
  } finally {
    node.close();
  }
});
