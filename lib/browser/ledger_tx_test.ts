import assert from "node:assert/strict";
import { FLAG_CATEGORIES, NOTE_CHARS } from "../ledger/mod.ts";
import {
  bondProblem,
  FLAG_CHOICES,
  NOTE_LIMIT,
  noteProblem,
  subjectKeyOf,
  waitFor,
} from "./ledger_tx.ts";

Deno.test("the browser's categories and note limit are the ledger's", () => {
  assert.deepEqual([...FLAG_CHOICES], [...FLAG_CATEGORIES]);
  assert.equal(NOTE_LIMIT, NOTE_CHARS);
});

Deno.test("bonds follow the ledger's rules: whole, at least the minimum, at most the balance", () => {
  assert.equal(bondProblem("10", 10, 700), null);
  assert.equal(bondProblem("700", 10, 700), null);
  assert.equal(bondProblem("10", 10, null), null, "balance not known yet");
  assert.equal(bondProblem("9", 10, 700), "The bond must be at least 10.");
  assert.equal(
    bondProblem("701", 10, 700),
    "The bond is more than your balance (700).",
  );
  for (const bad of ["", "1.5", "-3", "1e3", "ten"]) {
    assert.equal(
      bondProblem(bad, 1, 700),
      "The bond must be a whole number of stake units.",
      bad,
    );
  }
  assert.equal(noteProblem("x".repeat(280)), null);
  assert.equal(
    noteProblem("é".repeat(281)),
    "The note has 281 characters; at most 280 fit.",
  );
  assert.equal(subjectKeyOf({ author: "k" }), "author:k");
  assert.equal(subjectKeyOf({ post: "p", author: "k" }), "post:p");
});

Deno.test("waitFor returns the first answer, or null when time runs out", async () => {
  let calls = 0;
  assert.equal(
    await waitFor(() => Promise.resolve(++calls === 3 ? "done" : null), {
      intervalMs: 1,
    }),
    "done",
  );
  const started = Date.now();
  assert.equal(
    await waitFor(() => Promise.reject(new Error("offline")), {
      timeoutMs: 50,
      intervalMs: 10,
    }),
    null,
  );
  assert.ok(Date.now() - started < 1_000);
});
