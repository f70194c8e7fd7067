import assert from "node:assert/strict";
import type { LedgerVerdict } from "../ledgers/mod.ts";
import type { Verdict } from "../ledger/mod.ts";
import type { Entry } from "../protocol/mod.ts";
import {
  cardModeration,
  isDownranked,
  moderationOf,
  withVerdicts,
} from "./moderation.ts";
import type { EntriesView, ShownEntry } from "./view.ts";

const A = "A".repeat(43);
const P = "P".repeat(43);
const Q = "Q".repeat(43);
const L = "L".repeat(43);

function verdict(over: Partial<Verdict>): Verdict {
  return {
    subject: { post: P, author: A },
    status: "visible",
    downranked: false,
    labels: [],
    stake: { hide: 0, warn: 0, downrank: 0, supply: 1000 },
    evidence: [],
    appeal: null,
    forked: null,
    ...over,
  };
}

const item = (id: string): ShownEntry => ({
  id,
  entry: { author: A } as Entry,
  content: null,
});

function view(items: ShownEntry[]): EntriesView {
  return {
    items,
    profiles: new Map(),
    handles: new Map(),
    stats: new Map(),
    now: 0,
    reposted: new Map(),
    verdicts: new Map(),
  };
}

Deno.test("withVerdicts asks once for the posts and authors of a page", () => {
  const calls: string[][] = [];
  const page = view([item(P), item(Q)]);
  withVerdicts(page, {
    verdicts(keys) {
      calls.push(keys);
      return new Map([[`post:${P}`, [{
        ledger: L,
        name: "C",
        verdict: verdict({}),
      }]]]);
    },
  }, [`author:${"B".repeat(43)}`]);
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].sort(), [
    `author:${A}`,
    `author:${"B".repeat(43)}`,
    `post:${P}`,
    `post:${Q}`,
  ]);
  assert.equal(page.verdicts.size, 1);
});

Deno.test("cards show the strongest verdict on the post or its author, in words", () => {
  const hidden: LedgerVerdict = {
    ledger: L,
    name: "Commons",
    verdict: verdict({
      status: "hidden",
      labels: ["abuse"],
      stake: { hide: 71, warn: 71, downrank: 0, supply: 1000 },
      evidence: [{
        flag: Q,
        flagger: A,
        category: "abuse",
        bond: 71,
        height: 12,
        status: "active",
      }],
    }),
  };
  const forked: LedgerVerdict = {
    ledger: L,
    name: "Commons",
    verdict: verdict({
      subject: { author: A },
      status: "warned",
      labels: ["forked"],
      forked: { seq: 3, height: 9, proof: Q },
    }),
  };
  const page = view([item(P)]);
  page.verdicts = new Map([[`post:${P}`, [hidden]], [`author:${A}`, [forked]]]);
  const card = moderationOf(page, item(P))!;
  assert.equal(card.kind, "hidden");
  assert.equal(
    card.text,
    "Hidden by Commons: abuse flags bonding 7.1% of stake, block 12",
  );
  assert.equal(card.href, `/ledgers/${L}/subjects/post:${P}`);
  assert.equal(card.appealable, true);
  assert.equal(
    cardModeration(forked).text,
    "Content warning (Commons): forked author",
  );
  assert.equal(cardModeration(forked).appealable, false, "no flag to appeal");
  assert.equal(
    cardModeration(forked).href,
    `/ledgers/${L}/subjects/author:${A}`,
  );
  const spam = cardModeration({
    ledger: L,
    name: "Commons",
    verdict: verdict({ downranked: true, labels: ["spam"] }),
  });
  assert.deepEqual([spam.kind, spam.text], [
    "downranked",
    "spam (down-ranked by Commons)",
  ]);
  assert.equal(isDownranked(page, item(P)), false);
  page.verdicts.set(`post:${P}`, [{
    ledger: L,
    name: "Commons",
    verdict: verdict({ downranked: true, labels: ["spam"] }),
  }]);
  assert.equal(isDownranked(page, item(P)), true);
  assert.equal(moderationOf(view([item(Q)]), item(Q)), null);
});

Deno.test("the ledger's name comes apart from the words around it, whatever those words hold", () => {
  // A name that also occurs in the labels and in the sentence around it.
  const name = "abuse";
  const hidden = cardModeration({
    ledger: L,
    name,
    verdict: verdict({
      status: "hidden",
      labels: ["abuse"],
      stake: { hide: 71, warn: 71, downrank: 0, supply: 1000 },
      evidence: [{
        flag: Q,
        flagger: A,
        category: "abuse",
        bond: 71,
        height: 12,
        status: "active",
      }],
    }),
  });
  const warned = cardModeration({
    ledger: L,
    name,
    verdict: verdict({ status: "warned", labels: ["abuse"] }),
  });
  const downranked = cardModeration({
    ledger: L,
    name,
    verdict: verdict({ downranked: true, labels: ["abuse", "spam"] }),
  });
  assert.deepEqual(
    [hidden, warned, downranked].map(({ around }) => around),
    [
      {
        before: "Hidden by ",
        after: ": abuse flags bonding 7.1% of stake, block 12",
      },
      { before: "Content warning (", after: "): abuse" },
      { before: "abuse, spam (down-ranked by ", after: ")" },
    ],
  );
  for (const card of [hidden, warned, downranked]) {
    assert.equal(card.name, name);
    assert.equal(card.text, `${card.around.before}${name}${card.around.after}`);
  }
  assert.equal(
    hidden.text,
    "Hidden by abuse: abuse flags bonding 7.1% of stake, block 12",
  );

  // A name with an override: its characters stay out of the words.
  const override = "\u202eledger";
  const odd = cardModeration({
    ledger: L,
    name: override,
    verdict: verdict({ status: "warned", labels: ["sexual"] }),
  });
  assert.deepEqual(odd.around, {
    before: "Content warning (",
    after: "): sexual",
  });
  assert.equal(odd.text, `Content warning (${override}): sexual`);
});
