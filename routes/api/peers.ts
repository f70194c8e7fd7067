import type { AppState } from "../../lib/instance/mod.ts";
import type { RouteContext } from "../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { replication } = ctx.state.instance;
    return Response.json({
      peers: await replication.status(),
      replicatedAuthors: replication.authors.length,
    }, { headers: { "Cache-Control": "no-cache" } });
  },
};
