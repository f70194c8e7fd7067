import type { RouteContext } from "../lib/web/mod.ts";
import { HttpError } from "../lib/web/mod.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { metricsAllowed } from "../lib/metrics/metrics_access.ts";
import { EXPOSITION_CONTENT_TYPE } from "../lib/metrics/exposition.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    const access = instance.config.metrics;
    if (access === "off") throw new HttpError(404);
    const remote = (ctx.hono.env as { remoteAddr?: Deno.NetAddr } | undefined)
      ?.remoteAddr?.hostname;
    if (!metricsAllowed(access, { remote, headers: ctx.req.headers })) {
      throw new HttpError(
        403,
        "Metrics are readable from this machine only; set --metrics public (KITH_METRICS) to open them",
        { reason: "metrics_private" },
      );
    }
    const text = await instance.metrics.render({
      version: instance.version,
      startedAt: instance.startedAt,
      peers: () => instance.replication.status(),
      liveClients: () => instance.live.size,
      ledgers: () => instance.ledgers.nodes,
      rateLimited: () => ({ ...instance.limits.refused }),
    });
    return new Response(text, {
      headers: {
        "Content-Type": EXPOSITION_CONTENT_TYPE,
        "Cache-Control": "no-store",
      },
    });
  },
};
