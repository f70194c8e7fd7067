import assert from "node:assert/strict";
import fc from "fast-check";
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../protocol/mod.ts";
import { StateTable } from "./state_table.ts";

/** A fresh base table holding exactly `content`, inserted in `order`. */
function fresh(content: Map<string, unknown>, reverse = false): StateTable {
  const table = new StateTable();
  const entries = [...content];
  if (reverse) entries.reverse();
  for (const [key, value] of entries) table.set(key, value);
  return table;
}

Deno.test("an empty table's root is SHA-256 of 1,024 empty-bucket digests", () => {
  const empty = sha256(new Uint8Array(0));
  const all = new Uint8Array(1024 * 32);
  for (let i = 0; i < 1024; i++) all.set(empty, i * 32);
  assert.equal(new StateTable().root(), encodeBase64Url(sha256(all)));
});

Deno.test("get, set, delete, keys and size on a base table", () => {
  const table = new StateTable();
  table.set("account:a", { balance: 1 });
  table.set("account:b", { balance: 2 });
  table.set("meta", 7);
  assert.deepEqual(table.get("account:a"), { balance: 1 });
  assert.equal(table.get("nothing"), undefined);
  assert.deepEqual([...table.keys("account:")].sort(), [
    "account:a",
    "account:b",
  ]);
  assert.equal(table.size, 3);
  table.delete("account:a");
  table.delete("never-set");
  assert.equal(table.get("account:a"), undefined);
  assert.deepEqual([...table.keys("account:")], ["account:b"]);
  assert.equal(table.size, 2);
});

Deno.test("the root commits to content, not to insertion order or history", () => {
  const content = new Map<string, unknown>(
    Array.from({ length: 50 }, (_, i) => [`k${i}`, { n: i, s: "v" }]),
  );
  const root = fresh(content).root();
  assert.equal(fresh(content, true).root(), root);
  const table = fresh(content);
  table.set("k3", { s: "v", n: 3 }); // same canonical JSON
  assert.equal(table.root(), root);
  table.set("k3", { n: 4, s: "v" });
  assert.notEqual(table.root(), root);
  table.set("k3", { n: 3, s: "v" });
  table.set("extra", 1);
  table.delete("extra");
  assert.equal(table.root(), root);
  assert.notEqual(
    fresh(new Map([["k", 1]])).root(),
    fresh(new Map([["k", "1"]])).root(),
  );
});

Deno.test("an overlay reads through, writes aside, and commits back", () => {
  const base = fresh(new Map([["a", 1], ["b", 2]]));
  const baseRoot = base.root();
  const overlay = base.fork();
  overlay.set("a", 10);
  overlay.delete("b");
  overlay.set("c", 3);
  assert.equal(overlay.get("a"), 10);
  assert.equal(overlay.get("b"), undefined);
  assert.deepEqual([...overlay.keys("")].sort(), ["a", "c"]);
  assert.equal(base.get("a"), 1);
  assert.equal(base.get("c"), undefined);
  const expected = fresh(new Map([["a", 10], ["c", 3]])).root();
  assert.equal(overlay.root(), expected);
  assert.equal(base.root(), baseRoot, "the base is untouched until commit");
  overlay.commit();
  assert.equal(base.get("a"), 10);
  assert.equal(base.get("b"), undefined);
  assert.equal(base.root(), expected);
  assert.throws(() => overlay.fork(), {
    name: "Error",
    message: "Cannot fork an overlay: fork its base",
  });
});

type Op =
  | { op: "set"; key: string; value: number }
  | { op: "delete"; key: string }
  | { op: "fork" }
  | { op: "commit" }
  | { op: "discard" }
  | { op: "root" }
  | { op: "baseRoot" };

// key:44, key:570, key:848 and key:1384 share FNV-1a bucket 866.
const KEYS = [
  ...Array.from({ length: 8 }, (_, i) => `key:${i}`),
  "key:44",
  "key:570",
  "key:848",
  "key:1384",
];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("set" as const),
      key: fc.constantFrom(...KEYS),
      value: fc.integer({ min: 0, max: 3 }),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("delete" as const),
      key: fc.constantFrom(...KEYS),
    }),
    weight: 3,
  },
  fc.constant({ op: "fork" as const }),
  fc.constant({ op: "commit" as const }),
  fc.constant({ op: "discard" as const }),
  { arbitrary: fc.constant({ op: "root" as const }), weight: 2 },
  fc.constant({ op: "baseRoot" as const }),
);

Deno.test("property: the root equals a fresh table's of the same content; overlays leave the base alone until commit", () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      const base = new StateTable();
      const baseModel = new Map<string, unknown>();
      let overlay: StateTable | undefined;
      let overlayModel: Map<string, unknown> | undefined;
      for (const step of ops) {
        const table = overlay ?? base;
        const model = overlayModel ?? baseModel;
        switch (step.op) {
          case "set":
            table.set(step.key, step.value);
            model.set(step.key, step.value);
            break;
          case "delete":
            table.delete(step.key);
            model.delete(step.key);
            break;
          case "fork":
            if (!overlay) {
              overlay = base.fork();
              overlayModel = new Map(baseModel);
            }
            break;
          case "commit":
            if (overlay) {
              overlay.commit();
              baseModel.clear();
              for (const [k, v] of overlayModel!) baseModel.set(k, v);
              overlay = overlayModel = undefined;
            }
            break;
          case "discard":
            overlay = overlayModel = undefined;
            break;
          case "root":
            assert.equal(table.root(), fresh(model).root());
            break;
          case "baseRoot":
            assert.equal(base.root(), fresh(baseModel).root());
            break;
        }
        for (const key of KEYS) {
          assert.equal(base.get(key), baseModel.get(key), "base unchanged");
          if (overlay) assert.equal(overlay.get(key), overlayModel!.get(key));
        }
      }
      assert.equal(base.root(), fresh(baseModel).root());
      assert.equal(base.size, baseModel.size);
      if (overlay) {
        assert.equal(overlay.root(), fresh(overlayModel!).root());
        assert.deepEqual(
          [...overlay.keys("key:")].sort(),
          [...overlayModel!.keys()].sort(),
        );
        overlay.commit();
        assert.equal(base.root(), fresh(overlayModel!).root());
      }
    }),
    { numRuns: 400 },
  );
});
