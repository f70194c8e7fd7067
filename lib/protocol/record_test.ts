import assert from "node:assert/strict";
import fc from "fast-check";
import {
  generateKeyPair,
  sign,
  verifyEd25519,
  verifyEd25519Sync,
} from "../crypto/mod.ts";
import { generateFile } from "../../tests/vectors/generate_records.ts";
import {
  createRecord,
  decodeRecord,
  encodeBase64Url,
  entryIdOfLine,
  isValidContent,
  ProtocolError,
  signingBytes,
  verifyRecord,
} from "./mod.ts";

const VECTORS = new URL("../../tests/vectors/records.json", import.meta.url);
const vectors = JSON.parse(await Deno.readTextFile(VECTORS)) as {
  now: number;
  cases: { name: string; line: string; error: string | null; id?: string }[];
};

async function verdict(
  line: string,
  verify: typeof verifyEd25519 | typeof verifyEd25519Sync,
) {
  try {
    return {
      id: (await verifyRecord(line, { now: vectors.now, verify })).id,
      error: null,
    };
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return { error: error.code };
  }
}

Deno.test("every frozen record vector gets its expected verdict from both verifiers", async () => {
  assert.ok(vectors.cases.length >= 40);
  for (const item of vectors.cases) {
    const expected = item.error === null
      ? { id: item.id, error: null }
      : { error: item.error };
    assert.deepEqual(
      await verdict(item.line, verifyEd25519),
      expected,
      `server: ${item.name}`,
    );
    assert.deepEqual(
      await verdict(item.line, verifyEd25519Sync),
      expected,
      `browser: ${item.name}`,
    );
    if (item.id) {
      assert.equal(
        entryIdOfLine(item.line),
        item.id,
        `entryIdOfLine: ${item.name}`,
      );
    }
  }
});

Deno.test("the record vectors are frozen: regenerating them changes nothing", async () => {
  assert.equal(generateFile(), await Deno.readTextFile(VECTORS));
});

const keys = generateKeyPair();
const author = encodeBase64Url(keys.publicKey);
const signer = { sign: (bytes: Uint8Array) => sign(keys.secretKey, bytes) };
const NOW = 1_800_000_000_000;

Deno.test("createRecord makes records that decode to the same entry and id", async () => {
  const { entry, id, line } = createRecord(
    {
      author,
      seq: 1,
      prev: null,
      ts: NOW,
      type: "post",
      content: { text: "Hi" },
    },
    signer,
  );
  const decoded = await verifyRecord(line, { now: NOW, verify: verifyEd25519 });
  assert.deepEqual(decoded, {
    entry,
    content: { text: "Hi" },
    id,
    signed: signingBytes(entry),
    line,
  });
  assert.throws(
    () =>
      createRecord({
        author,
        seq: 1,
        prev: null,
        ts: NOW,
        type: "post",
        content: { text: "" },
      }, signer),
    { name: "ProtocolError", message: "Cannot accept content: text is empty" },
  );
});

Deno.test("decodeRecord error messages say what is wrong", () => {
  const { line } = createRecord({
    author,
    seq: 1,
    prev: null,
    ts: NOW,
    type: "post",
    content: { text: "Hi" },
  }, signer);
  assert.throws(() => decodeRecord(line, { now: NOW - 11 * 60_000 }), {
    name: "ProtocolError",
    message:
      `Cannot accept entry: ts ${NOW} is more than 10 minutes ahead of this instance's clock (${
        NOW - 11 * 60_000
      })`,
  });
  assert.throws(
    () => decodeRecord(` ${line}`, { now: NOW }),
    (error: ProtocolError) => {
      assert.equal(error.code, "non_canonical");
      assert.match(
        error.message,
        /^Cannot accept record: Cannot parse canonical JSON: not canonical at offset 0/,
      );
      return true;
    },
  );
  assert.throws(() => decodeRecord("{}", { now: NOW }), {
    message:
      "Cannot accept record: it must have exactly content and entry, found nothing",
  });
});

Deno.test("property: any single-byte change to a valid record is refused", async () => {
  const { line } = createRecord(
    {
      author,
      seq: 1,
      prev: null,
      ts: NOW,
      type: "post",
      content: { text: "Mutate me", tags: ["x"] },
    },
    signer,
  );
  const bytes = new TextEncoder().encode(line);
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: bytes.length - 1 }),
      fc.integer({ min: 1, max: 255 }),
      async (at, delta) => {
        const mutated = bytes.slice();
        mutated[at] = (mutated[at] + delta) % 256;
        const text = new TextDecoder().decode(mutated);
        await assert.rejects(
          verifyRecord(text, { now: NOW, verify: verifyEd25519 }),
          ProtocolError,
        );
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("property: a chain of N random entries validates and links", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.string({ minLength: 1, maxLength: 40 }).filter((text) =>
          isValidContent("post", { text })
        ),
        { minLength: 1, maxLength: 12 },
      ),
      async (texts) => {
        let prev: string | null = null;
        for (const [i, text] of texts.entries()) {
          const record = createRecord({
            author,
            seq: i + 1,
            prev,
            ts: NOW + i,
            type: "post",
            content: { text },
          }, signer);
          const decoded = await verifyRecord(record.line, {
            now: NOW + i,
            verify: verifyEd25519,
          });
          assert.equal(decoded.entry.prev, prev);
          prev = decoded.id;
        }
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("decodeRecord reads escaped content keys right where V8's JSON.parse misreads them", () => {
  const tx = { " ": "stake", '"': 1 };
  const { line } = createRecord({
    author,
    seq: 1,
    prev: null,
    ts: NOW,
    type: "ledger",
    content: { ledger: author, tx },
  }, signer);
  // Primes V8's key shortcut with the same shape but a backslash key.
  JSON.parse(line.replace('"\\""', '"\\\\"'));
  assert.deepEqual(decodeRecord(line, { now: NOW }).content, {
    ledger: author,
    tx,
  });
});
