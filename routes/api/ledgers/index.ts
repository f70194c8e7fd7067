import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    return Response.json({ ledgers: await ctx.state.instance.ledgers.list() }, {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
