import { parseAuthorParam } from "../../../lib/app/authors.ts";
import { inboxMessages, parseMessageLimit } from "../../../lib/app/messages.ts";
import { cursorOf } from "../../../lib/app/paging.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

/**
 * `GET /api/messages?participant=K&limit=&cursor=`: every `dm` record K
 * sent or received, newest first, with its conversation key. Ciphertext
 * only; anyone may read it, as anyone may replicate it.
 */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const participant = parseAuthorParam(
      ctx.url.searchParams.get("participant") ?? "",
    );
    const page = await inboxMessages(ctx.state.instance.kv, participant, {
      limit: parseMessageLimit(ctx.url),
      cursor: cursorOf(ctx.url),
    });
    return Response.json({
      messages: page.items,
      cursor: page.cursor,
      names: page.names,
    }, {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
