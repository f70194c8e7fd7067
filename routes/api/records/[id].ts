import { decodeBase64Url } from "../../../lib/protocol/mod.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { id } = ctx.params;
    if (!decodeBase64Url(id, { expectedBytes: 32 })) {
      throw new HttpError(
        400,
        "A record id is a SHA-256 in base64url (43 characters)",
        { reason: "bad_id" },
      );
    }
    const found = await ctx.state.instance.store.get(id);
    if (!found) {
      throw new HttpError(404, "This instance holds no record with that id", {
        reason: "unknown_record",
      });
    }
    // The stored line: retraction rewrote it with content null, and the
    // entry alone still verifies.
    const { content } = found;
    return new Response(found.line, {
      headers: {
        "Content-Type": "application/json",
        "Kith-Retracted": String(found.retracted),
        "Cache-Control": found.retracted || content === null
          ? "no-cache"
          : "public, max-age=60",
      },
    });
  },
};
