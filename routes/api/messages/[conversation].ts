import {
  conversationMessages,
  parseConversationParam,
  parseMessageLimit,
} from "../../../lib/app/messages.ts";
import { cursorOf } from "../../../lib/app/paging.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

/**
 * `GET /api/messages/:conversation?limit=&cursor=`: the `dm` records of
 * one conversation, newest first.
 */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const conversation = parseConversationParam(ctx.params.conversation);
    const page = await conversationMessages(
      ctx.state.instance.kv,
      conversation,
      { limit: parseMessageLimit(ctx.url), cursor: cursorOf(ctx.url) },
    );
    return Response.json({
      messages: page.items,
      cursor: page.cursor,
      names: page.names,
    }, {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
