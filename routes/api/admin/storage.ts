import { assertSignedRequest } from "../../../lib/app/admin_guard.ts";
import { storageReport } from "../../../lib/app/storage_usage.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { RouteContext } from "../../../lib/web/mod.ts";

/**
 * `GET` signed by the owner's key: the storage report (KV files' bytes on
 * disk, entries and bytes per type, replicated authors, ledger heights).
 */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    await assertSignedRequest(ctx.req, instance.admin);
    return Response.json(await storageReport(instance));
  },
};
