import { flagsAndAppeals, ledgerNodeOf } from "../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../lib/web/mod.ts";

/** Flags and appeals; `?open=1` keeps only active flags and open appeals. */
export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    const open = ctx.url.searchParams.get("open") === "1";
    return Response.json(flagsAndAppeals(node, { open }), {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
