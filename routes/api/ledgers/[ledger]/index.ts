import { ledgerNodeOf, ledgerOverview } from "../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../lib/web/mod.ts";

export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    return Response.json(ledgerOverview(node), {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
