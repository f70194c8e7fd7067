import { ledgerNodeOf } from "../../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../../../../lib/web/mod.ts";

const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * What became of a transaction entry here: `included` (with the height),
 * `pending`, `refused` by the current state (with the ledger's reason and
 * message), or `unknown`.
 */
export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    if (!ID.test(ctx.params.id)) {
      throw new HttpError(400, "The entry id must be 43 base64url characters", {
        reason: "bad_id",
      });
    }
    return Response.json(node.transactionStatus(ctx.params.id), {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
