/**
 * Moderation where posts render: the verdicts of the honoured ledgers on
 * the entries of a page (one lookup per page), the strongest one per
 * card, and the words and links a card shows for it.
 *
 * @module
 */
import type { Ledgers, LedgerVerdict } from "../ledgers/mod.ts";
import { type Label, type Subject, subjectKey } from "../ledger/mod.ts";
import { strongestVerdict, verdictReason } from "./ledgers.ts";
import type { EntriesView, ShownEntry } from "./view.ts";

/** What gives verdicts: {@linkcode Ledgers} or a stand-in in tests. */
export interface VerdictSource {
  verdicts(keys: string[]): Map<string, LedgerVerdict[]>;
}

/** How a card shows the strongest verdict on it. */
export interface CardModeration {
  /** `hidden` and `warned` collapse the card; `downranked` labels it. */
  kind: "hidden" | "warned" | "downranked";
  ledger: string;
  /**
   * The ledger's name, as whoever wrote the ledger's genesis chose it: a
   * page shows it in a `<bdi>` of its own when it could reorder the words
   * around it.
   */
  name: string;
  /**
   * What the reader sees first: `Hidden by Commons: abuse flags bonding
   * 7.1% of stake, block 12`, `Content warning (Commons): sexual` or
   * `spam (down-ranked by Commons)`. Plain text: pages show `around`.
   */
  text: string;
  /**
   * `text` as the words before and after the ledger's name (`text` is
   * `before + name + after`), so a page isolates the name without looking
   * for it in `text`, where a label or a number could hold the same
   * characters.
   */
  around: { before: string; after: string };
  /** The explorer page of the subject the verdict is about. */
  href: string;
  /** What the verdict is about: the post, or its author. */
  subject: Subject;
  /** Id of an appeal open on it, if any. */
  openAppeal: string | null;
  /** Whether flags (not only a fork proof) stand behind it: an appeal can help. */
  appealable: boolean;
}

/** A ledger a reader may flag in, as the flag form offers it. */
export interface FlagLedger {
  id: string;
  name: string;
  flagBondMin: number;
}

/** The subject keys of entries: `post:<id>` and `author:<key>` of each. */
export function subjectKeysOf(items: Iterable<ShownEntry>): string[] {
  const keys = new Set<string>();
  for (const { id, entry } of items) {
    keys.add(`post:${id}`);
    keys.add(`author:${entry.author}`);
  }
  return [...keys];
}

/**
 * Looks up, in one call, the verdicts on every entry of `view` (and the
 * posts its reposts share), plus `extraKeys`, and keeps them in
 * `view.verdicts`; returns `view`.
 *
 * @example
 * ```ts
 * withVerdicts(view, instance.ledgers, [`author:${author}`]);
 * ```
 */
export function withVerdicts(
  view: EntriesView,
  ledgers: VerdictSource,
  extraKeys: string[] = [],
): EntriesView {
  const keys = new Set([
    ...subjectKeysOf([...view.items, ...view.reposted.values()]),
    ...extraKeys,
  ]);
  view.verdicts = ledgers.verdicts([...keys]);
  return view;
}

/** Every verdict on `item`: on the post and on its author. */
function verdictsOn(view: EntriesView, item: ShownEntry): LedgerVerdict[] {
  return [
    ...view.verdicts.get(`post:${item.id}`) ?? [],
    ...view.verdicts.get(`author:${item.entry.author}`) ?? [],
  ];
}

/**
 * How the card of `item` shows moderation, or null when no honoured ledger
 * hides, warns or down-ranks it.
 *
 * @example
 * ```ts
 * <EntryCard {...item} moderation={moderationOf(view, item)} />
 * ```
 */
export function moderationOf(
  view: EntriesView,
  item: ShownEntry,
): CardModeration | null {
  const strongest = strongestVerdict(verdictsOn(view, item));
  return strongest ? cardModeration(strongest) : null;
}

/** The card moderation of one ledger verdict (not a visible one). */
export function cardModeration(item: LedgerVerdict): CardModeration {
  const { verdict, name, ledger } = item;
  const kind = verdict.status === "visible" ? "downranked" : verdict.status;
  const around = wordsAround(item, kind);
  return {
    kind,
    ledger,
    name,
    text: `${around.before}${name}${around.after}`,
    around,
    href: subjectHref(ledger, subjectKey(verdict.subject)),
    subject: verdict.subject,
    openAppeal: verdict.appeal?.status === "open" ? verdict.appeal.id : null,
    appealable: verdict.evidence.some((e) => e.status === "active"),
  };
}

function wordsAround(
  item: LedgerVerdict,
  kind: CardModeration["kind"],
): CardModeration["around"] {
  const { verdict, name } = item;
  const labels = labelText(verdict.labels);
  if (kind === "warned") {
    return { before: "Content warning (", after: `): ${labels}` };
  }
  if (kind === "downranked") {
    return { before: `${labels} (down-ranked by `, after: ")" };
  }
  // verdictReason says why in one sentence that starts exactly so.
  const before = "Hidden by ";
  return {
    before,
    after: verdictReason(item).slice(before.length + name.length),
  };
}

/**
 * Whether any ledger down-ranks `item` (or its author): threads list such
 * replies after the others.
 */
export function isDownranked(view: EntriesView, item: ShownEntry): boolean {
  return verdictsOn(view, item).some((v) => v.verdict.downranked);
}

/** Labels as readers read them: `forked` is `forked author`. */
export function labelText(labels: Label[]): string {
  return labels.map((label) => label === "forked" ? "forked author" : label)
    .join(", ");
}

/** The explorer page of a subject key in ledger `ledger`. */
export function subjectHref(ledger: string, key: string): string {
  return `/ledgers/${ledger}/subjects/${key}`;
}

/** The ledgers a reader may flag in: every running one. */
export function flagLedgersOf(ledgers: Pick<Ledgers, "nodes">): FlagLedger[] {
  return ledgers.nodes.map((node) => ({
    id: node.id,
    name: node.genesis.name,
    flagBondMin: node.genesis.params.flagBondMin,
  }));
}
