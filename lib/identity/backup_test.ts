import assert from "node:assert/strict";
import fc from "fast-check";
import { generateKeyPair } from "../crypto/mod.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import {
  BACKUP_COST,
  BackupError,
  decryptBackup,
  encryptBackup,
  parseBackup,
} from "./mod.ts";

// Tests other than the first use a low cost; the format records it.
const CHEAP = { cost: { N: 2 ** 10, r: 8, p: 1 } };

async function rejects(
  work: Promise<unknown>,
  code: string,
  message: string | RegExp,
) {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof BackupError, String(error));
    assert.equal(error.code, code);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

Deno.test("a backup at the real cost restores the same key and names its author", async () => {
  const { secretKey, publicKey } = generateKeyPair();
  const progress: number[] = [];
  const text = await encryptBackup(secretKey, "correct horse battery staple", {
    onProgress: (fraction) => progress.push(fraction),
  });
  assert.ok(progress.length > 0 && progress.at(-1)! <= 1);
  const backup = parseBackup(text);
  assert.deepEqual(
    { ...backup.kdf, salt: "" },
    { name: "scrypt", ...BACKUP_COST, salt: "" },
  );
  assert.equal(backup.author, encodeBase64Url(publicKey));
  assert.ok(!text.includes(encodeBase64Url(secretKey)), "the secret is sealed");
  const restored = await decryptBackup(text, "correct horse battery staple");
  assert.deepEqual(restored.secretKey, secretKey);
  assert.equal(restored.author, backup.author);
});

Deno.test("a wrong passphrase, or a changed backup, is refused", async () => {
  const { secretKey } = generateKeyPair();
  const text = await encryptBackup(secretKey, "pässword", CHEAP);
  await rejects(
    decryptBackup(text, "password"),
    "wrong_passphrase",
    "Cannot restore: the passphrase is wrong, or the backup was changed",
  );
  // Another author's key pasted in: the associated data no longer matches.
  const other = encodeBase64Url(generateKeyPair().publicKey);
  const swapped = JSON.stringify({ ...parseBackup(text), author: other });
  await rejects(
    decryptBackup(swapped, "pässword"),
    "wrong_passphrase",
    /wrong/,
  );
  // The same passphrase typed in another Unicode form still opens it.
  const composed = await decryptBackup(text, "pa\u0308ssword");
  assert.deepEqual(composed.secretKey, secretKey);
});

Deno.test("property: any changed character of the sealed part is refused", async () => {
  const { secretKey } = generateKeyPair();
  const text = await encryptBackup(secretKey, "pw", CHEAP);
  const backup = parseBackup(text);
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: backup.ciphertext.length - 2 }),
      async (at) => {
        const chars = [...backup.ciphertext];
        chars[at] = chars[at] === "A" ? "B" : "A";
        const changed = JSON.stringify({
          ...backup,
          ciphertext: chars.join(""),
        });
        await assert.rejects(decryptBackup(changed, "pw"), BackupError);
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("malformed backups are refused with a code and a message that says why", async () => {
  const { secretKey } = generateKeyPair();
  const backup = parseBackup(await encryptBackup(secretKey, "pw", CHEAP));
  const cases: [unknown, string, string | RegExp][] = [
    [
      "not json",
      "not_a_backup",
      "Cannot restore: this is not a Kith key backup (it is not JSON)",
    ],
    [
      { kith: "key" },
      "not_a_backup",
      "Cannot restore: this is not a Kith key backup",
    ],
    [
      { ...backup, v: 2 },
      "unsupported_version",
      "Cannot restore: backup version 2 is not supported; this Kith reads version 1",
    ],
    [
      { ...backup, kdf: { ...backup.kdf, N: 2 ** 30 } },
      "bad_parameters",
      /scrypt parameters/,
    ],
    [
      { ...backup, kdf: { ...backup.kdf, N: 1000 } },
      "bad_parameters",
      /scrypt parameters/,
    ],
    [
      { ...backup, cipher: { name: "aes", nonce: "" } },
      "bad_parameters",
      "Cannot restore: the cipher must be xchacha20poly1305",
    ],
    [
      { ...backup, author: "short" },
      "bad_parameters",
      "Cannot restore: author is not a 32-byte base64url key",
    ],
    [
      { ...backup, ciphertext: "AAAA" },
      "bad_parameters",
      "Cannot restore: ciphertext must be 48 bytes of base64url",
    ],
    [
      { ...backup, cipher: { ...backup.cipher, nonce: "AA" } },
      "bad_parameters",
      "Cannot restore: nonce must be 24 bytes of base64url",
    ],
  ];
  for (const [value, code, message] of cases) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    await rejects(decryptBackup(text, "pw"), code, message);
  }
  await rejects(
    encryptBackup(secretKey, ""),
    "empty_passphrase",
    "Cannot make a backup: choose a passphrase",
  );
  await assert.rejects(
    encryptBackup(new Uint8Array(31), "pw"),
    {
      name: "TypeError",
      message: "Cannot use secret key: it has 31 bytes, expected 32",
    },
  );
});
