import assert from "node:assert/strict";
import { join } from "node:path";
import { generateKeyPair } from "../crypto/mod.ts";
import { readKeyFile, writeKeyFile } from "./key_file.ts";

async function inTempDir(run: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "kith_key_file_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const modeOf = async (path: string) => (await Deno.stat(path)).mode! & 0o777;

Deno.test({
  name: "a written key file is 0600 and reads back",
  ignore: Deno.build.os === "windows",
  fn: () =>
    inTempDir(async (dir) => {
      const path = join(dir, "key.json");
      const written = await writeKeyFile(path, generateKeyPair().secretKey);
      assert.equal(await modeOf(path), 0o600);
      assert.deepEqual(await readKeyFile(path), written);
    }),
});

Deno.test({
  name:
    "a key file other users may read or write is refused until it is private",
  ignore: Deno.build.os === "windows",
  fn: () =>
    inTempDir(async (dir) => {
      const path = join(dir, "key.json");
      const written = await writeKeyFile(path, generateKeyPair().secretKey);
      for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602, 0o700 | 0o007]) {
        await Deno.chmod(path, mode);
        const octal = mode.toString(8).padStart(4, "0");
        await assert.rejects(readKeyFile(path), {
          name: "Error",
          message:
            `Cannot read key file: ${path} is open to other users (mode ${octal}); make it private with "chmod 600 ${path}"`,
        });
        // Refused, not tightened behind the owner's back.
        assert.equal(await modeOf(path), mode);
      }
      await Deno.chmod(path, 0o400);
      assert.deepEqual(await readKeyFile(path), written);
    }),
});

Deno.test("a missing, non-JSON or foreign key file is refused with its reason", () =>
  inTempDir(async (dir) => {
    const missing = join(dir, "missing.json");
    await assert.rejects(readKeyFile(missing), {
      name: "Error",
      message:
        `Cannot read key file: ${missing} does not exist; create one with "deno task kith keygen"`,
    });
    const junk = join(dir, "junk.json");
    await Deno.writeTextFile(junk, "not json", { mode: 0o600 });
    await Deno.chmod(junk, 0o600);
    await assert.rejects(readKeyFile(junk), {
      name: "Error",
      message: `Cannot read key file: ${junk} is not JSON`,
    });
    const other = join(dir, "other.json");
    await Deno.writeTextFile(other, '{"kith":"genesis"}', { mode: 0o600 });
    await Deno.chmod(other, 0o600);
    await assert.rejects(readKeyFile(other), {
      name: "Error",
      message: `Cannot read key file: ${other} is not a Kith key file`,
    });
  }));

Deno.test("writing never overwrites an existing key file", () =>
  inTempDir(async (dir) => {
    const path = join(dir, "key.json");
    const first = await writeKeyFile(path, generateKeyPair().secretKey);
    await assert.rejects(writeKeyFile(path, generateKeyPair().secretKey), {
      name: "Error",
      message:
        `Cannot write key file: ${path} exists; choose another path with --key or move it away`,
    });
    assert.deepEqual(await readKeyFile(path), first);
  }));

Deno.test("a key file holding JSON other than an object is refused as not a key file", () =>
  inTempDir(async (dir) => {
    // null once came out as "Cannot read properties of null".
    for (const [name, text] of [["null", "null"], ["list", "[]"], ["n", "5"]]) {
      const path = join(dir, `${name}.json`);
      await Deno.writeTextFile(path, text, { mode: 0o600 });
      await Deno.chmod(path, 0o600);
      await assert.rejects(readKeyFile(path), {
        name: "Error",
        message: `Cannot read key file: ${path} is not a Kith key file`,
      });
    }
  }));
