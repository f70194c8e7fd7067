import assert from "node:assert/strict";
import { Hono } from "hono";
import { limitBody } from "./body_limit.ts";
import { HttpError } from "./http_error.ts";

/** An app echoing the body's length, or the error its read rejected with. */
function echoApp(limit: number) {
  const hono = new Hono();
  hono.post("/", limitBody(() => limit), async (c) => {
    try {
      return c.text(String((await c.req.raw.text()).length));
    } catch (error) {
      const http = error as HttpError;
      return c.json({ status: http.status, reason: http.reason });
    }
  });
  hono.onError((error) => {
    const http = error as HttpError;
    return Response.json({ status: http.status, reason: http.reason });
  });
  return hono;
}

function stream(parts: (string | Error)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const part = parts.shift();
      if (part === undefined) return controller.close();
      if (part instanceof Error) return controller.error(part);
      controller.enqueue(new TextEncoder().encode(part));
    },
  });
}

Deno.test("bodies within the limit pass whole, declared or streamed", async () => {
  const app = echoApp(10);
  const declared = await app.request("/", {
    method: "POST",
    body: "0123456789",
  });
  assert.equal(await declared.text(), "10");
  const streamed = await app.request("/", {
    method: "POST",
    body: stream(["01234", "56789"]),
  });
  assert.equal(await streamed.text(), "10");
});

Deno.test("a declared length over the limit is refused before reading", async () => {
  const app = echoApp(10);
  const response = await app.request("/", {
    method: "POST",
    headers: { "Content-Length": "1073741824" },
    body: stream([]),
  });
  assert.deepEqual(await response.json(), {
    status: 413,
    reason: "body_too_large",
  });
});

Deno.test("a streamed body is cut at the first byte past the limit", async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(4));
    },
  });
  const response = await echoApp(10).request("/", {
    method: "POST",
    body: endless,
  });
  assert.deepEqual(await response.json(), {
    status: 413,
    reason: "body_too_large",
  });
  assert.ok(pulled <= 4, `read ${pulled} chunks`);
});

Deno.test("a broken upload rejects the read with 400 unreadable_body", async () => {
  const response = await echoApp(100).request("/", {
    method: "POST",
    body: stream(["abc", new TypeError("connection reset")]),
  });
  assert.deepEqual(await response.json(), {
    status: 400,
    reason: "unreadable_body",
  });
});
