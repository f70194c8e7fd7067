import assert from "node:assert/strict";
import { LIMITS } from "../lib/protocol/mod.ts";
import { startTestInstance, testAuthor } from "./helpers.ts";

async function withInstance(run: (url: string) => Promise<void>) {
  const instance = await startTestInstance();
  try {
    await run(instance.url);
  } finally {
    await instance.close();
  }
}

async function post(url: string, body: string, type = "application/json") {
  const response = await fetch(`${url}/api/records`, {
    method: "POST",
    body,
    headers: { "content-type": type },
  });
  return { status: response.status, body: await response.json() };
}

Deno.test("POST /api/records answers 201, 200, 202, 409, 422, 400 and 413 with {error, reason}", async () => {
  await withInstance(async (url) => {
    const alice = testAuthor();
    const first = alice.next("post", { text: "Hello" });
    const second = alice.next("post", { text: "Again" });
    const third = alice.next("post", { text: "Later" });
    assert.deepEqual(await post(url, first.line), {
      status: 201,
      body: { id: first.id, status: "created" },
    });
    assert.deepEqual(await post(url, first.line), {
      status: 200,
      body: { id: first.id, status: "duplicate" },
    });
    assert.deepEqual(await post(url, third.line), {
      status: 202,
      body: { id: third.id, status: "held", missingFrom: 2 },
    });
    assert.deepEqual(
      (await post(url, second.line)).status,
      201,
      "fills the gap; the held entry follows",
    );
    const head = await (await fetch(`${url}/api/authors/${alice.key}`)).json();
    assert.deepEqual(head, {
      author: alice.key,
      head: { seq: 3, id: third.id },
      count: 3,
      forked: false,
    });

    const stale = alice.next("post", { text: "other tab" }, {
      seq: 3,
      prev: second.id,
    });
    const staleAnswer = await post(url, stale.line);
    assert.equal(staleAnswer.status, 409);
    assert.equal(staleAnswer.body.reason, "stale_seq");
    assert.match(
      staleAnswer.body.error,
      /seq 3 is taken \(the log is at 3\); sign again on top of the head/,
    );

    const wrongPrev = alice.next("post", { text: "x" }, {
      seq: 4,
      prev: first.id,
    });
    assert.equal(
      (await post(url, wrongPrev.line)).body.reason,
      "prev_mismatch",
    );

    const forged = alice.next("post", { text: "signed" }).line.replace(
      '"text":"signed"',
      '"text":"SIGNED"',
    );
    const tampered = await post(url, forged);
    assert.deepEqual([tampered.status, tampered.body.reason], [
      422,
      "content_mismatch",
    ]);
    const bob = testAuthor();
    const badSig = bob.next("post", { text: "hi" }).line.replace(
      /"sig":"[^"]{4}/,
      '"sig":"AAAA',
    );
    assert.deepEqual([
      (await post(url, badSig)).status,
      (await post(url, badSig)).body.reason,
    ], [422, "invalid_signature"]);
    const malformed = await post(url, "{not json");
    assert.deepEqual([malformed.status, malformed.body.reason], [
      400,
      "malformed_json",
    ]);
    const spaced = await post(url, first.line.replace("{", "{ "));
    assert.deepEqual([spaced.status, spaced.body.reason], [
      400,
      "non_canonical",
    ]);
    const huge = await post(url, "x".repeat(LIMITS.recordBytes + 1));
    assert.deepEqual([huge.status, huge.body.reason], [
      413,
      "record_too_large",
    ]);
    // A body far beyond one record is cut off while it streams in.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 64 * 1024 * 1024) return controller.close();
        sent += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(120));
      },
    });
    const streamed = await fetch(`${url}/api/records`, {
      method: "POST",
      body: endless,
    });
    assert.deepEqual([streamed.status, (await streamed.json()).reason], [
      413,
      "body_too_large",
    ]);
    assert.ok(
      sent < 32 * 1024 * 1024,
      `stopped reading early (${sent} bytes sent)`,
    );
    const empty = await post(url, "");
    assert.deepEqual([empty.status, empty.body.reason], [400, "empty_body"]);
  });
});

Deno.test("an NDJSON batch reports each line", async () => {
  await withInstance(async (url) => {
    const alice = testAuthor();
    const lines = [1, 2, 3].map((i) =>
      alice.next("post", { text: `p${i}` }).line
    );
    const answer = await post(
      url,
      [lines[0], "garbage", lines[2], lines[1], ""].join("\n"),
      "application/x-ndjson",
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(
      {
        created: answer.body.created,
        held: answer.body.held,
        rejected: answer.body.rejected,
      },
      { created: 2, held: 1, rejected: 1 },
    );
    assert.deepEqual(
      answer.body.results.map((result: { httpStatus: number }) =>
        result.httpStatus
      ),
      [201, 400, 202, 201],
    );
    const summary = await (await fetch(`${url}/api/authors/${alice.key}`))
      .json();
    assert.equal(summary.count, 3);
    const more = [4, 5].map((i) => alice.next("post", { text: `p${i}` }).line);
    const crlf = await post(
      url,
      more.join("\r\n") + "\r\n",
      "Application/X-NDJSON",
    );
    assert.equal(
      crlf.body.created,
      2,
      "CRLF line ends and any content-type case are accepted",
    );
  });
});

Deno.test("GET endpoints serve records, logs (resumable) and forks, and refuse bad input", async () => {
  await withInstance(async (url) => {
    const alice = testAuthor();
    const records = Array.from(
      { length: 5 },
      (_, i) => alice.next("post", { text: `p${i}` }),
    );
    await post(
      url,
      records.map((record) => record.line).join("\n"),
      "application/x-ndjson",
    );
    const one = await fetch(`${url}/api/records/${records[2].id}`);
    assert.equal(one.status, 200);
    assert.equal(
      await one.text(),
      records[2].line,
      "the canonical record, byte for byte",
    );
    const page = await fetch(
      `${url}/api/authors/${alice.key}/log?after=1&limit=2`,
    );
    assert.equal(page.headers.get("content-type"), "application/x-ndjson");
    assert.equal(await page.text(), `${records[1].line}\n${records[2].line}\n`);
    const rest =
      await (await fetch(`${url}/api/authors/${alice.key}/log?after=3`)).text();
    assert.equal(rest, `${records[3].line}\n${records[4].line}\n`);
    assert.deepEqual(
      await (await fetch(`${url}/api/authors/${alice.key}/forks`)).json(),
      {
        author: alice.key,
        forked: false,
        proofs: [],
      },
    );
    const cases: [string, number, string][] = [
      [`/api/records/nope`, 400, "bad_id"],
      [`/api/records/${"A".repeat(43)}`, 404, "unknown_record"],
      [`/api/authors/abc`, 400, "bad_author"],
      [`/api/authors/${"A".repeat(43)}`, 404, "unknown_author"],
      [`/api/authors/${alice.key}/log?limit=0`, 400, "bad_query"],
      [`/api/authors/${alice.key}/log?after=-1`, 400, "bad_query"],
      [`/api/authors/${alice.key}/log?limit=10001`, 400, "bad_query"],
    ];
    for (const [path, status, reason] of cases) {
      const response = await fetch(url + path);
      assert.equal(response.status, status, path);
      assert.equal((await response.json()).reason, reason, path);
    }
  });
});

Deno.test("a retracted post's content is never served again, and its log still verifies", async () => {
  await withInstance(async (url) => {
    const alice = testAuthor();
    const postRecord = alice.next("post", { text: "regret" });
    const retract = alice.next("retract", { target: postRecord.id });
    await post(url, postRecord.line);
    await post(url, retract.line);
    const answer = await fetch(`${url}/api/records/${postRecord.id}`);
    assert.equal(answer.headers.get("kith-retracted"), "true");
    const body = await answer.text();
    assert.ok(!body.includes("regret"));
    assert.equal(JSON.parse(body).content, null);
    const log = await (await fetch(`${url}/api/authors/${alice.key}/log`))
      .text();
    assert.ok(!log.includes("regret"));
  });
});
