/**
 * `kith backup` and `kith restore` on real data folders: an instance with
 * several authors (posts, replies, tags, mentions, follows, reactions, a
 * profile, a retraction, a fork proof) and a ledger with blocks and
 * verdicts is backed up, restored into an empty folder and served again;
 * logs, heads, pages and ledger state match. Damaged archives are refused
 * with their line number before anything is written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../lib/cli/mod.ts";
import { checkArchive } from "../lib/cli/restore.ts";
import { waitUntil } from "./cluster.ts";
import {
  captureIo,
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";
import { makeLedger, validatorArgs } from "./ledger_fixture.ts";

/** Builds a data folder with a bit of everything; returns what it holds. */
async function buildInstance(dir: string) {
  const ledger = await makeLedger(1, {
    params: { warnBps: 250, downrankBps: 100, appealBlocks: 1_000_000 },
  });
  const data = join(dir, "original");
  const instance = await startTestInstance(
    [...validatorArgs(ledger), "--name", "Garden"],
    { dataDir: data },
  );
  const { url } = instance;
  let clock = Date.now() - 600_000;
  const ts = () => clock += 1_000;
  const [ada, bo, cy] = [
    testAuthor({ ts }),
    testAuthor({ ts }),
    testAuthor({ ts }),
  ];
  const root = ada.next("post", {
    text: "hello #garden @bo",
    tags: ["garden"],
    mentions: [bo.key],
  });
  const reply = bo.next("post", {
    text: "hi ada",
    root: root.id,
    parent: root.id,
  });
  const gone = bo.next("post", { text: "oops" });
  await postLines(url, [root.line, reply.line, gone.line]);
  await postLines(url, [
    bo.next("retract", { target: gone.id }).line,
    cy.next("profile", { name: "Cy" }).line,
    cy.next("follow", { target: ada.key }).line,
    cy.next("react", {
      target: root.id,
      targetAuthor: ada.key,
      reaction: "like",
    }).line,
    ada.next("follow", { target: bo.key }).line,
    cy.next("repost", { target: root.id, targetAuthor: ada.key }).line,
    ada.next("post", { text: "second #garden", tags: ["garden"] }).line,
  ]);
  // A peer brings a second entry at cy's seq 1: a fork proof.
  const twin = cy.next("post", { text: "elsewhere" }, { seq: 1, prev: null });
  await instance.info.ingest.submit([twin.line], { source: "peer" });
  const tx = (body: Record<string, unknown>) =>
    ledger.staker.next("ledger", { ledger: ledger.id, tx: body }).line;
  await postLines(url, [
    tx({
      type: "flag",
      subject: { post: root.id, author: ada.key },
      category: "spam",
      bond: 40,
    }),
  ]);
  const verdictsPath =
    `/api/ledgers/${ledger.id}/verdicts?subject=post:${root.id}&subject=author:${cy.key}`;
  await waitUntil(
    "the flag is in a block and cy's fork is evidence",
    async () => {
      const { verdicts } = await (await fetch(url + verdictsPath)).json();
      return verdicts[`post:${root.id}`] !== null &&
        Boolean(verdicts[`author:${cy.key}`]?.forked);
    },
    30_000,
  );
  return {
    ledger,
    instance,
    data,
    authors: [ada.key, bo.key, cy.key],
    reader: cy.key,
    rootId: root.id,
    verdictsPath,
  };
}

/** What an instance serves about the data, for comparison. */
async function snapshot(
  url: string,
  built: Awaited<ReturnType<typeof buildInstance>>,
) {
  const text = async (path: string) => {
    const response = await fetch(url + path);
    assert.equal(response.status, 200, path);
    return await response.text();
  };
  const { ledger, authors, reader, rootId } = built;
  const overview = JSON.parse(await text(`/api/ledgers/${ledger.id}`));
  return {
    logs: await Promise.all(
      authors.map((a) => text(`/api/authors/${a}/log`)),
    ),
    summaries: await Promise.all(authors.map((a) => text(`/api/authors/${a}`))),
    forks: await Promise.all(
      authors.map((a) => text(`/api/authors/${a}/forks`)),
    ),
    // Without each response's own CSP nonce, and without "x min ago" (some
    // pages read the system clock, and a minute may turn between them).
    pages: (await Promise.all([
      fetchPage(`${url}/`, { reader }),
      fetchPage(`${url}/tags/garden`),
      fetchPage(`${url}/posts/${rootId}`),
      fetchPage(`${url}/authors/${authors[0]}`),
      fetchPage(`${url}/notifications`, { reader: authors[0] }),
    ])).map((html) =>
      html.replace(/nonce="[^"]*"/g, "").replace(
        /(<time [^>]*>)[^<]*<\/time>/g,
        "$1</time>",
      )
    ),
    blocks: await text(`/api/ledgers/${ledger.id}/blocks?from=1`),
    ledger: [overview.height, overview.stateRoot],
    verdicts: await text(built.verdictsPath),
  };
}

Deno.test({
  name:
    "backup, then restore into an empty folder, reproduces logs, pages and ledger state",
  // The ledger's timers and GUN's sockets outlive a test's own operations.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kith_backup_" });
    const built = await buildInstance(dir);
    const restored = join(dir, "restored");
    try {
      // While the instance runs: the KV file can be read by another process.
      const live = join(dir, "live.ndjson");
      const liveRun = captureIo();
      assert.equal(
        await runCli(
          ["backup", "--data", built.data, "--out", live],
          liveRun.io,
        ),
        0,
        liveRun.err.join("\n"),
      );
      assert.ok((await checkArchive(live)).counts.record >= 11);
      await built.instance.close();

      const archive = join(dir, "kith.ndjson");
      const backup = captureIo();
      assert.equal(
        await runCli(
          ["backup", "--data", built.data, "--out", archive],
          backup.io,
        ),
        0,
      );
      const { counts } = await checkArchive(archive);
      assert.equal(counts.record, 11);
      assert.equal(counts.fork, 1);
      assert.equal(counts.ledger, 1);
      assert.ok(counts.block >= 1);
      assert.equal(
        backup.out[0],
        `Backed up ${built.data} to ${archive}: 11 records, 1 fork proofs, 1 ledgers with ${counts.block} blocks, ${counts.replication} replication marks`,
      );
      // Never overwritten.
      const again = captureIo();
      assert.equal(
        await runCli(
          ["backup", "--data", built.data, "--out", archive],
          again.io,
        ),
        1,
      );
      assert.equal(
        again.err[0],
        `Cannot write the backup: ${archive} exists already; choose another --out`,
      );

      const restore = captureIo();
      assert.equal(
        await runCli(
          ["restore", "--data", restored, "--in", archive],
          restore.io,
        ),
        0,
        restore.err.join("\n"),
      );
      // Served side by side, at one frozen time, so "x min ago" agrees.
      const frozen = Date.now();
      const before = await startTestInstance(
        ["--genesis", built.ledger.genesisPath, "--name", "Garden"],
        { dataDir: built.data, now: () => frozen },
      );
      const after = await startTestInstance(["--name", "Garden"], {
        dataDir: restored,
        now: () => frozen,
      });
      try {
        const ready = async (url: string) =>
          (await (await fetch(`${url}/api/ledgers/${built.ledger.id}`))
            .json()).height === counts.block;
        await waitUntil(
          "both ledgers replayed",
          async () => await ready(before.url) && await ready(after.url),
          20_000,
        );
        const expected = await snapshot(before.url, built);
        const actual = await snapshot(after.url, built);
        await Deno.writeTextFile(
          "/tmp/kb/a.json",
          JSON.stringify(actual, null, 1),
        );
        await Deno.writeTextFile(
          "/tmp/kb/e.json",
          JSON.stringify(expected, null, 1),
        );
        assert.deepEqual(actual, expected);
        // The comparison is not vacuous.
        // bo: a reply, a post and its retraction (the post kept without content).
        assert.equal(expected.logs[1].trim().split("\n").length, 3);
        assert.match(expected.logs[1], /^\{"content":null,/m);
        assert.match(expected.pages[1], /second #garden|second/);
        assert.match(expected.verdicts, /"labels":\["forked"\]/);
      } finally {
        await before.close();
        await after.close();
      }
      // A folder that is not empty is refused.
      const twice = captureIo();
      assert.equal(
        await runCli(
          ["restore", "--data", restored, "--in", archive],
          twice.io,
        ),
        1,
      );
      assert.equal(
        twice.err[0],
        `Cannot restore into ${restored}: it is not empty; restore into a new, empty folder`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(built.ledger.dir, { recursive: true });
    }
  },
});

Deno.test("a damaged archive is refused with its line number and nothing is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_backup_" });
  const data = join(dir, "data");
  const instance = await startTestInstance([], { dataDir: data });
  try {
    const ada = testAuthor();
    await postLines(instance.url, [
      ada.next("post", { text: "hello" }).line,
      ada.next("post", { text: "again" }).line,
    ]);
  } finally {
    await instance.close();
  }
  try {
    const archive = join(dir, "a.ndjson");
    assert.equal(
      await runCli(
        ["backup", "--data", data, "--out", archive],
        captureIo().io,
      ),
      0,
    );
    const text = await Deno.readTextFile(archive);
    const lines = text.split("\n").slice(0, -1);
    // Header, two records, ada's mark as a local author, trailer.
    assert.equal(lines.length, 5);
    assert.deepEqual(JSON.parse(lines[3]), {
      kind: "replication",
      role: "local",
      author: JSON.parse(JSON.parse(lines[1]).line).entry.author,
    });
    const trailer = JSON.parse(lines[4]);
    const cases: [string, string, string][] = [
      [
        "a record's text changed",
        text.replace("hello", "HELLO"),
        "line 2: the record does not decode: Cannot accept content: its SHA-256 does not match the entry's contentHash",
      ],
      [
        "an acceptance time changed",
        text.replace(/"receivedAt":(\d+)/, (_, n) => `"receivedAt":${+n + 1}`),
        "line 5: the SHA-256 in the trailer does not match the lines before it (the archive was altered)",
      ],
      [
        "a record dropped",
        [lines[0], lines[1], lines[3], lines[4], ""].join("\n"),
        "line 4: the SHA-256 in the trailer does not match the lines before it (the archive was altered)",
      ],
      [
        "counts changed",
        [
          ...lines.slice(0, 4),
          JSON.stringify({
            ...trailer,
            counts: { ...trailer.counts, record: 3 },
          }),
          "",
        ].join("\n"),
        "line 5: the trailer counts 3 record items, the archive holds 2",
      ],
      [
        "the trailer cut off",
        lines.slice(0, 4).join("\n") + "\n",
        "line 4: the archive ends without its trailer (truncated)",
      ],
      [
        "cut in the middle of a line",
        text.slice(0, text.length - 20),
        "line 5: the archive ends in the middle of a line (truncated)",
      ],
      [
        "not a backup",
        '{"kith":"something"}\n',
        "line 1: not a Kith backup header",
      ],
      [
        "a newer version",
        text.replace('"version":1', '"version":2'),
        "line 1: backup version 2 is not supported (this Kith reads version 1)",
      ],
    ];
    for (const [what, damaged, why] of cases) {
      const path = join(dir, "damaged.ndjson");
      await Deno.writeTextFile(path, damaged);
      const target = join(dir, "restored");
      const { io, err } = captureIo();
      assert.equal(
        await runCli(["restore", "--data", target, "--in", path], io),
        1,
        what,
      );
      assert.deepEqual(err, [`Cannot restore ${path}: ${why}`], what);
      await assert.rejects(() => Deno.stat(target), Deno.errors.NotFound);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backup, restore and reindex refuse a folder without Kith data and missing options", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_backup_" });
  try {
    for (const args of [["backup", "--out", join(dir, "x")], ["reindex"]]) {
      const { io, err } = captureIo();
      assert.equal(await runCli([...args, "--data", dir], io), 1);
      assert.deepEqual(err, [
        `Cannot open the data folder ${dir}: it holds no Kith data (no kith.kv with keys); pass --data or set KITH_DATA`,
      ]);
    }
    await assert.rejects(() => Deno.stat(join(dir, "x")), Deno.errors.NotFound);
    const usage: [string[], string][] = [
      [["backup", "--data", dir], "backup needs --out <file>"],
      [["restore", "--data", dir], "restore needs --in <file>"],
    ];
    for (const [args, message] of usage) {
      const { io, err } = captureIo();
      assert.equal(await runCli(args, io), 2);
      assert.ok(err[0].startsWith(`${message}\n\nUsage: deno task kith`));
    }
    const { io, err } = captureIo();
    const missing = join(dir, "none.ndjson");
    assert.equal(
      await runCli(["restore", "--data", join(dir, "r"), "--in", missing], io),
      1,
    );
    assert.deepEqual(err, [`Cannot restore ${missing}: no such file`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI finds the data folder in the config file, as the instance does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_cli_config_" });
  try {
    const config = join(dir, "kith.json");
    await Deno.writeTextFile(
      config,
      JSON.stringify({ data: join(dir, "nowhere") }),
    );
    const found = captureIo({ KITH_CONFIG: config });
    assert.equal(await runCli(["reindex"], found.io), 1);
    assert.match(
      found.err.join("\n"),
      /Cannot open the data folder .*nowhere: it holds no Kith data/,
    );
    await Deno.writeTextFile(config, '{"data": 5, "colour": "red"}');
    const bad = captureIo({ KITH_CONFIG: config });
    assert.equal(await runCli(["reindex"], bad.io), 1);
    assert.match(bad.err.join("\n"), /kith\.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
