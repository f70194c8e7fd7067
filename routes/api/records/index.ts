import { outcomeBody, statusOf } from "../../../lib/app/mod.ts";
import { budgetBatch } from "../../../lib/app/record_budget.ts";
import type { IngestOutcome } from "../../../lib/ingest/mod.ts";
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
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

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
    const type = (ctx.req.headers.get("content-type") ?? "").toLowerCase();
    const text = await ctx.req.text();
    if (!type.startsWith("application/x-ndjson")) {
      const line = text.replace(/\r?\n$/, "");
      if (line === "") {
        throw new HttpError(400, "The request body is empty; send one record", {
          reason: "empty_body",
        });
      }
      const [result] = await submit(ctx, [line]);
      if (result instanceof HttpError) throw result;
      return Response.json(outcomeBody(result), { status: statusOf(result) });
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
    const results = await submit(ctx, lines);
    const count = (status: string) =>
      results.filter((result) =>
        !(result instanceof HttpError) && result.status === status
      ).length;
    const limited = results.filter((result) => result instanceof HttpError);
    const retryAfter = limited.map((error) => error.headers["Retry-After"]);
    return Response.json({
      created: count("created"),
      duplicates: count("duplicate"),
      held: count("held"),
      rejected: count("rejected") + limited.length,
      results: results.map((result, i) => ({
        line: i + 1,
        ...(result instanceof HttpError
          ? { httpStatus: 429, error: result.message, reason: result.reason }
          : { httpStatus: statusOf(result), ...outcomeBody(result) }),
      })),
    }, {
      // Refused for budget alone, the whole batch is a 429 to retry later.
      status: limited.length === lines.length ? 429 : 200,
      headers: retryAfter.length > 0
        ? { "Retry-After": String(Math.max(...retryAfter.map(Number))) }
        : {},
    });
  },
};

/**
 * Ingests the lines their authors' budgets allow; the others come back as
 * the 429 error they get.
 */
async function submit(
  ctx: RouteContext<AppState>,
  lines: string[],
): Promise<(IngestOutcome | HttpError)[]> {
  const { ingest, limits, store } = ctx.state.instance;
  const batch = await budgetBatch(lines, limits, {
    headOf: async (author) => (await store.head(author)).head?.seq ?? 0,
  });
  const outcomes = await ingest.submit(
    batch.allowed.map((index) => lines[index]),
    { source: "client" },
  );
  const results: (IngestOutcome | HttpError)[] = lines.map((_, index) =>
    batch.refused.get(index)!
  );
  batch.allowed.forEach((index, i) => results[index] = outcomes[i]);
  return results;
}
