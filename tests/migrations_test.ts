/**
 * Schema versions and migrations against real data: a committed dump of a
 * schema 1 data folder (tests/fixtures/schema_v1.ndjson, made by
 * tests/fixtures/generate_schema_v1.ts with the code of that time) is
 * loaded into a fresh on-disk KV, an instance starts on it, and the
 * migrated store must hold the right counters and still serve the old
 * data. Also: a newer schema refuses to start, a crash mid-migration is
 * resumed, a second run changes nothing, commits keep the counters right.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../lib/config/mod.ts";
import { KEYS } from "../lib/store/schema.ts";
import {
  migrate,
  MIGRATIONS,
  SCHEMA_VERSION,
  SchemaError,
} from "../lib/store/migrations.ts";
import { countUsage, readUsage, type Usage } from "../lib/store/usage.ts";
import {
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";
import {
  decodeValue,
  dumpKv,
  encodeValue,
  loadKv,
} from "./fixtures/kv_ndjson.ts";
import { FIXTURE_TEXTS } from "./fixtures/generate_schema_v1.ts";

const FIXTURE = await Deno.readTextFile(
  new URL("./fixtures/schema_v1.ndjson", import.meta.url),
);
const decoder = new TextDecoder();

/** Usage per type and the authors' names, read from the fixture itself. */
function fixtureFacts() {
  const usage: Usage = {};
  const names = new Map<string, string>();
  for (const line of FIXTURE.split("\n").filter(Boolean)) {
    const { key, value } = JSON.parse(line);
    const decoded = decodeValue(value);
    if (key[0] === "log") {
      const bytes = decoded as Uint8Array;
      const { entry } = JSON.parse(decoder.decode(bytes));
      const current = usage[entry.type] ??= { entries: 0, bytes: 0 };
      current.entries++;
      current.bytes += bytes.length;
    }
    if (key[0] === "profile") {
      names.set(
        key[1],
        (decoded as { profile: { name: string } }).profile.name,
      );
    }
  }
  return { usage, names };
}

/** A temporary data folder holding the fixture (KV closed again). */
async function fixtureDataDir(): Promise<string> {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_migrate_" });
  const kv = await Deno.openKv(join(dataDir, "kith.kv"));
  try {
    await loadKv(kv, FIXTURE);
  } finally {
    kv.close();
  }
  return dataDir;
}

async function withKv<T>(
  dataDir: string,
  work: (kv: Deno.Kv) => Promise<T>,
): Promise<T> {
  const kv = await Deno.openKv(join(dataDir, "kith.kv"));
  try {
    return await work(kv);
  } finally {
    kv.close();
  }
}

/** Every entry but its versionstamp, as NDJSON lines. */
const snapshot = (kv: Deno.Kv) => dumpKv(kv);

Deno.test("the fixture codec gives back what it was given", () => {
  const value = {
    bytes: new Uint8Array([0, 1, 254, 255]),
    big: 2n ** 70n,
    counter: new Deno.KvU64(7n),
    list: [1, "two", null, true, -0, Infinity],
    $odd: { nested: new Uint8Array([9]) },
    missing: undefined,
  };
  const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));
  assert.deepEqual(back, value);
  assert.throws(() => encodeValue(() => 1), {
    name: "TypeError",
    message: "Cannot encode KV value: [object Function] has no fixture form",
  });
});

Deno.test("a schema 1 data folder is migrated at start and still served", async () => {
  const dataDir = await fixtureDataDir();
  const { usage, names } = fixtureFacts();
  assert.equal(names.size, 3);
  try {
    await withKv(dataDir, async (kv) => {
      assert.equal((await kv.get(KEYS.schemaVersion())).value, null);
    });
    const instance = await startTestInstance([], { dataDir });
    try {
      const { kv } = instance.info;
      assert.equal((await kv.get(KEYS.schemaVersion())).value, 2);
      assert.equal(SCHEMA_VERSION, 2);
      assert.deepEqual(await readUsage(kv), usage);
      assert.equal((await kv.get(KEYS.migrationProgress(2))).value, null);
      // The old data, through pages and the API.
      const alice = [...names].find(([, name]) => name === "Alice Fixture")!;
      const page = await fetchPage(`${instance.url}/authors/${alice[0]}`);
      assert.match(page, new RegExp(FIXTURE_TEXTS.alicePost));
      const summary = await (await fetch(
        `${instance.url}/api/authors/${alice[0]}`,
      )).json();
      assert.equal(summary.head.seq, 3);
      const log = await (await fetch(
        `${instance.url}/api/authors/${alice[0]}/log`,
      )).text();
      assert.match(log, new RegExp(FIXTURE_TEXTS.alicePost));
      const timeline = await fetchPage(`${instance.url}/federated`);
      assert.match(timeline, new RegExp(FIXTURE_TEXTS.bobReply));
      assert.match(timeline, new RegExp(FIXTURE_TEXTS.carolPost));
      assert.doesNotMatch(timeline, new RegExp(FIXTURE_TEXTS.retracted));
      const found = await fetchPage(
        `${instance.url}/search?q=${encodeURIComponent("compost")}`,
      );
      assert.match(found, new RegExp(FIXTURE_TEXTS.carolPost));
      const bob = [...names].find(([, name]) => name === "Bob Fixture")!;
      const forks = await (await fetch(
        `${instance.url}/api/authors/${bob[0]}/forks`,
      )).json();
      assert.equal(JSON.stringify(forks).includes(bob[0]), true);

      // Commits from now on keep the counters equal to a recount.
      const dana = testAuthor();
      const post = dana.next("post", { text: "After the upgrade" });
      const extra = dana.next("post", { text: "Soon taken back ✂️" });
      await postLines(instance.url, [
        dana.next("profile", { name: "Dana" }).line,
        post.line,
        extra.line,
        dana.next("react", {
          target: post.id,
          targetAuthor: dana.key,
          reaction: "like",
        }).line,
        dana.next("retract", { target: extra.id }).line,
      ]);
      const counted = await readUsage(kv);
      assert.deepEqual(counted, await countUsage(kv));
      assert.equal(counted.post.entries, usage.post.entries + 2);
      assert.equal(counted.retract.entries, usage.retract.entries + 1);
    } finally {
      await instance.close();
    }
    // A second start, and the migration run again by hand, change nothing.
    await withKv(dataDir, async (kv) => {
      const before = await snapshot(kv);
      assert.deepEqual(await migrate(kv), {
        from: 2,
        to: 2,
        fresh: false,
        ran: [],
      });
      await MIGRATIONS[0].run(kv, {
        batchSize: 3,
        checkpoint: () => Promise.resolve(),
      });
      assert.deepEqual(await snapshot(kv), before);
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a crash mid-migration leaves data the next start migrates", async () => {
  const dataDir = await fixtureDataDir();
  const { usage } = fixtureFacts();
  try {
    let batches = 0;
    await withKv(dataDir, async (kv) => {
      await assert.rejects(
        migrate(kv, {
          batchSize: 4,
          checkpoint: () => {
            if (++batches === 2) throw new Error("simulated crash");
            return Promise.resolve();
          },
        }),
        { name: "Error", message: "simulated crash" },
      );
      // Not migrated, but the progress of two batches is kept.
      assert.equal((await kv.get(KEYS.schemaVersion())).value, null);
      assert.deepEqual(await readUsage(kv), {});
      const progress = await kv.get<{ totals: Usage }>(
        KEYS.migrationProgress(2),
      );
      const counted = Object.values(progress.value!.totals).reduce(
        (sum, item) => sum + item.entries,
        0,
      );
      assert.equal(counted, 8);
    });
    const instance = await startTestInstance([], { dataDir });
    try {
      const { kv } = instance.info;
      assert.equal((await kv.get(KEYS.schemaVersion())).value, 2);
      assert.deepEqual(await readUsage(kv), usage);
      assert.equal((await kv.get(KEYS.migrationProgress(2))).value, null);
    } finally {
      await instance.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("data from a newer schema refuses to start and is left alone", async () => {
  const dataDir = await fixtureDataDir();
  try {
    await withKv(dataDir, (kv) => kv.set(KEYS.schemaVersion(), 5));
    const before = await withKv(dataDir, snapshot);
    await assert.rejects(startTestInstance([], { dataDir }), {
      name: "ConfigError",
      message:
        "Cannot start: the data folder was written by a newer Kith (schema 5, this one knows up to 2); upgrade Kith or use a backup",
    });
    assert.deepEqual(await withKv(dataDir, snapshot), before);
    await withKv(dataDir, async (kv) => {
      await kv.set(KEYS.schemaVersion(), "two");
      await assert.rejects(migrate(kv), {
        name: "SchemaError",
        message:
          'Cannot start: the data folder\'s schema version is "two", not a positive integer; restore it from a backup',
      });
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
  assert.equal(new SchemaError("x") instanceof Error, true);
  assert.equal(new ConfigError("x") instanceof Error, true);
});

Deno.test("an empty data folder gets the current schema without migrating", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_migrate_" });
  try {
    const instance = await startTestInstance([], { dataDir });
    try {
      const { kv } = instance.info;
      assert.equal((await kv.get(KEYS.schemaVersion())).value, 2);
      assert.deepEqual(await readUsage(kv), {});
    } finally {
      await instance.close();
    }
    await withKv(dataDir, async (kv) => {
      const ran: string[] = [];
      const report = await migrate(kv, {
        onMigration: (migration) => ran.push(migration.describe),
      });
      assert.deepEqual(report, { from: 2, to: 2, fresh: false, ran: [] });
      assert.deepEqual(ran, []);
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a missing step between versions is a clear error", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(["log", "someone", 1], new Uint8Array([1]));
    await assert.rejects(
      migrate(kv, { migrations: MIGRATIONS, current: 3 }),
      {
        name: "SchemaError",
        message: "Cannot start: no migration from schema 2 to 3",
      },
    );
    // The step that exists ran and was recorded.
    assert.equal((await kv.get(KEYS.schemaVersion())).value, 2);
  } finally {
    kv.close();
  }
});
