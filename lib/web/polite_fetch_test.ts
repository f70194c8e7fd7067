import assert from "node:assert/strict";
import { politeFetch } from "./polite_fetch.ts";

/** A server refusing the first `refusals` requests with 429. */
function refusingServer(refusals: number, retryAfter = "1") {
  let seen = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      ++seen <= refusals
        ? new Response("slow down", {
          status: 429,
          headers: { "Retry-After": retryAfter },
        })
        : new Response("ok"),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    seen: () => seen,
    close: () => server.shutdown(),
  };
}

Deno.test("a 429 is waited out and asked again", async () => {
  const server = refusingServer(2);
  try {
    const response = await politeFetch(server.url, {}, { maxWaitMs: 20 });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "ok");
    assert.equal(server.seen(), 3);
  } finally {
    await server.close();
  }
});

Deno.test("after its retries the last 429 is returned", async () => {
  const server = refusingServer(10, "junk");
  try {
    const response = await politeFetch(server.url, {}, {
      retries: 1,
      maxWaitMs: 10,
    });
    assert.equal(response.status, 429);
    await response.body?.cancel();
    assert.equal(server.seen(), 2);
  } finally {
    await server.close();
  }
});

Deno.test("an abort ends the wait", async () => {
  const server = refusingServer(10, "60");
  try {
    const controller = new AbortController();
    const pending = politeFetch(server.url, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stopped")), 50);
    await assert.rejects(pending, { message: "stopped" });
  } finally {
    await server.close();
  }
});
