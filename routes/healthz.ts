import type { RouteContext } from "../lib/web/mod.ts";
import type { AppState } from "../lib/instance/mod.ts";

export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const { name, version, startedAt } = ctx.state.instance;
    const uptime = Math.max(0, Math.round((Date.now() - startedAt) / 1000));
    return Response.json(
      { ok: true, name, version, uptime },
      { headers: { "Cache-Control": "no-store" } },
    );
  },
};
