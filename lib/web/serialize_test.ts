import assert from "node:assert/strict";
import fc from "fast-check";
import { computed, Signal, signal } from "@preact/signals";
import { h } from "preact";
import { deserialize, serialize, SerializeError } from "./serialize.ts";

Deno.test("serialize round-trips every supported kind of value", () => {
  const value = {
    text: "</script><script>alert(1)</script>\u2028",
    numbers: [0, -0, 1.5, NaN, Infinity, -Infinity],
    nothing: [undefined, null],
    big: 12345678901234567890n,
    when: new Date(Date.UTC(2026, 10, 24)),
    where: new URL("https://example.org/a?b=c"),
    bytes: new Uint8Array([0, 1, 255]),
    map: new Map<unknown, unknown>([["a", 1], [2, { b: true }]]),
    set: new Set(["x", "y"]),
    ["__proto__"]: "just a key",
  };
  const back = deserialize(serialize(value)) as typeof value;
  assert.equal(back.text, value.text);
  assert.ok(Object.is(back.numbers[1], -0));
  assert.ok(Number.isNaN(back.numbers[3]));
  assert.deepEqual(back.numbers.slice(4), [Infinity, -Infinity]);
  assert.deepEqual(back.nothing, [undefined, null]);
  assert.equal(back.big, value.big);
  assert.equal(back.when.getTime(), value.when.getTime());
  assert.equal(back.where.href, value.where.href);
  assert.deepEqual([...back.bytes], [0, 1, 255]);
  assert.deepEqual([...back.map], [["a", 1], [2, { b: true }]]);
  assert.deepEqual([...back.set], ["x", "y"]);
  assert.equal(
    Object.getPrototypeOf(back),
    Object.prototype,
    "__proto__ stays a plain key",
  );
  assert.equal(
    Object.getOwnPropertyDescriptor(back, "__proto__")?.value,
    "just a key",
  );
});

Deno.test("serialize output is safe inside an HTML script element", () => {
  const text = serialize({ html: "</script><!-- \u2028 \u2029" });
  assert.ok(!text.includes("<"), text);
  assert.ok(!text.includes("\u2028") && !text.includes("\u2029"));
});

Deno.test("signals come back as signals and stay shared", () => {
  const shared = signal(10);
  const derived = computed(() => shared.value * 2);
  const back = deserialize(
    serialize([{ count: shared }, { count: shared, double: derived }]),
  ) as {
    count: Signal<number>;
    double?: Signal<number>;
  }[];
  assert.ok(back[0].count instanceof Signal);
  assert.equal(back[0].count, back[1].count, "one signal for both islands");
  assert.equal(back[0].count.value, 10);
  assert.equal(
    back[1].double?.value,
    20,
    "computed arrives as a signal holding its value",
  );
  back[0].count.value = 11;
  assert.equal(back[1].count.value, 11);
});

Deno.test("shared references and cycles survive", () => {
  const shared = { n: 1 };
  const cyclic: Record<string, unknown> = { shared, again: shared };
  cyclic.self = cyclic;
  const back = deserialize(serialize(cyclic)) as Record<string, unknown>;
  assert.equal(back.shared, back.again);
  assert.equal(back.self, back);
});

Deno.test("top-level values without a slot of their own round-trip", () => {
  for (const value of [undefined, NaN, -0, Infinity, "s", 0, null, true]) {
    assert.ok(Object.is(deserialize(serialize(value)), value), String(value));
  }
});

Deno.test("serialize names the path of a value it cannot carry", () => {
  const cases: [unknown, string][] = [
    [
      { onClick: () => {} },
      "Cannot serialize props.onClick: it is a function; island props must be data",
    ],
    [
      { a: [1, Symbol("s")] },
      "Cannot serialize props.a[1]: it is a symbol; island props must be data",
    ],
    [
      { child: h("b", null, "x") },
      "Cannot serialize props.child: it is a JSX element; render it inside the island instead",
    ],
    [
      { when: new (class Thing {})() },
      "Cannot serialize props.when: it is a Thing instance; pass plain objects, arrays, Date, URL, Map, Set, Uint8Array or signals",
    ],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => serialize(value, { label: "props" }),
      (error: unknown) => {
        assert.ok(error instanceof SerializeError);
        assert.equal(error.message, message);
        return true;
      },
    );
  }
});

Deno.test("deserialize rejects malformed payloads with SerializeError", () => {
  const cases: [string, RegExp][] = [
    ["{", /^Cannot deserialize: not JSON/],
    ["[]", /^Cannot deserialize: expected a non-empty array of slots$/],
    ["[[5]]", /^Cannot deserialize: slot reference 5 is out of range$/],
    ['[["Nope"]]', /^Cannot deserialize: unknown tag "Nope"$/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => deserialize(text),
      (error: unknown) =>
        error instanceof SerializeError && message.test(error.message),
    );
  }
});

Deno.test("property: any JSON-like value round-trips", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.deepEqual(deserialize(serialize(value)), value);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: richer values round-trip", () => {
  const leaf = fc.oneof(
    fc.constant(undefined),
    fc.double(),
    fc.bigInt(),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 8 }),
    fc.string(),
  );
  const tree = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      leaf,
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(fc.string(), tie("node"), {
        maxKeys: 4,
        noNullPrototype: true,
      }),
    ),
  })).node;
  fc.assert(
    fc.property(tree, (value) => {
      assert.deepEqual(deserialize(serialize(value)), value);
    }),
    { numRuns: 300 },
  );
});
