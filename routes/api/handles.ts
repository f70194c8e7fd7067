import { MAX_HANDLES, resolveHandles } from "../../lib/app/handles.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const raw = ctx.url.searchParams.get("h") ?? "";
    const handles = raw.split(",").map((handle) =>
      handle.trim().replace(/^@/, "")
    )
      .filter((handle) => handle.length > 0);
    if (
      handles.length === 0 || handles.length > MAX_HANDLES ||
      handles.some((handle) => !/^[\p{L}\p{N}_-]{1,64}$/u.test(handle))
    ) {
      throw new HttpError(
        400,
        `Give 1 to ${MAX_HANDLES} handles as h=name1,name2 (letters, digits, _ or -)`,
        { reason: "bad_handles" },
      );
    }
    const found = await resolveHandles(ctx.state.instance.kv, handles);
    return Response.json(Object.fromEntries(found), {
      headers: { "Cache-Control": "no-cache" },
    });
  },
};
