import { assertSignedRequest } from "../../../../lib/app/admin_guard.ts";
import { chooseLedger } from "../../../../lib/app/admin_ledgers.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import {
  HttpError,
  type RouteConfig,
  type RouteContext,
} from "../../../../lib/web/mod.ts";

/**
 * `POST {"honour": true|false, "genesis"?: {…}}` signed by the owner's key
 * (`Kith-Admin-Key`, `-Time`, `-Signature`): honours or stops honouring
 * the ledger; answers `{"ledger": {id, name, honoured, running, height, …}}`.
 */
export const handler = {
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const { admin, ledgers } = ctx.state.instance;
    const bytes = await assertSignedRequest(ctx.req, admin);
    const body = parseJson(bytes);
    if (
      typeof body !== "object" || body === null ||
      typeof body.honour !== "boolean"
    ) {
      throw new HttpError(
        400,
        'Send JSON {"honour": true or false, "genesis": optional genesis}',
        { reason: "bad_request" },
      );
    }
    const ledger = await chooseLedger(ledgers, {
      ledger: ctx.params.ledger,
      honour: body.honour,
      genesis: body.genesis,
    });
    return Response.json({ ledger });
  },
};

/** A genesis of 10,000 accounts fits. */
export const config: RouteConfig = { bodyLimit: 4 * 1024 * 1024 };

function parseJson(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
