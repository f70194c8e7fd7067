/**
 * How ingest outcomes and protocol error codes map to HTTP statuses, so
 * every API answers a given refusal the same way (docs/protocol.md, "HTTP API").
 *
 * @module
 */
import type { ErrorCode } from "../protocol/mod.ts";
import type { IngestOutcome } from "../ingest/mod.ts";

const TOO_LARGE: ErrorCode[] = [
  "record_too_large",
  "entry_too_large",
  "content_too_large",
];
const CONFLICT: ErrorCode[] = ["fork", "stale_seq", "prev_mismatch", "gap"];
const UNPROCESSABLE: ErrorCode[] = [
  "invalid_signature",
  "content_mismatch",
  "content_missing",
  "bad_content",
  "text_too_long",
  "too_many_tags",
  "too_many_mentions",
  "too_many_recipients",
  "timestamp_in_future",
  "retract_not_own",
];

/**
 * The HTTP status of an outcome: 201 created, 200 duplicate, 202 held,
 * 413 too large, 409 fork/stale/prev mismatch/full queue, 422 a broken rule
 * or signature, 403 a blocked author, 400 anything malformed.
 *
 * @example
 * ```ts
 * statusOf({ status: "created", id }); // 201
 * ```
 */
export function statusOf(outcome: IngestOutcome): number {
  switch (outcome.status) {
    case "created":
      return 201;
    case "duplicate":
      return 200;
    case "held":
      return 202;
    case "rejected": {
      const code = outcome.error.code;
      if (code === "blocked_author") return 403;
      if (TOO_LARGE.includes(code)) return 413;
      if (CONFLICT.includes(code)) return 409;
      if (UNPROCESSABLE.includes(code)) return 422;
      return 400;
    }
  }
}

/**
 * The JSON body describing an outcome: `{id, status}` on success,
 * `{error, reason, id?}` on refusal (error = human message, reason = code).
 *
 * @example
 * ```ts
 * Response.json(outcomeBody(outcome), { status: statusOf(outcome) });
 * ```
 */
export function outcomeBody(outcome: IngestOutcome): Record<string, unknown> {
  if (outcome.status === "rejected") {
    return {
      error: outcome.error.message,
      reason: outcome.error.code,
      ...(outcome.id ? { id: outcome.id } : {}),
    };
  }
  return outcome.status === "held"
    ? { id: outcome.id, status: "held", missingFrom: outcome.missingFrom }
    : { id: outcome.id, status: outcome.status };
}
