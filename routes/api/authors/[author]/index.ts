import { authorSummary, parseAuthorParam } from "../../../../lib/app/mod.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const author = parseAuthorParam(ctx.params.author);
    return Response.json(
      await authorSummary(ctx.state.instance.store, author),
      {
        headers: { "Cache-Control": "no-cache" },
      },
    );
  },
};
