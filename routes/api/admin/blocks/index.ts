import { assertSignedRequest } from "../../../../lib/app/admin_guard.ts";
import {
  changeBlock,
  parseBlockChange,
} from "../../../../lib/app/admin_blocks.ts";
import type { AppState } from "../../../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../../../lib/web/mod.ts";

/**
 * Signed by the owner's key (`Kith-Admin-Key`, `-Time`, `-Signature`):
 * `GET` answers `{"blocks": [{kind, subject, at, note}]}`, newest first;
 * `POST {"action": "block"|"unblock", "kind": "author"|"peer", "subject",
 * "note"?}` changes one and answers `{"block", "removed", "notice"}`.
 */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    await assertSignedRequest(ctx.req, instance.admin);
    return Response.json({ blocks: instance.blocks.list() });
  },
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    const bytes = await assertSignedRequest(ctx.req, instance.admin);
    let body: unknown = null;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      // parseBlockChange says what to send.
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(400, "Send a JSON object", { reason: "bad_request" });
    }
    const change = parseBlockChange(body as Record<string, unknown>);
    return Response.json(await changeBlock(instance, change));
  },
};
