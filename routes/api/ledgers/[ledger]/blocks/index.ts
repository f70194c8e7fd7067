import { ledgerNodeOf } from "../../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../../lib/instance/mod.ts";
import { canonicalize } from "../../../../../lib/protocol/mod.ts";
import { HttpError, type RouteContext } from "../../../../../lib/web/mod.ts";

const MAX_LIMIT = 500;

/** Finalized blocks with their commits as NDJSON, from `from` on. */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { ledgers } = ctx.state.instance;
    const node = ledgerNodeOf(ledgers, ctx.params.ledger);
    const query = ctx.url.searchParams;
    const from = integer(query.get("from") ?? "1", "from", 1);
    const limit = Math.min(
      integer(query.get("limit") ?? "100", "limit", 1),
      MAX_LIMIT,
    );
    const lines: string[] = [];
    for await (
      const finalized of ledgers.store.blocks(node.id, { from, limit })
    ) lines.push(canonicalize(finalized));
    return new Response(lines.map((line) => line + "\n").join(""), {
      headers: {
        "Content-Type": "application/x-ndjson",
        "Cache-Control": "no-cache",
      },
    });
  },
};

function integer(value: string, name: string, min: number): number {
  const number = Number(value);
  if (!/^\d{1,15}$/.test(value) || number < min) {
    throw new HttpError(
      400,
      `${name} must be an integer ≥ ${min}, got "${value}"`,
      { reason: "bad_query" },
    );
  }
  return number;
}
