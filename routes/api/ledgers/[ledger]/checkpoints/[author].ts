import { checkpointProof } from "../../../../../lib/app/checkpoints.ts";
import { ledgerNodeOf } from "../../../../../lib/app/ledgers.ts";
import { parseAuthorParam } from "../../../../../lib/app/mod.ts";
import type { AppState } from "../../../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../../../lib/web/mod.ts";

/** Whether the log served here is complete up to the ledger's checkpoint. */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { ledgers, store } = ctx.state.instance;
    const node = ledgerNodeOf(ledgers, ctx.params.ledger);
    const author = parseAuthorParam(ctx.params.author);
    return Response.json(await checkpointProof(store, node, author), {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
