import { ledgerNodeOf } from "../../../../lib/app/ledgers.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../../../lib/web/mod.ts";

const SUBJECT = /^(post|author):[A-Za-z0-9_-]{43}$/;

/** `?subject=post:<id>` (repeatable, up to 100): the ledger's verdicts. */
export const handler = {
  GET(ctx: RouteContext<AppState>): Response {
    const node = ledgerNodeOf(ctx.state.instance.ledgers, ctx.params.ledger);
    const subjects = ctx.url.searchParams.getAll("subject");
    if (subjects.length === 0 || subjects.length > 100) {
      throw new HttpError(400, "Give 1 to 100 subject parameters", {
        reason: "bad_query",
      });
    }
    for (const subject of subjects) {
      if (!SUBJECT.test(subject)) {
        throw new HttpError(
          400,
          `"${subject}" is not a subject; use post:<id> or author:<key>`,
          { reason: "bad_subject" },
        );
      }
    }
    return Response.json({
      height: node.height,
      verdicts: Object.fromEntries(
        subjects.map((s) => [s, node.verdicts.get(s) ?? null]),
      ),
    }, { headers: { "Cache-Control": "no-cache" } });
  },
};
