import { parseAuthorParam, parseLogQuery } from "../../../../lib/app/mod.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../lib/web/mod.ts";

export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const author = parseAuthorParam(ctx.params.author);
    const { after, limit } = parseLogQuery(ctx.url.searchParams);
    const { store } = ctx.state.instance;
    const encoder = new TextEncoder();
    const entries = store.lines(author, { after, limit });
    // Streamed, so a 10,000-entry page never sits in memory at once; a
    // client resumes with after=<last seq it received>.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await entries.next();
        if (next.done) return controller.close();
        // The stored canonical line; content is null where it was dropped.
        controller.enqueue(encoder.encode(next.value + "\n"));
      },
      async cancel() {
        await entries.return(undefined);
      },
    });
    return new Response(body, {
      headers: {
        "Content-Type": "application/x-ndjson",
        "Cache-Control": "no-cache",
      },
    });
  },
};
