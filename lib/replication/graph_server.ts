/**
 * Answers peers' GETs for Kith souls from Deno KV, the one source of truth:
 * a log node is rebuilt from the stored lines of its block, a head node from
 * the author's head. Nothing is served from GUN's memory or disk, so what
 * peers get is only what this instance verified (and retracted content is
 * already gone from it).
 *
 * @module
 */
import type { RecordStore } from "../store/mod.ts";
import {
  BLOCK_SIZE,
  headSoul,
  type KithSoul,
  logSoul,
  packSegments,
  segmentKey,
} from "./layout.ts";
import type { GunNodeData } from "./gun_types.d.ts";

/** Characters of segment values per reply message, at most. */
const REPLY_CHARS = 2 * 1024 * 1024;

/**
 * State written on served keys. A content-addressed key has one possible
 * value, so its state orders nothing; a constant keeps replies identical
 * across instances, which lets GUN's mesh drop duplicate answers.
 */
export const SERVED_STATE = 1;

/** A node to send, and how many records it carries. */
export interface ServedNode {
  soul: string;
  node: GunNodeData;
  records: number;
}

/**
 * The nodes answering a GET for `soul`, split so that each reply stays near
 * 2 MiB. Empty when this instance holds nothing there.
 *
 * @example
 * ```ts
 * for (const part of await serveSoul(store, parsed)) say(part);
 * ```
 */
export async function serveSoul(
  store: RecordStore,
  soul: KithSoul,
): Promise<ServedNode[]> {
  if (soul.kind === "head") {
    const { head } = await store.head(soul.author);
    if (!head) return [];
    const [line] = await Array.fromAsync(
      store.lines(soul.author, { after: head.seq - 1, limit: 1 }),
    );
    if (!line) return [];
    return [nodeOf(headSoul(soul.author), [line], 1)];
  }
  const lines = await Array.fromAsync(
    store.lines(soul.author, {
      after: soul.block * BLOCK_SIZE,
      limit: BLOCK_SIZE,
    }),
  );
  const served: ServedNode[] = [];
  let values: string[] = [];
  let chars = 0;
  let records = 0;
  const soulName = logSoul(soul.author, soul.block);
  for (const value of packSegments(lines)) {
    if (values.length > 0 && chars + value.length > REPLY_CHARS) {
      served.push(nodeOf(soulName, values, records));
      values = [];
      chars = 0;
      records = 0;
    }
    values.push(value);
    chars += value.length;
    records += value.split("\n").length;
  }
  if (values.length > 0) served.push(nodeOf(soulName, values, records));
  return served;
}

/** A GUN node holding `values` under their hashes. */
export function nodeOf(
  soul: string,
  values: string[],
  records: number,
  state = SERVED_STATE,
): ServedNode {
  const states: Record<string, number> = {};
  const node: GunNodeData = { _: { "#": soul, ">": states } };
  for (const value of values) {
    const key = segmentKey(value);
    states[key] = state;
    node[key] = value;
  }
  return { soul, node, records };
}
