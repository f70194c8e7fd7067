import assert from "node:assert/strict";
import { join } from "node:path";
import { generateKeyPair } from "../crypto/mod.ts";
import { captureIo } from "../../tests/helpers.ts";
import { fetchInstance, readJson } from "./instance_http.ts";
import { writeKeyFile } from "./key_file.ts";
import { runCli } from "./mod.ts";

/** A loopback origin nothing listens on: connecting is refused. */
function closedOrigin(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

/** Runs `run` beside a loopback server that answers every request with HTML. */
async function withHtmlServer(run: (origin: string) => Promise<void>) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("<!DOCTYPE html><p>Not here</p>", {
        status: 404,
        headers: { "content-type": "text/html" },
      }),
  );
  try {
    await run(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("fetchInstance names the instance it cannot reach", async () => {
  const origin = closedOrigin();
  await assert.rejects(fetchInstance(origin, "/api/peers"), (error: Error) => {
    assert.match(
      error.message,
      new RegExp(`^Cannot reach the instance at ${origin}: \\S`),
    );
    return true;
  });
  await assert.rejects(fetchInstance("not a url", "/api/peers"), {
    message: /^Cannot reach the instance at not a url: \S/,
  });
});

Deno.test("readJson refuses an answer that is not a JSON object", async () => {
  const server = "http://127.0.0.1:8000";
  for (const body of ["<!DOCTYPE html>", "null", "5", ""]) {
    await assert.rejects(
      readJson(new Response(body, { status: 404 }), server),
      {
        name: "Error",
        message:
          `Cannot read the answer of ${server} (404): it is not JSON; is this a Kith instance?`,
      },
    );
  }
  assert.deepEqual(
    await readJson(new Response('{"reason":"x"}'), server),
    { reason: "x" },
  );
});

Deno.test("post explains an unreachable instance and an address that is not one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_cli_http_" });
  try {
    const key = join(dir, "key.json");
    await writeKeyFile(key, generateKeyPair().secretKey);
    const closed = closedOrigin();
    // The reply lookup once said only "fetch failed".
    const reply = captureIo();
    const parent = "A".repeat(43);
    assert.equal(
      await runCli(
        ["post", "hi", "--key", key, "--server", closed, "--reply-to", parent],
        reply.io,
      ),
      1,
    );
    assert.match(
      reply.err[0],
      new RegExp(`^Cannot reach the instance at ${closed}: \\S`),
    );
    // A web page in place of the instance once surfaced JSON.parse's
    // "Unexpected token '<'".
    await withHtmlServer(async (origin) => {
      const page = captureIo();
      assert.equal(
        await runCli(["post", "hi", "--key", key, "--server", origin], page.io),
        1,
      );
      assert.deepEqual(page.err, [
        `Cannot read the answer of ${origin} (404): it is not JSON; is this a Kith instance?`,
      ]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
