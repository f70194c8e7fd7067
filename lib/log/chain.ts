/**
 * The per-author log rule: entry `seq` extends a log whose head is at
 * `seq - 1` and names the head's id as `prev`. What happens to an entry
 * that does not fit is decided here, as a pure function of the head.
 *
 * @module
 */

/** Where an author's log ends. */
export interface LogHead {
  seq: number;
  id: string;
}

/** What an entry is to a log, given the log's head. */
export type ChainVerdict =
  /** Extends the head: store it. */
  | { kind: "append" }
  /** Already stored under this seq with this id. */
  | { kind: "duplicate" }
  /** Seq at or below the head with another id: a fork if it verifies. */
  | { kind: "conflict"; seq: number }
  /** Seq is head + 1 but prev is not the head's id: another branch. */
  | { kind: "prev_mismatch" }
  /** Seq beyond head + 1: hold until the gap fills. */
  | { kind: "gap"; missingFrom: number; missingTo: number };

/**
 * Places an entry relative to a log. `storedIdAt(seq)` answers the id the
 * log holds at a seq at or below the head (for duplicate detection).
 *
 * @example
 * ```ts
 * chainVerdict(head, { seq: 5, prev, id }, (seq) => ids[seq]);
 * ```
 */
export function chainVerdict(
  head: LogHead | null,
  entry: { seq: number; prev: string | null; id: string },
  storedIdAt: (seq: number) => string | undefined,
): ChainVerdict {
  const headSeq = head?.seq ?? 0;
  if (entry.seq <= headSeq) {
    return storedIdAt(entry.seq) === entry.id
      ? { kind: "duplicate" }
      : { kind: "conflict", seq: entry.seq };
  }
  if (entry.seq === headSeq + 1) {
    return entry.prev === (head?.id ?? null)
      ? { kind: "append" }
      : { kind: "prev_mismatch" };
  }
  return { kind: "gap", missingFrom: headSeq + 1, missingTo: entry.seq - 1 };
}

/**
 * Checks that `entries` (sorted by seq, starting at 1) form one unbroken
 * log, and says where it breaks. `idOf` computes an entry's id.
 *
 * @example
 * ```ts
 * const broken = findChainBreak(entries, entryId);
 * if (broken) console.log(`breaks at seq ${broken.seq}: ${broken.reason}`);
 * ```
 */
export function findChainBreak<E extends { seq: number; prev: string | null }>(
  entries: Iterable<E>,
  idOf: (entry: E) => string,
): { seq: number; reason: string } | undefined {
  let head: LogHead | null = null;
  for (const entry of entries) {
    const expected: number = (head?.seq ?? 0) + 1;
    if (entry.seq !== expected) {
      return { seq: entry.seq, reason: `expected seq ${expected}` };
    }
    if (entry.prev !== (head?.id ?? null)) {
      return {
        seq: entry.seq,
        reason: `prev does not name the id of seq ${expected - 1}`,
      };
    }
    head = { seq: entry.seq, id: idOf(entry) };
  }
  return undefined;
}
