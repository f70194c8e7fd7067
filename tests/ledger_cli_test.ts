/**
 * The ledger commands of the CLI against a single-validator instance:
 * `genesis` writes a file the instance honours, `tx` signs a transfer
 * that lands in a finalized block.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../lib/cli/mod.ts";
import { captureIo, startTestInstance } from "./helpers.ts";
import { waitUntil } from "./cluster.ts";

Deno.test("genesis and tx: a CLI-made ledger finalizes a CLI-signed transfer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_cli_ledger_" });
  const validator = join(dir, "validator.json");
  const staker = join(dir, "staker.json");
  const genesis = join(dir, "genesis.json");
  try {
    const { io, out, err } = captureIo({ KITH_KEY: staker });
    assert.equal(await runCli(["keygen", "--key", validator], io), 0);
    assert.equal(await runCli(["keygen"], io), 0);
    const stakerKey = out[1].split(" ").at(-1)!;
    assert.equal(
      await runCli([
        "genesis",
        "--name",
        "CLI commons",
        "--validator",
        `${validator}=50`,
        "--account",
        `${staker}=500`,
        "--out",
        genesis,
      ], io),
      0,
      err.join("\n"),
    );
    const [, id] = /for ledger ([A-Za-z0-9_-]{43})$/.exec(out[2])!;
    const written = JSON.parse(await Deno.readTextFile(genesis));
    assert.equal(written.validators[0].stake, 50);
    assert.deepEqual(written.accounts, [{ key: stakerKey, balance: 500 }]);

    // Refusals say what to fix.
    const bad = captureIo();
    assert.equal(
      await runCli(["genesis", "--name", "X", "--account", "nobody"], bad.io),
      1,
    );
    assert.equal(
      bad.err[0],
      'Cannot make genesis: account "nobody" needs an amount: an integer ≥ 1 after "="',
    );
    assert.equal(
      await runCli(["genesis", "--name", "X", "--out", genesis], bad.io),
      1,
    );
    assert.match(
      bad.err[1],
      /^Cannot make genesis: Cannot accept genesis: validators must have 1 to 150 items, got 0$/,
    );

    const instance = await startTestInstance([
      "--genesis",
      genesis,
      "--validator-key",
      validator,
    ]);
    try {
      const cli = captureIo({ KITH_KEY: staker, KITH_SERVER: instance.url });
      const to = "A".repeat(42) + "E";
      assert.equal(
        await runCli(
          ["tx", id, '{"type":"transfer","amount":0,"to":"x"}'],
          cli.io,
        ),
        1,
      );
      assert.equal(
        cli.err[0],
        "Cannot sign transaction: Cannot accept transaction: transfer to must be a 43-character base64url key or id",
      );
      assert.equal(
        await runCli(
          ["tx", id, JSON.stringify({ type: "transfer", to, amount: 25 })],
          cli.io,
        ),
        0,
        cli.err.join("\n"),
      );
      const account = async (key: string) =>
        await (await fetch(`${instance.url}/api/ledgers/${id}/accounts/${key}`))
          .json();
      await waitUntil(
        "the transfer is final",
        async () => (await account(to)).balance === 25,
        20_000,
      );
      assert.equal((await account(stakerKey)).balance, 475);

      // The validator checkpoints the staker's log; the instance then proves
      // the history it serves complete up to it.
      const head = (await (await fetch(
        `${instance.url}/api/authors/${stakerKey}`,
      )).json()).head;
      const proof = async () =>
        await (await fetch(
          `${instance.url}/api/ledgers/${id}/checkpoints/${stakerKey}`,
        )).json();
      assert.equal((await proof()).status, "none");
      const asValidator = captureIo({
        KITH_KEY: validator,
        KITH_SERVER: instance.url,
      });
      const checkpoint = {
        type: "checkpoint",
        heads: [{ author: stakerKey, seq: head.seq, id: head.id }],
      };
      assert.equal(
        await runCli(["tx", id, JSON.stringify(checkpoint)], asValidator.io),
        0,
        asValidator.err.join("\n"),
      );
      await waitUntil(
        "the checkpoint is final",
        async () => (await proof()).status === "complete",
        20_000,
      );
      const done = await proof();
      assert.equal(done.checkpoint.seq, head.seq);
      assert.equal(done.servedId, head.id);
    } finally {
      await instance.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
