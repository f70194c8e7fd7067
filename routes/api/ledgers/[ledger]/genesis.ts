import { ledgerNodeOf } from "../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../lib/web/mod.ts";

export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    // A genesis never changes: its id is its hash.
    return Response.json(node.genesis, {
      headers: { "Cache-Control": "public, max-age=31536000, immutable" },
    });
  },
};
