import { assertSignedRequest } from "../../../lib/app/admin_guard.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

/**
 * `GET` signed by the owner's key: `{total, rejections}`, the recent
 * rejected records and dropped peer messages, newest first (see
 * lib/app/rejections.ts), and how many were seen since start.
 */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    await assertSignedRequest(ctx.req, instance.admin);
    return Response.json({
      total: instance.rejections.total,
      rejections: instance.rejections.list(),
    });
  },
};
