import { streamSSE } from "hono/streaming";
import type { LiveEvent, LiveFilter } from "../../lib/app/live.ts";
import { parseTag } from "../../lib/app/timelines.ts";
import { viewerOf } from "../../lib/app/viewer.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../lib/web/mod.ts";

/** Seconds between keep-alive comments. */
const HEARTBEAT_MS = 25_000;
const KEY = /^[A-Za-z0-9_-]{43}$/;

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const filter = await filterOf(ctx);
    const { live } = ctx.state.instance;
    return streamSSE(ctx.hono, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake = () => {};
      let ended = false;
      const stop = live.subscribe(filter, (event) => {
        queue.push(event);
        wake();
      }, () => {
        ended = true;
        wake();
      });
      if (!stop) {
        await stream.writeSSE({
          event: "error",
          data: JSON.stringify({
            error: "Too many live streams are open; try again later",
            reason: "too_many_streams",
          }),
        });
        return;
      }
      stream.onAbort(() => {
        ended = true;
        wake();
      });
      const heartbeat = setInterval(() => wake(), HEARTBEAT_MS);
      try {
        await stream.writeSSE({ event: "ready", data: "{}" });
        while (!ended) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => wake = resolve);
            if (queue.length === 0 && !ended) {
              await stream.write(": keep-alive\n\n");
            }
            continue;
          }
          const event = queue.shift()!;
          await stream.writeSSE({
            event: "entry",
            id: event.id,
            data: JSON.stringify(event),
          });
        }
      } finally {
        clearInterval(heartbeat);
        stop();
      }
    });
  },
};

async function filterOf(ctx: RouteContext<AppState>): Promise<LiveFilter> {
  const stream = ctx.url.searchParams.get("stream") ?? "federated";
  const [kind, value = ""] = stream.split(":", 2);
  switch (kind) {
    case "federated":
    case "local":
      return { kind };
    case "notifications": {
      const viewer = viewerOf(ctx.hono);
      if (!viewer) {
        throw new HttpError(
          400,
          "The notifications stream needs a signed-in browser",
          { reason: "no_viewer" },
        );
      }
      return { kind, author: viewer };
    }
    case "messages": {
      if (value) {
        if (!KEY.test(value)) break;
        return { kind, author: value };
      }
      const author = viewerOf(ctx.hono);
      if (!author) {
        throw new HttpError(
          400,
          "The messages stream needs messages:<author key> or a signed-in browser",
          { reason: "no_viewer" },
        );
      }
      return { kind, author };
    }
    case "home": {
      const viewer = viewerOf(ctx.hono);
      if (!viewer) {
        throw new HttpError(400, "The home stream needs a signed-in browser", {
          reason: "no_viewer",
        });
      }
      const authors = new Set(await ctx.state.instance.follows.of(viewer));
      authors.add(viewer);
      return { kind, authors };
    }
    case "author":
    case "thread":
      if (!KEY.test(value)) break;
      return kind === "author"
        ? { kind, author: value }
        : { kind, root: value };
    case "tag":
      return { kind, tag: parseTag(value) };
  }
  throw new HttpError(
    400,
    "stream must be federated, local, home, notifications, messages[:<key>], author:<key>, tag:<tag> or thread:<post id>",
    { reason: "bad_stream" },
  );
}
