import type { RouteContext } from "../lib/web/mod.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { checkReadiness } from "../lib/instance/readiness.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const readiness = await checkReadiness(ctx.state.instance);
    return Response.json(readiness, {
      status: readiness.ready ? 200 : 503,
      headers: { "Cache-Control": "no-store" },
    });
  },
};
