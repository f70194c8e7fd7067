import { parseAuthorParam } from "../../../../lib/app/mod.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const author = parseAuthorParam(ctx.params.author);
    const proofs = await ctx.state.instance.store.forks(author);
    return Response.json({ author, forked: proofs.length > 0, proofs }, {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
