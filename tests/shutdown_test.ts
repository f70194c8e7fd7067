/**
 * Graceful shutdown of a real `main.ts` process: SIGTERM while NDJSON
 * batches are being ingested. Every batch answered 2xx must be stored in
 * full after a restart, and the process must exit 0 by itself.
 */
import assert from "node:assert/strict";
import { freePort, spawnDeno, waitFor200 } from "../bench/_process.ts";
import { NO_BUDGETS, testAuthor } from "./helpers.ts";
import { posts } from "./cluster.ts";
import { verifyEd25519 } from "../lib/crypto/mod.ts";
import { Ingest } from "../lib/ingest/mod.ts";
import { RecordStore } from "../lib/store/mod.ts";

const BATCHES = 12;
const PER_BATCH = 150;
/** Generous: a slow, busy CI machine; a hang is what this catches. */
const EXIT_BOUND_MS = 60_000;

function startMain(dataDir: string, port: number): Deno.ChildProcess {
  return spawnDeno([
    "main.ts",
    "--port",
    String(port),
    "--hostname",
    "127.0.0.1",
    "--data",
    dataDir,
    ...NO_BUDGETS,
  ]);
}

/** Head seq of `author` (0 when unknown). */
async function headOf(url: string, author: string): Promise<number> {
  const response = await fetch(`${url}/api/authors/${author}`);
  if (response.status === 404) {
    await response.body?.cancel();
    return 0;
  }
  return (await response.json()).head.seq;
}

Deno.test("SIGTERM lets in-flight batches commit, then exits 0", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_shutdown_" });
  try {
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    const authors = Array.from({ length: BATCHES }, () => testAuthor());
    const batches = authors.map((author) => posts(author, PER_BATCH));
    const child = startMain(dataDir, port);
    await waitFor200(`${url}/healthz`, 30_000);

    const answeredAt: number[] = [];
    let signalled: () => void = () => {};
    const firstAnswer = new Promise<void>((resolve) => signalled = resolve);
    const answers = batches.map(async (lines, i) => {
      // Spread the batches out a little, so that some are still being
      // sent, checked or committed when the signal comes.
      await new Promise((resolve) => setTimeout(resolve, i * 15));
      try {
        const response = await fetch(`${url}/api/records`, {
          method: "POST",
          headers: { "Content-Type": "application/x-ndjson" },
          body: lines.join("\n"),
        });
        const body = await response.text();
        answeredAt[i] = performance.now();
        signalled();
        return { status: response.status, body };
      } catch (error) {
        signalled();
        return { status: 0, body: String(error) };
      }
    });
    await firstAnswer;
    const started = performance.now();
    child.kill("SIGTERM");
    const timeout = new Promise<"timeout">((resolve) => {
      const timer = setTimeout(() => resolve("timeout"), EXIT_BOUND_MS);
      child.status.finally(() => clearTimeout(timer));
    });
    const status = await Promise.race([child.status, timeout]);
    if (status === "timeout") {
      child.kill("SIGKILL");
      await child.status;
    }
    assert.notEqual(status, "timeout", "main.ts did not exit after SIGTERM");
    assert.equal((status as Deno.CommandStatus).code, 0);
    const exitMs = performance.now() - started;
    const results = await Promise.all(answers);
    const accepted = results.flatMap((result, i) =>
      result.status >= 200 && result.status < 300 ? [i] : []
    );
    assert.ok(accepted.length >= 1, "no batch was answered 2xx");
    for (const i of accepted) {
      const body = JSON.parse(results[i].body);
      assert.equal(body.rejected, 0, results[i].body.slice(0, 300));
    }

    // After a restart, every batch answered 2xx is there in full.
    const again = freePort();
    const restarted = startMain(dataDir, again);
    try {
      const againUrl = `http://127.0.0.1:${again}`;
      await waitFor200(`${againUrl}/healthz`, 30_000);
      for (const i of accepted) {
        assert.equal(await headOf(againUrl, authors[i].key), PER_BATCH);
      }
    } finally {
      restarted.kill("SIGTERM");
      await restarted.status;
    }
    const late = answeredAt.filter((time) => time > started).length;
    console.log(
      `${accepted.length}/${BATCHES} batches answered 2xx (${late} after the signal); exit after ${
        Math.round(exitMs)
      } ms; others: ${
        results.filter((result) => result.status < 200 || result.status > 299)
          .map((result) => result.status).join(",")
      }`,
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("closing ingest waits for queued submissions and refuses new ones", async () => {
  const kv = await Deno.openKv(":memory:");
  const ingest = new Ingest(new RecordStore(kv), {
    verify: verifyEd25519,
    now: Date.now,
    // Batches this large go to a worker: closing must not cut them off.
    workers: 1,
  });
  try {
    const authors = [testAuthor(), testAuthor(), testAuthor()];
    const submitted = authors.map((author) =>
      ingest.submit(posts(author, 100), { source: "peer" })
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = await Promise.race([
      ingest.close().then(() => "closed"),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve("hung"), 30_000);
      }),
    ]);
    clearTimeout(timer);
    assert.equal(closed, "closed");
    for (const outcomes of await Promise.all(submitted)) {
      assert.deepEqual(
        new Set(outcomes.map((outcome) => outcome.status)),
        new Set(["created"]),
      );
    }
    for (const author of authors) {
      const head = (await kv.get<{ seq: number }>(["head", author.key])).value;
      assert.equal(head?.seq, 100);
    }
    await assert.rejects(
      ingest.submit(posts(testAuthor(), 1), { source: "client" }),
      {
        name: "Error",
        message: "Cannot ingest records: the pipeline is closed",
      },
    );
  } finally {
    kv.close();
  }
});
