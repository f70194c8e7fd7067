/**
 * Request body limits enforced while the body streams in: a declared
 * `Content-Length` over the limit is refused before reading a byte, and an
 * undeclared (chunked) body is counted as the handler reads it and cut off
 * at the first byte past the limit; a broken upload is the sender's 400,
 * not a 500. Nothing is buffered here, so a 1 GB
 * body costs the limit's worth of reading at most.
 *
 * @module
 */
import type { Context } from "hono";
import { HttpError } from "./http_error.ts";

/** The error a handler's read of an over-long body rejects with. */
export function bodyTooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    `The request body is larger than the ${limit} bytes this address accepts`,
    { reason: "body_too_large" },
  );
}

/** The error a handler's read of a broken upload rejects with. */
function unreadableBody(): HttpError {
  return new HttpError(
    400,
    "The request body could not be read: the upload broke off or its framing is invalid",
    { reason: "unreadable_body" },
  );
}

/**
 * Middleware limiting request bodies to `limit(req)` bytes.
 *
 * @example
 * ```ts
 * hono.post("/upload", limitBody(() => 1024 * 1024), handler);
 * ```
 */
export function limitBody(
  limit: (req: Request) => number,
): (c: Context, next: () => Promise<void>) => Promise<void> {
  return async (c, next) => {
    const req = c.req.raw;
    if (req.body === null) return await next();
    const max = limit(req);
    const declared = req.headers.get("content-length");
    if (declared !== null && Number(declared) > max) throw bodyTooLarge(max);
    let size = 0;
    const reader = req.body.getReader();
    const counted = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch {
          // A broken upload (bad chunk framing, a reset) is the sender's.
          controller.error(unreadableBody());
          return;
        }
        if (read.done) return controller.close();
        size += read.value.byteLength;
        if (size > max) {
          controller.error(bodyTooLarge(max));
          await reader.cancel().catch(() => {});
        } else controller.enqueue(read.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    c.req.raw = new Request(req, { body: counted });
    await next();
  };
}
