/**
 * The owner's block and unblock actions, shared by /admin/blocks, the
 * author page's button (which posts there) and the signed admin API.
 *
 * @module
 */
import type { InstanceInfo } from "../instance/mod.ts";
import {
  type Block,
  BlockError,
  type BlockKind,
  blockSubject,
} from "../store/blocks.ts";
import { HttpError } from "../web/mod.ts";
import { resolveHandles } from "./handles.ts";

/** One block or unblock, as a form or an API body gives it. */
export interface BlockChange {
  action: "block" | "unblock";
  kind: BlockKind;
  /** An author key or `@handle`; a peer origin. */
  subject: string;
  note?: string;
}

/**
 * Reads a block change from untrusted fields (form or JSON).
 *
 * @throws {HttpError} 400 `bad_request` when a field is missing or wrong.
 * @example
 * ```ts
 * const change = parseBlockChange({ action: "block", kind: "author", subject: key });
 * ```
 */
export function parseBlockChange(fields: Record<string, unknown>): BlockChange {
  const { action, kind, subject, note } = fields;
  if (
    (action !== "block" && action !== "unblock") ||
    (kind !== "author" && kind !== "peer") ||
    typeof subject !== "string" || subject.trim() === "" ||
    (note !== undefined && typeof note !== "string")
  ) {
    throw new HttpError(
      400,
      'Send {"action": "block" or "unblock", "kind": "author" or "peer", "subject": a key, @handle or origin, "note"?: text}',
      { reason: "bad_request" },
    );
  }
  return { action, kind, subject, note };
}

/**
 * Applies `change` to the instance's block list. Unblocking an author
 * asks replication to catch their log up again: what peers sent while
 * the block stood was refused, not stored.
 *
 * @throws {HttpError} 400 `bad_block` for a subject or note the block
 * list refuses, 404 `unknown_handle` for a handle nobody here holds.
 * @example
 * ```ts
 * const { notice } = await changeBlock(instance, { action: "unblock", kind: "author", subject: key });
 * ```
 */
export async function changeBlock(
  instance: Pick<InstanceInfo, "kv" | "blocks" | "replication">,
  change: BlockChange,
): Promise<{ block: Block | null; removed: boolean; notice: string }> {
  const subject = change.kind === "author"
    ? await authorKeyOf(instance.kv, change.subject.trim())
    : change.subject;
  try {
    if (change.action === "block") {
      const block = await instance.blocks.block(change.kind, subject, {
        note: change.note,
      });
      return {
        block,
        removed: false,
        notice: `Blocked ${change.kind} ${block.subject} on this instance.`,
      };
    }
    const stored = blockSubject(change.kind, subject);
    const removed = await instance.blocks.unblock(change.kind, stored);
    if (removed && change.kind === "author") {
      instance.replication.catchUp(stored);
    }
    return {
      block: null,
      removed,
      notice: removed
        ? `Unblocked ${change.kind} ${stored}.`
        : `${
          change.kind === "author" ? "Author" : "Peer"
        } ${stored} was not blocked.`,
    };
  } catch (error) {
    if (!(error instanceof BlockError)) throw error;
    throw new HttpError(400, error.message, { reason: "bad_block" });
  }
}

/** The key behind `@handle`, or `subject` itself when it is not one. */
async function authorKeyOf(kv: Deno.Kv, subject: string): Promise<string> {
  if (!subject.startsWith("@")) return subject;
  const handle = subject.slice(1);
  const key = (await resolveHandles(kv, [handle])).get(handle);
  if (!key) {
    throw new HttpError(
      404,
      `Cannot block ${subject}: no author known here has that handle`,
      { reason: "unknown_handle" },
    );
  }
  return key;
}
