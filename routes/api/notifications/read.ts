import {
  assertReadReceipt,
  markRead,
  parseReadRequest,
  unreadCount,
} from "../../../lib/app/notifications.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteConfig, RouteContext } from "../../../lib/web/mod.ts";

export const config: RouteConfig = { bodyLimit: 4 * 1024 };

/**
 * `POST /api/notifications/read` with `{"author", "upTo", "sig"}`: `sig` is
 * the author's Ed25519 signature of `kith-notifications-read/v1/<author>/<upTo>`
 * (see `readReceiptBytes`). Sets the author's "read up to" marker to `upTo`
 * and answers `{"author", "readUpTo", "unread"}`.
 */
export const handler = {
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const receipt = parseReadRequest(await ctx.req.text());
    await assertReadReceipt(receipt, Date.now());
    const { kv } = ctx.state.instance;
    await markRead(kv, receipt.author, receipt.upTo);
    return Response.json({
      author: receipt.author,
      readUpTo: receipt.upTo,
      unread: await unreadCount(kv, receipt.author),
    }, { headers: { "Cache-Control": "no-store" } });
  },
};
