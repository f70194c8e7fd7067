/**
 * The ledger API of a single-validator instance: overview, blocks (NDJSON
 * and one by one), accounts, verdicts, transaction status (included,
 * refused with the ledger's reason) and the errors of bad requests.
 */
import assert from "node:assert/strict";
import { startTestInstance } from "./helpers.ts";
import { waitUntil } from "./cluster.ts";
import { makeLedger, validatorArgs } from "./ledger_fixture.ts";

Deno.test("ledger API: status, blocks, transactions and errors", async () => {
  const ledger = await makeLedger(1, { balance: 50 });
  const instance = await startTestInstance(validatorArgs(ledger));
  const api = (path: string) => fetch(`${instance.url}/api/ledgers${path}`);
  const json = async (path: string) => {
    const response = await api(path);
    assert.equal(response.status, 200, path);
    return await response.json();
  };
  try {
    const { ledgers } = await json("");
    assert.deepEqual(ledgers.map((l: { id: string }) => l.id), [ledger.id]);
    assert.equal(ledgers[0].validator, true);

    // A transfer is included; a flag the staker cannot fund is refused.
    const post = ledger.staker.next("post", { text: "hello" });
    const transfer = ledger.staker.next("ledger", {
      ledger: ledger.id,
      tx: { type: "transfer", to: ledger.validators[0].key, amount: 5 },
    });
    const unfunded = ledger.staker.next("ledger", {
      ledger: ledger.id,
      tx: {
        type: "flag",
        subject: { post: post.id, author: ledger.staker.key },
        category: "spam",
        bond: 1_000,
      },
    });
    for (const { line } of [post, transfer, unfunded]) {
      const response = await fetch(`${instance.url}/api/records`, {
        method: "POST",
        body: line,
      });
      assert.equal(response.status, 201, await response.text());
    }
    const status = (id: string) => json(`/${ledger.id}/transactions/${id}`);
    await waitUntil(
      "the transfer included",
      async () => (await status(transfer.id)).status === "included",
    );
    const included = await status(transfer.id);
    assert.ok(included.height >= 1);
    assert.deepEqual(await status(unfunded.id), {
      status: "refused",
      reason: "insufficient_stake",
      message: "Cannot apply flag: balance 45 is below the bond 1000",
    });
    assert.deepEqual(await status(post.id), { status: "unknown" });

    // The block that included it, alone and in the NDJSON listing.
    const finalized = await json(`/${ledger.id}/blocks/${included.height}`);
    assert.deepEqual(finalized.block.txs, [transfer.line]);
    assert.equal(finalized.commit[0].validator, ledger.validators[0].key);
    const listing = await api(
      `/${ledger.id}/blocks?from=${included.height}&limit=1`,
    );
    assert.equal(
      listing.headers.get("content-type"),
      "application/x-ndjson",
    );
    const lines = (await listing.text()).trim().split("\n");
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]), finalized);

    const overview = await json(`/${ledger.id}`);
    assert.equal(overview.name, "Test commons");
    assert.equal(overview.supply, 150);
    assert.deepEqual(
      overview.validators.map((v: { key: string; power: number }) => [
        v.key,
        v.power,
      ]),
      [[ledger.validators[0].key, 100]],
    );
    const account = await json(`/${ledger.id}/accounts/${ledger.staker.key}`);
    assert.equal(account.balance, 45);
    assert.deepEqual(await json(`/${ledger.id}/genesis`), ledger.genesis);

    // Bad requests say what is wrong.
    const refusals: [string, number, string][] = [
      ["/nope", 400, "bad_ledger"],
      [`/${"A".repeat(43)}`, 404, "unknown_ledger"],
      [`/${ledger.id}/blocks?from=0`, 400, "bad_query"],
      [`/${ledger.id}/blocks/999999`, 404, "unknown_block"],
      [`/${ledger.id}/blocks/x`, 400, "bad_height"],
      [`/${ledger.id}/verdicts`, 400, "bad_query"],
      [`/${ledger.id}/verdicts?subject=post:x`, 400, "bad_subject"],
      [`/${ledger.id}/transactions/x`, 400, "bad_id"],
      [`/${ledger.id}/accounts/x`, 400, "bad_author"],
    ];
    for (const [path, code, reason] of refusals) {
      const response = await api(path);
      assert.equal(response.status, code, path);
      const body = await response.json();
      assert.equal(body.reason, reason, path);
      assert.equal(typeof body.error, "string");
    }
  } finally {
    await instance.close();
    await Deno.remove(ledger.dir, { recursive: true });
  }
});

Deno.test("an instance refuses to start on a bad genesis file or validator key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_bad_ledger_" });
  try {
    const missing = `${dir}/missing.json`;
    await assert.rejects(
      () => startTestInstance(["--genesis", missing]),
      (error: Error) => {
        assert.equal(error.name, "ConfigError");
        assert.match(
          error.message,
          /^Cannot start: Cannot read genesis file .*missing\.json: /,
        );
        return true;
      },
    );
    const bad = `${dir}/bad.json`;
    await Deno.writeTextFile(bad, JSON.stringify({ kind: "kith-ledger" }));
    await assert.rejects(
      () => startTestInstance(["--genesis", bad]),
      {
        name: "ConfigError",
        message:
          `Cannot start: Cannot read genesis file ${bad}: Cannot accept genesis: version must be 1`,
      },
    );
    await assert.rejects(
      () => startTestInstance(["--validator-key", missing]),
      {
        name: "ConfigError",
        message:
          `Cannot start: Cannot read key file: ${missing} does not exist; create one with "deno task kith keygen"`,
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
