import assert from "node:assert/strict";
import fc from "fast-check";
import { sign } from "../crypto/mod.ts";
import { makeForkProof } from "../log/mod.ts";
import { createRecord } from "../protocol/mod.ts";
import { buildBlock, executeBlock } from "./block.ts";
import { FLAG_CATEGORIES } from "./genesis.ts";
import { moderate, updateVerdicts } from "./moderation.ts";
import { fakeId, makeState, person, signedVote, Writer } from "./_fixtures.ts";
import type { Subject } from "./state.ts";
import { equivocation, type Evidence } from "./vote.ts";

const NAMES = ["alice", "bob", "carol", "dave"];
const AUTHORS = ["erin", "frank"];
const VALIDATORS = ["v1", "v2", "v3", "v4"];
const SUBJECTS: Subject[] = [
  { post: fakeId("p1"), author: person("erin").key },
  { post: fakeId("p2"), author: person("frank").key },
  { author: person("erin").key },
  { author: person("frank").key },
];

const txArb = fc.record({
  signer: fc.nat(NAMES.length - 1),
  type: fc.constantFrom(
    "flag",
    "flag",
    "flag",
    "retract",
    "appeal",
    "appeal",
    "vote",
    "vote",
    "vote",
    "transfer",
  ),
  target: fc.nat(50),
  amount: fc.integer({ min: 5, max: 250 }),
  uphold: fc.boolean(),
});
const blockArb = fc.record({
  txs: fc.array(txArb, { maxLength: 8 }),
  fork: fc.option(fc.nat(AUTHORS.length - 1), { freq: 5 }),
  equivocate: fc.option(fc.nat(VALIDATORS.length - 1), { freq: 6 }),
});

Deno.test("property: updateVerdicts after each block equals moderate() of the new state", () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(
      fc.array(blockArb, { minLength: 3, maxLength: 8 }),
      (blocks) => {
        const state = makeState({
          params: { appealBlocks: 1, flagBondMin: 5, appealBondMin: 5 },
        });
        const ledger = state.meta.ledger;
        const writers = new Map(
          NAMES.map((n) => [n, new Writer(person(n), ledger)]),
        );
        const flags: string[] = [];
        /** Open appeals, then this block's. */
        let appeals: string[] = [];
        let verdicts = moderate(state);
        for (const spec of blocks) {
          const lines = spec.txs.map((t) => {
            const pick = <T>(list: T[]) => list[t.target % list.length];
            const writer = writers.get(NAMES[t.signer])!;
            const tx = {
              flag: () => ({
                type: "flag",
                subject: pick(SUBJECTS),
                category: pick([...FLAG_CATEGORIES]),
                bond: t.amount,
              }),
              retract: () => ({
                type: "retract",
                flag: pick([...flags, fakeId("f")]),
              }),
              appeal: () => ({
                type: "appeal",
                subject: pick(SUBJECTS),
                bond: t.amount,
              }),
              // Mostly one of the latest appeals, so that some reach a
              // quorum; signed by anyone, parties too (refused, left out).
              vote: () => ({
                type: "vote",
                appeal: t.target % 8 === 0
                  ? fakeId("a")
                  : appeals.at(-1 - t.target % 2) ?? appeals.at(-1) ??
                    fakeId("a"),
                choice: t.uphold ? "uphold" : "overturn",
              }),
              transfer: () => ({
                type: "transfer",
                to: pick(SUBJECTS).author,
                amount: t.amount,
              }),
            }[t.type]();
            const made = writer.record(tx);
            if (t.type === "flag") flags.push(made.id);
            if (t.type === "appeal") appeals.push(made.id);
            return made.line;
          });
          const height = state.meta.height + 1;
          const evidence: Evidence[] = [];
          if (spec.fork !== null) {
            const who = person(AUTHORS[spec.fork]);
            const [a, b] = ["one", "two"].map((text) =>
              createRecord({
                author: who.key,
                seq: 1,
                prev: null,
                ts: 1,
                type: "post",
                content: { text },
              }, { sign: (bytes) => sign(who.secretKey, bytes) }).entry
            );
            evidence.push({ kind: "fork", proof: makeForkProof(a, b) });
          }
          if (spec.equivocate !== null) {
            const who = person(VALIDATORS[spec.equivocate]);
            const [x, y] = ["X", "Y"].map((label) =>
              signedVote(who, { ledger, height, block: fakeId(label) })
            );
            evidence.push(equivocation(x, y));
          }
          let block;
          try {
            block = buildBlock(state, {
              round: 0,
              time: state.meta.time + 100,
              txs: lines,
              evidence,
            });
          } catch {
            break; // every validator jailed: the ledger has halted
          }
          const before = new Map(verdicts);
          const execution = executeBlock(state, block);
          execution.state.commit();
          const changed = updateVerdicts(verdicts, state, execution);
          const fresh = moderate(state);
          for (const verdict of fresh.values()) {
            seen.add(verdict.status);
            if (verdict.downranked) seen.add("downranked");
            if (verdict.forked) seen.add("forked");
            if (verdict.appeal && verdict.appeal.status !== "open") {
              seen.add(verdict.appeal.status);
            }
          }
          if (execution.supplyChanged) seen.add("supplyChanged");
          // Verdicts hold no computation height: incremental and fresh
          // verdicts must be identical, field for field.
          assert.deepEqual(verdicts, fresh);
          const keys = new Set([...before.keys(), ...fresh.keys()]);
          const expected = [...keys].filter((key) =>
            before.get(key)?.status !== fresh.get(key)?.status ||
            before.get(key)?.downranked !== fresh.get(key)?.downranked
          );
          assert.deepEqual([...changed].sort(), expected.sort());
          verdicts = new Map(verdicts);
          // Parties never vote on their appeal.
          for (const id of state.appealIds()) {
            const appeal = state.appeal(id)!;
            const parties = new Set([
              appeal.appellant,
              ...appeal.flags.map((flag) => state.flag(flag)!.flagger),
            ]);
            for (const voter of Object.keys(appeal.votes)) {
              assert.ok(!parties.has(voter), "a party voted");
            }
          }
          appeals = appeals.filter((id) => state.appeal(id)?.status === "open");
        }
      },
    ),
    { numRuns: 50 },
  );
  assert.deepEqual([...seen].sort(), [
    "downranked",
    "forked",
    "hidden",
    "lapsed",
    "overturned",
    "supplyChanged",
    "upheld",
    "visible",
    "warned",
  ]);
});
