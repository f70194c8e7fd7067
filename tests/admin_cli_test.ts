/**
 * `kith admin …` against a real instance: each call is signed with the
 * owner's key file; another key is refused with the instance's reason.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../lib/cli/mod.ts";
import { writeKeyFile } from "../lib/cli/key_file.ts";
import { generateKeyPair } from "../lib/crypto/mod.ts";
import { captureIo, startTestInstance } from "./helpers.ts";
import { makeLedger } from "./ledger_fixture.ts";

Deno.test({
  name:
    "kith admin sets the name and description and honours or drops a ledger, signed by the owner's key only",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kith_admin_cli_" });
    const ledger = await makeLedger(1);
    const ownerPath = join(dir, "owner.json");
    const otherPath = join(dir, "other.json");
    const owner = await writeKeyFile(ownerPath, generateKeyPair().secretKey);
    await writeKeyFile(otherPath, generateKeyPair().secretKey);
    const instance = await startTestInstance([
      `--owner=${owner.author}`,
      "--genesis",
      ledger.genesisPath,
    ]);
    try {
      const run = async (args: string[], key = ownerPath) => {
        const { io, out, err } = captureIo();
        const code = await runCli(
          ["admin", ...args, "--key", key, "--server", instance.url],
          io,
        );
        return { code, out: out.join("\n"), err: err.join("\n") };
      };
      const named = await run(["name", "Lantern Garden"]);
      assert.equal(named.code, 0, named.err);
      assert.equal(named.out, 'The instance is now called "Lantern Garden"');
      const described = await run(["description", "For friends."]);
      assert.equal(described.code, 0, described.err);
      const home = await (await fetch(`${instance.url}/`)).text();
      assert.match(home, /<a class="brand" href="\/">Lantern Garden<\/a>/);
      assert.match(home, /For friends\./);

      const stranger = await run(["name", "Taken"], otherPath);
      assert.equal(stranger.code, 1);
      assert.equal(
        stranger.err,
        "Cannot set the instance's name: Only the owner of this instance can do that; this key is not the owner's",
      );
      assert.equal(instance.info.name, "Lantern Garden");
      const tooLong = await run(["name", "x".repeat(65)]);
      assert.equal(tooLong.code, 1);
      assert.match(tooLong.err, /at most 64 characters/);

      const dropped = await run(["ledgers", "drop", ledger.id]);
      assert.equal(dropped.code, 0, dropped.err);
      assert.equal(dropped.out, "No longer honouring Test commons");
      const honoured = await run(["ledgers", "honour", ledger.id]);
      assert.equal(honoured.out, "Honouring Test commons");
      const usage = await run(["ledgers", "maybe", ledger.id]);
      assert.equal(usage.code, 2);
      assert.match(
        usage.err,
        /^admin ledgers needs honour or drop and a ledger id/,
      );
      // A blank name brings the configured one back.
      assert.equal((await run(["name", ""])).code, 0);
      assert.equal(instance.info.name, "Kith");
    } finally {
      await instance.close();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(ledger.dir, { recursive: true });
    }
  },
});
