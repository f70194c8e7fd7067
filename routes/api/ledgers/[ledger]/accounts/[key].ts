import { accountView, ledgerNodeOf } from "../../../../../lib/app/ledgers.ts";
import { parseAuthorParam } from "../../../../../lib/app/mod.ts";
import type { AppState } from "../../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../../lib/web/mod.ts";

export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    const key = parseAuthorParam(ctx.params.key);
    return Response.json(accountView(node, key), {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
