import { assertSignedRequest } from "../../../lib/app/admin_guard.ts";
import { choosePeer, listPeerChoices } from "../../../lib/app/admin_peers.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import { HttpError, type RouteContext } from "../../../lib/web/mod.ts";

/** The peer table and where each outgoing peer comes from. */
async function peersBody(instance: AppState["instance"]) {
  return {
    peers: await instance.replication.status(),
    outgoing: await listPeerChoices(instance),
  };
}

/**
 * Signed by the owner's key. `GET`: `{peers, outgoing}` (the rows of
 * `GET /api/peers`, and each outgoing origin with its `source`, `config`
 * or `admin`). `POST {"action": "add"|"remove", "origin": url}`: adds an
 * outgoing peer (kept, dialled now) or removes one (a configured one until
 * the next start); answers `{origin, source, added, peers, outgoing}`.
 */
export const handler = {
  async GET(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    await assertSignedRequest(ctx.req, instance.admin);
    return Response.json(await peersBody(instance));
  },
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const { instance } = ctx.state;
    const bytes = await assertSignedRequest(ctx.req, instance.admin);
    let body: unknown = null;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      // Said below, with what to send.
    }
    const { action, origin } = (body ?? {}) as Record<string, unknown>;
    if (
      (action !== "add" && action !== "remove") || typeof origin !== "string"
    ) {
      throw new HttpError(
        400,
        'Send JSON {"action": "add" or "remove", "origin": "https://peer.example"}',
        { reason: "bad_request" },
      );
    }
    const done = await choosePeer(instance, origin, { add: action === "add" });
    return Response.json({ ...done, ...await peersBody(instance) });
  },
};
