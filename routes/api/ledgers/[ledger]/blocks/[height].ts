import {
  finalizedBlockOf,
  ledgerNodeOf,
} from "../../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    return Response.json(await finalizedBlockOf(node, ctx.params.height), {
      headers: { "Cache-Control": "public, max-age=31536000, immutable" },
    });
  },
};
