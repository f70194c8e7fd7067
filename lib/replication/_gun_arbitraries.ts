/**
 * Test helper: fast-check generators of GUN put messages for the firewall
 * fuzz suite. Each generated message comes with the segments in it that
 * are clean (valid soul, node, key, state and records), which are exactly
 * the ones a firewall may ingest.
 *
 * @module
 */
import fc from "fast-check";
import { canonicalize } from "../protocol/mod.ts";
import { testAuthor } from "../../tests/helpers.ts";
import { headSoul, logSoul, MAX_STATE_AHEAD_MS, segmentKey } from "./layout.ts";

/** One author's log, signed once: full lines and their content-less forms. */
export interface FuzzChain {
  name: string;
  key: string;
  full: string[];
  bare: string[];
}

/**
 * Signs `options.count` posts for each name, every one at `options.ts`.
 *
 * @example
 * ```ts
 * const [alice] = fuzzChains(["alice"], { count: 6, ts: NOW });
 * ```
 */
export function fuzzChains(
  names: string[],
  { count, ts }: { count: number; ts: number },
): FuzzChain[] {
  return names.map((name) => {
    const author = testAuthor({ ts: () => ts });
    const full = Array.from(
      { length: count },
      (_, i) => author.next("post", { text: `${name} ${i + 1}` }).line,
    );
    const bare = full.map((line) =>
      canonicalize({ content: null, entry: JSON.parse(line).entry })
    );
    return { name, key: author.key, full, bare };
  });
}

/** Seqs of one author that a clean log segment delivers. */
export interface Delivery {
  author: string;
  seqs: number[];
}

/** A generated message and what it cleanly delivers. */
export interface GeneratedPut {
  message: unknown;
  clean: Delivery[];
}

interface Part<T> {
  value: T;
  clean: boolean;
}

/** Sets `key` as an own property, even `__proto__`. */
function own<T extends object>(object: T, key: string, value: unknown) {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return object;
}

/** The line with one character of its signature changed. */
function forge(line: string): string {
  const at = line.indexOf('"sig":"') + 7 + 43;
  return line.slice(0, at) + (line[at] === "A" ? "B" : "A") +
    line.slice(at + 1);
}

const junkLineArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "{}", "null", '{"content":null,"entry":{}}', "\r"),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  fc.integer({ min: 62_001, max: 90_000 }).map((size) => "x".repeat(size)),
);

/** A junk value where a node, meta or state is expected. */
const junkArb = fc.oneof(
  fc.constantFrom(null, 0, -1, "", "x", true, [], [{}], {}),
  fc.jsonValue({ maxDepth: 2 }),
);

/**
 * Put messages of every shape a firewall meets, given the chains and the
 * receiver's clock, each with the segments it cleanly delivers.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(messageArb(chains, NOW), async ({ message, clean }) => {}));
 * ```
 */
export function messageArb(
  chains: FuzzChain[],
  now: number,
): fc.Arbitrary<GeneratedPut> {
  const lineArb = (
    chain: FuzzChain,
  ): fc.Arbitrary<Part<string> & { seq: number }> =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.nat(chain.full.length - 1).map((i) => ({
          value: chain.full[i],
          clean: true,
          seq: i + 1,
        })),
      },
      {
        weight: 2,
        arbitrary: fc.nat(chain.bare.length - 1).map((i) => ({
          value: chain.bare[i],
          clean: true,
          seq: i + 1,
        })),
      },
      fc.tuple(fc.nat(chain.full.length - 1), fc.boolean()).map((
        [i, content],
      ) => ({
        // A signature or a content changed after signing.
        value: content
          ? chain.full[i].replace('"text":"', '"text":"re')
          : forge(chain.full[i]),
        clean: false,
        seq: i + 1,
      })),
      fc.constantFrom(...chains.filter((other) => other !== chain)).chain((
        other,
      ) =>
        fc.nat(other.full.length - 1).map((i) => ({
          value: other.full[i],
          clean: false,
          seq: i + 1,
        }))
      ),
      junkLineArb.map((value) => ({ value, clean: false, seq: 0 })),
    );

  const segmentArb = (chain: FuzzChain, head: boolean) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.array(lineArb(chain), {
          minLength: 1,
          maxLength: head ? 1 : 4,
        }),
      },
      // A run of the log, as peers usually send it.
      {
        weight: 6,
        arbitrary: fc.record({
          from: fc.oneof(fc.constant(0), fc.nat(chain.full.length - 1)),
          count: fc.integer({ min: 1, max: head ? 1 : 4 }),
          bare: fc.boolean(),
        }).map(({ from, count, bare }) =>
          (bare ? chain.bare : chain.full).slice(from, from + count).map((
            value,
            i,
          ) => ({ value, clean: true, seq: from + i + 1 }))
        ),
      },
      // More records than a segment may hold.
      fc.constant(
        Array.from({ length: head ? 2 : 101 }, () => ({
          value: chain.full[0],
          clean: false,
          seq: 1,
        })),
      ),
    ).map((lines) => ({
      value: lines.map((line) => line.value).join("\n"),
      clean: lines.every((line) => line.clean),
      seqs: lines.map((line) => line.seq),
    }));

  const stateArb: fc.Arbitrary<Part<unknown>> = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.integer({ min: -1, max: now + MAX_STATE_AHEAD_MS })
        .map((value) => ({ value, clean: true })),
    },
    fc.oneof(
      fc.integer({ min: now + MAX_STATE_AHEAD_MS + 1, max: 2 ** 53 }),
      fc.constantFrom(Infinity, -Infinity, NaN, "1", null, [1], { "": 1 }),
    ).map((value) => ({ value, clean: false })),
  );

  const keyModeArb = fc.oneof(
    { weight: 10, arbitrary: fc.constant("hash") },
    fc.constantFrom("other", "__proto__", "constructor", "_", ""),
  );

  const soulArb = (chain: FuzzChain) =>
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constant({
          soul: logSoul(chain.key, 0),
          log: true,
          clean: true,
        }),
      },
      {
        weight: 2,
        arbitrary: fc.constant({
          soul: headSoul(chain.key),
          log: false,
          clean: true,
        }),
      },
      fc.constantFrom(
        logSoul(chain.key, 1),
        `kith/log/${chain.key}/00`,
        `kith/log/${chain.key}/-0`,
        `kith/log/${chain.key}/1e0`,
        `kith/log/${chain.key}/0/x`,
        `kith/log/${chain.key.slice(1)}/0`,
        `kith/head/${chain.key}/`,
        "kith/ledger/x",
        "kith/",
        "users/alice",
        "__proto__",
        "constructor",
        "",
      ).map((soul) => ({ soul, log: true, clean: false })),
    );

  const nodeArb = fc.constantFrom(...chains).chain((chain) =>
    soulArb(chain).chain((soul) =>
      fc.record({
        chain: fc.constant(chain),
        soul: fc.constant(soul),
        keys: fc.array(
          fc.record({
            segment: segmentArb(chain, !soul.log),
            key: keyModeArb,
            state: stateArb,
          }),
          { minLength: 1, maxLength: 3 },
        ),
        defect: fc.oneof(
          { weight: 12, arbitrary: fc.constant("none") },
          fc.constantFrom("meta soul", "meta states", "no meta", "node"),
        ),
        junk: junkArb,
      })
    )
  ).map(({ chain, soul, keys, defect, junk }) => {
    const states: Record<string, unknown> = {};
    const node: Record<string, unknown> = {
      _: { "#": soul.soul, ">": states },
    };
    const clean = new Map<string, Delivery>();
    for (const { segment, key: mode, state } of keys) {
      const key = mode === "hash"
        ? segmentKey(segment.value)
        : mode === "other"
        ? segmentKey(segment.value + "\n")
        : mode;
      own(states, key, state.value);
      own(node, key, segment.value);
      clean.delete(key);
      if (
        soul.clean && soul.log && segment.clean && mode === "hash" &&
        state.clean
      ) clean.set(key, { author: chain.key, seqs: segment.seqs });
    }
    // A key named "_" replaced the metadata: the node is broken as a whole.
    const meta = node._ as Record<string, unknown> | string;
    const intact = typeof meta === "object" && defect === "none";
    if (typeof meta === "object") {
      if (defect === "meta soul") meta["#"] = junk;
      if (defect === "meta states") meta[">"] = junk;
      if (defect === "no meta") delete node._;
    }
    return {
      soul: soul.soul,
      node: defect === "node" ? junk : node,
      clean: intact ? [...clean.values()] : [],
    };
  });

  return fc.record({
    nodes: fc.array(nodeArb, { minLength: 1, maxLength: 3 }),
    id: fc.string({ minLength: 1, maxLength: 8 }),
    reply: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      fc.string(),
    ),
    shape: fc.oneof(
      { weight: 12, arbitrary: fc.constant("put") },
      fc.constantFrom("put junk", "no put", "put array"),
    ),
    junk: junkArb,
  }).map(({ nodes, id, reply, shape, junk }) => {
    const put: Record<string, unknown> = {};
    const clean = new Map<string, Delivery[]>();
    for (const { soul, node, clean: delivered } of nodes) {
      own(put, soul, node);
      clean.set(soul, delivered);
    }
    const message: Record<string, unknown> = { "#": id };
    if (reply !== undefined) message["@"] = reply;
    if (shape === "put") message.put = put;
    if (shape === "put junk") message.put = junk;
    if (shape === "put array") message.put = Object.values(put);
    return {
      message,
      clean: shape === "put" ? [...clean.values()].flat() : [],
    };
  });
}
