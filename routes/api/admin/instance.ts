import { assertSignedRequest } from "../../../lib/app/admin_guard.ts";
import { saveInstanceProfile } from "../../../lib/app/instance_profile.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../../lib/web/mod.ts";

/**
 * `POST {"name"?: string, "description"?: string}` signed by the owner's
 * key: sets the instance's name and description (a blank one clears it:
 * the configured name shows again); answers `{"name", "description"}` as
 * pages now show them.
 */
export const handler = {
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    const bytes = await assertSignedRequest(ctx.req, instance.admin);
    let body: unknown = null;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      // Said below, with what to send.
    }
    if (
      typeof body !== "object" || body === null || Array.isArray(body) ||
      (!("name" in body) && !("description" in body))
    ) {
      throw new HttpError(
        400,
        'Send JSON {"name": text, "description": text} (either or both)',
        { reason: "bad_request" },
      );
    }
    const fields = body as { name?: unknown; description?: unknown };
    const saved = await saveInstanceProfile(instance.kv, {
      name: fields.name,
      description: fields.description,
    });
    instance.name = saved.name ?? instance.config.name;
    instance.description = saved.description ?? "";
    return Response.json({
      name: instance.name,
      description: instance.description,
    });
  },
};
