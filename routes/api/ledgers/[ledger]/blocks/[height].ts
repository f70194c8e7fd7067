import { ledgerNodeOf } from "../../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../../../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { ledgers } = ctx.state.instance;
    const node = ledgerNodeOf(ledgers, ctx.params.ledger);
    const height = Number(ctx.params.height);
    if (!/^\d{1,15}$/.test(ctx.params.height) || height < 1) {
      throw new HttpError(400, "The height must be an integer ≥ 1", {
        reason: "bad_height",
      });
    }
    // Decided here but maybe not stored yet: the node keeps recent blocks.
    const finalized = await ledgers.store.block(node.id, height) ??
      node.recentBlock(height);
    if (!finalized) {
      throw new HttpError(
        404,
        `Block ${height} is not finalized here yet (height ${node.height})`,
        { reason: "unknown_block" },
      );
    }
    return Response.json(finalized, {
      headers: { "Cache-Control": "public, max-age=31536000, immutable" },
    });
  },
};
