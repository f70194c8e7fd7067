import assert from "node:assert/strict";
import fc from "fast-check";
import { chainVerdict, findChainBreak } from "./chain.ts";

const ids = ["id-1", "id-2", "id-3"];
const storedIdAt = (seq: number) => ids[seq - 1];
const head = { seq: 3, id: "id-3" };

Deno.test("chainVerdict places an entry against the head", () => {
  assert.deepEqual(
    chainVerdict(null, { seq: 1, prev: null, id: "a" }, () => undefined),
    { kind: "append" },
  );
  assert.deepEqual(
    chainVerdict(head, { seq: 4, prev: "id-3", id: "id-4" }, storedIdAt),
    { kind: "append" },
  );
  assert.deepEqual(
    chainVerdict(head, { seq: 2, prev: "id-1", id: "id-2" }, storedIdAt),
    { kind: "duplicate" },
  );
  assert.deepEqual(
    chainVerdict(head, { seq: 2, prev: "id-1", id: "other" }, storedIdAt),
    { kind: "conflict", seq: 2 },
  );
  assert.deepEqual(
    chainVerdict(head, { seq: 4, prev: "id-2", id: "x" }, storedIdAt),
    { kind: "prev_mismatch" },
  );
  assert.deepEqual(
    chainVerdict(head, { seq: 7, prev: "id-6", id: "id-7" }, storedIdAt),
    {
      kind: "gap",
      missingFrom: 4,
      missingTo: 6,
    },
  );
  assert.deepEqual(
    chainVerdict(null, { seq: 1, prev: "x", id: "a" }, () => undefined),
    { kind: "prev_mismatch" },
  );
});

Deno.test("findChainBreak names where a log breaks", () => {
  const log = [
    { seq: 1, prev: null, id: "a" },
    { seq: 2, prev: "a", id: "b" },
    { seq: 3, prev: "b", id: "c" },
  ];
  const idOf = (entry: { id: string }) => entry.id;
  assert.equal(findChainBreak(log, idOf), undefined);
  assert.deepEqual(findChainBreak([log[0], log[2]], idOf), {
    seq: 3,
    reason: "expected seq 2",
  });
  assert.deepEqual(findChainBreak([log[0], { ...log[1], prev: "z" }], idOf), {
    seq: 2,
    reason: "prev does not name the id of seq 1",
  });
  assert.deepEqual(findChainBreak([log[1]], idOf), {
    seq: 2,
    reason: "expected seq 1",
  });
});

Deno.test("property: applying a chain in any delivery order, holding gaps, ends at the same head", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }).chain((n) =>
        fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), {
          minLength: n,
          maxLength: n,
        })
      ),
      (order) => {
        const idOf = (seq: number) => `id-${seq}`;
        const entries = order.map((seq) => ({
          seq,
          prev: seq === 1 ? null : idOf(seq - 1),
          id: idOf(seq),
        }));
        const stored = new Map<number, string>();
        const held = new Map<number, typeof entries[number]>();
        let current: { seq: number; id: string } | null = null;
        const offer = (entry: typeof entries[number]) => {
          const verdict = chainVerdict(
            current,
            entry,
            (seq) => stored.get(seq),
          );
          if (verdict.kind === "gap") held.set(entry.seq, entry);
          else if (verdict.kind === "append") {
            stored.set(entry.seq, entry.id);
            current = { seq: entry.seq, id: entry.id };
            const next = held.get(entry.seq + 1);
            if (next) {
              held.delete(next.seq);
              offer(next);
            }
          } else throw new Error(`unexpected ${verdict.kind}`);
        };
        for (const entry of entries) offer(entry);
        assert.deepEqual(current, {
          seq: order.length,
          id: idOf(order.length),
        });
        assert.equal(held.size, 0);
      },
    ),
    { numRuns: 300 },
  );
});
