/**
 * Fuzz suite of paths and query strings over HTTP: one in-process instance
 * (KV in memory, a single-validator ledger, a little data) answers
 * generated GET requests to every GET route the app built from routes/,
 * through its fetch handler. Route parameters are filled with valid keys
 * and ids, slightly broken ones, long and odd Unicode strings, negative and
 * huge numbers and raw or doubled %-encodings; query strings mix limit,
 * cursor (real cursors, altered), before, after, from, q and the rest;
 * some requests carry a reader cookie. No answer may be a 5xx, and every
 * refusal under /api/ must be JSON with an error and a machine-readable
 * reason.
 *
 * Generated cases per run: 3,000 (one property, one request per case).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { makeLedger } from "./ledger_fixture.ts";
import { NO_BUDGETS, startTestInstance, testAuthor } from "./helpers.ts";

const RUNS = 3_000;

Deno.test("fuzz: generated GET requests to every route get no 5xx, and API refusals say why in JSON", async () => {
  const ledger = await makeLedger(1);
  // Thousands of requests from one address: budgets are not under test.
  const instance = await startTestInstance([
    ...NO_BUDGETS,
    "--genesis",
    ledger.genesisPath,
    "--validator-key",
    ledger.validators[0].path,
  ]);
  try {
    const data = await seed(instance.url, instance.app.fetch, ledger);
    const routes = instance.app.routes.routes.filter(({ module }) => {
      const handler = module.handler;
      return typeof handler === "function"
        ? true
        : handler
        ? "GET" in handler
        : module.default !== undefined;
    });
    // Every route file of the tree is a route of the app, and most of them
    // answer GET.
    assert.equal(instance.app.routes.routes.length, await countRouteFiles());
    assert.ok(routes.length >= 40, `${routes.length} GET routes`);
    const hits = new Map(routes.map((route) => [route.pattern.display, 0]));
    const requestArb = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(paramArb(data), { minLength: 3, maxLength: 3 }),
      query: fc.array(queryArb(data), { maxLength: 4 }),
      cookie: fc.option(
        fc.oneof(
          fc.constant(data.author),
          junkArb,
          fc.constant(`1:${data.author}`),
        ),
        { nil: undefined, freq: 3 },
      ),
      accept: fc.constantFrom(
        undefined,
        "application/json",
        "text/html",
        "*/*",
      ),
    });
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        const { route, params } = request;
        let next = 0;
        const path = route.pattern.segments.map((segment) =>
          segment.kind === "static"
            ? segment.text
            : (params[next++] ?? "x")(segment.name) || "x"
        ).join("/");
        const query = new URLSearchParams(request.query).toString();
        const url = `${instance.url}/${path}${query ? `?${query}` : ""}`;
        const headers = new Headers();
        if (request.cookie !== undefined) {
          headers.set(
            "cookie",
            `kith_author=${encodeURIComponent(request.cookie)}`,
          );
        }
        if (request.accept) headers.set("accept", request.accept);
        const response = await instance.app.fetch(
          new Request(url, { headers }),
        );
        hits.set(route.pattern.display, hits.get(route.pattern.display)! + 1);
        const type = response.headers.get("content-type") ?? "";
        // Live streams stay open; their first answer is what counts.
        const body = type.startsWith("text/event-stream")
          ? (await response.body?.cancel(), "")
          : await response.text();
        assert.ok(
          response.status < 500,
          `${response.status} for ${url}: ${body.slice(0, 300)}`,
        );
        if (path.startsWith("api/") && response.status >= 400) {
          assert.match(type, /^application\/json/, url);
          const refusal = JSON.parse(body);
          assert.equal(typeof refusal.error, "string", url);
          assert.match(refusal.reason, /^[a-z][a-z0-9_]*$/, url);
        }
      }),
      { numRuns: RUNS },
    );
    for (const [route, count] of hits) {
      assert.ok(count > 0, `${route} unvisited`);
    }
  } finally {
    await instance.close();
    await Deno.remove(ledger.dir, { recursive: true });
  }
});

/** Route files under routes/: every .ts and .tsx but the `_` specials. */
async function countRouteFiles(dir = new URL("../routes/", import.meta.url)) {
  let count = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      count += await countRouteFiles(new URL(`${entry.name}/`, dir));
    } else if (/^[^_].*\.tsx?$/.test(entry.name)) count++;
  }
  return count;
}

/** Identifiers and cursors of the seeded data, by the names routes use. */
interface Seeded {
  author: string;
  values: Record<string, string[]>;
  cursors: string[];
}

/** Posts, a reply, a follow and a ledger transfer; returns what they are called. */
async function seed(
  url: string,
  fetch: (request: Request) => Promise<Response> | Response,
  ledger: Awaited<ReturnType<typeof makeLedger>>,
): Promise<Seeded> {
  const alice = testAuthor();
  const posts = Array.from(
    { length: 45 },
    (_, i) => alice.next("post", { text: `post ${i} #fuzz`, tags: ["fuzz"] }),
  );
  const reply = alice.next("post", {
    text: "a reply",
    root: posts[0].id,
    parent: posts[0].id,
  });
  const follow = alice.next("follow", { target: ledger.staker.key });
  const transfer = ledger.staker.next("ledger", {
    ledger: ledger.id,
    tx: { type: "transfer", to: alice.key, amount: 5 },
  });
  const lines = [...posts, reply, follow, transfer].map((record) =>
    record.line
  );
  const response = await fetch(
    new Request(`${url}/api/records`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: lines.join("\n"),
    }),
  );
  assert.equal((await response.json()).created, lines.length);
  const cursors = new Set<string>();
  for (
    const page of [
      "/federated",
      "/local",
      "/tags/fuzz",
      `/authors/${alice.key}`,
    ]
  ) {
    const html = await (await fetch(new Request(`${url}${page}`))).text();
    for (const [, cursor] of html.matchAll(/cursor=([^"&]+)/g)) {
      cursors.add(decodeURIComponent(cursor));
    }
  }
  assert.ok(cursors.size > 0, "no page had a next page");
  const keys = [alice.key, ledger.staker.key, ledger.validators[0].key];
  const ids = [posts[0].id, reply.id, transfer.id];
  return {
    author: alice.key,
    cursors: [...cursors],
    values: {
      author: keys,
      key: keys,
      ledger: [ledger.id],
      id: ids,
      height: ["1", "2"],
      conversation: [posts[0].id],
      tag: ["fuzz"],
      subject: [`post:${posts[0].id}`, `author:${alice.key}`],
      participant: keys,
      h: ["alice", "alice@127.0.0.1"],
      stream: ["federated", "local", "home", `author:${alice.key}`, "tag:fuzz"],
      q: ["post", "#fuzz", `@${alice.key}`],
      limit: ["1", "20", "100"],
      before: ["2", "3"],
      after: ["0", "10"],
      from: ["1"],
      open: ["1"],
      notice: ["saved"],
    },
  };
}

/** Text that no route expects. */
const junkArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e400",
    "NaN",
    "Infinity",
    "0x10",
    " 1",
    "9007199254740993",
    "99999999999999999999",
    "__proto__",
    "constructor",
    "a".repeat(3_000),
    "\u{1f600}".repeat(300),
  ),
  fc.bigInt().map(String),
);

/** A small defect to give a valid value. */
const breakArb: fc.Arbitrary<(value: string) => string> = fc.constantFrom(
  (value: string) => value.slice(1),
  (value: string) => value + "A",
  (value: string) => value.toUpperCase(),
  (value: string) => `-${value.slice(1)}`,
  (value: string) => value.replace(/.$/, "="),
  (value: string) => `${value}/extra`,
  (value: string) => value.replace(/:/, "%3A"),
);

const RAW_PARAMS = [
  "%",
  "%zz",
  "%E0%A4%A",
  "%C0%80",
  "%FF",
  "%00",
  "%2F",
  "%252F",
  "..",
  ".",
  ";",
  "%ED%A0%80",
];

/** How one route parameter is filled, given its name. */
function paramArb(data: Seeded): fc.Arbitrary<(name: string) => string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.nat().map((n) => (name: string) =>
        encodeURIComponent(valueOf(data, name, n))
      ),
    },
    fc.tuple(fc.nat(), breakArb).map(([n, broken]) => (name: string) =>
      encodeURIComponent(broken(valueOf(data, name, n)))
    ),
    junkArb.map((value) => () => encodeURIComponent(value)),
    fc.constantFrom(...RAW_PARAMS).map((value) => () => value),
  );
}

function valueOf(data: Seeded, name: string, n: number): string {
  const values = data.values[name] ?? ["x"];
  return values[n % values.length];
}

/** One query parameter. */
function queryArb(data: Seeded): fc.Arbitrary<[string, string]> {
  const names = Object.keys(data.values).concat("cursor");
  return fc.constantFrom(...names).chain((name) => {
    const valid = name === "cursor" ? data.cursors : data.values[name];
    return fc.tuple(
      fc.constant(name),
      fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(...valid) },
        fc.tuple(fc.constantFrom(...valid), breakArb).map(([value, broken]) =>
          broken(value)
        ),
        junkArb,
        fc.uint8Array({ maxLength: 60 }).map((bytes) =>
          btoa(String.fromCharCode(...bytes))
        ),
      ),
    );
  });
}
