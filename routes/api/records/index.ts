import { outcomeBody, statusOf } from "../../../lib/app/mod.ts";
import { LIMITS } from "../../../lib/protocol/mod.ts";
import type { AppState } from "../../../lib/instance/mod.ts";
import {
  HttpError,
  type RouteConfig,
  type RouteContext,
} from "../../../lib/web/mod.ts";

/** Most lines one NDJSON batch may carry. */
const MAX_BATCH_LINES = 10_000;

/** Largest NDJSON batch, in bytes. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

// A single record is refused at its own limit while it streams in, not
// after buffering a batch's worth of bytes.
export const config: RouteConfig = {
  bodyLimit: (req) =>
    req.headers.get("content-type")?.toLowerCase().startsWith(
        "application/x-ndjson",
      )
      ? MAX_BATCH_BYTES
      : LIMITS.recordBytes + 1,
};

export const handler = {
  async POST(ctx: RouteContext<AppState>): Promise<Response> {
    const { ingest } = ctx.state.instance;
    const type = (ctx.req.headers.get("content-type") ?? "").toLowerCase();
    const text = await ctx.req.text();
    if (!type.startsWith("application/x-ndjson")) {
      const line = text.replace(/\r?\n$/, "");
      if (line === "") {
        throw new HttpError(400, "The request body is empty; send one record", {
          reason: "empty_body",
        });
      }
      const [outcome] = await ingest.submit([line], { source: "client" });
      return Response.json(outcomeBody(outcome), { status: statusOf(outcome) });
    }
    // CRLF line ends are framing, not part of a record.
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    if (lines.length === 0) {
      throw new HttpError(400, "The batch is empty; send one record per line", {
        reason: "empty_body",
      });
    }
    if (lines.length > MAX_BATCH_LINES) {
      throw new HttpError(
        413,
        `The batch has ${lines.length} lines, at most ${MAX_BATCH_LINES} allowed`,
        { reason: "batch_too_large" },
      );
    }
    const outcomes = await ingest.submit(lines, { source: "client" });
    const count = (status: string) =>
      outcomes.filter((outcome) => outcome.status === status).length;
    return Response.json({
      created: count("created"),
      duplicates: count("duplicate"),
      held: count("held"),
      rejected: count("rejected"),
      results: outcomes.map((outcome, i) => ({
        line: i + 1,
        httpStatus: statusOf(outcome),
        ...outcomeBody(outcome),
      })),
    });
  },
};
