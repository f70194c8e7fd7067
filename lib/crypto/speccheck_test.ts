import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { ed } from "./noble.ts";
import { checkStrictEncoding } from "./strict_ed25519.ts";
import { verifyBoth } from "./_testing.ts";
import {
  type ClassifiedCase,
  generateFile,
  publishedText,
  SOURCE,
} from "../../tests/vectors/classify_speccheck.ts";

const { hexToBytes, bytesToHex } = ed.etc;
const VECTORS = new URL(
  "../../tests/vectors/speccheck_cases.json",
  import.meta.url,
);
const text = await Deno.readTextFile(VECTORS);
const file = JSON.parse(text) as {
  source: typeof SOURCE;
  cases: ClassifiedCase[];
};

Deno.test("speccheck cases are the 15 published ones, byte for byte", () => {
  assert.equal(file.cases.length, 15);
  assert.deepEqual(file.cases.map((c) => c.index), [...Array(15).keys()]);
  assert.equal(file.source.commit, SOURCE.commit);
  // Re-serializing (message, pub_key, signature) gives the published
  // cases.json exactly, pinned by its SHA-256.
  const published = new TextEncoder().encode(publishedText(file.cases));
  assert.equal(published.length, 4486);
  assert.equal(bytesToHex(sha256(published)), SOURCE.sha256);
  assert.equal(file.source.sha256, SOURCE.sha256);
});

Deno.test("speccheck verdicts are frozen: re-deriving them changes nothing", () => {
  assert.equal(generateFile(file.cases), text);
});

Deno.test("Kith accepts only speccheck case 6 (mixed-order A and R, both equations hold)", () => {
  assert.deepEqual(
    file.cases.filter((c) => c.expected).map((c) => c.index),
    [6],
  );
});

Deno.test("both verifiers give the derived verdict on all 15 speccheck cases", async () => {
  for (const c of file.cases) {
    const [key, msg, sig] = [c.pub_key, c.message, c.signature].map(hexToBytes);
    const label = `speccheck case ${c.index} (${c.class})`;
    assert.equal(await verifyBoth(key, msg, sig, label), c.expected, label);
    // The byte rule refuses for the derived reason; "equation" cases pass
    // it and fail [S]B = R + [k]A.
    const strict = checkStrictEncoding(key, sig);
    const reason = strict.ok ? (c.expected ? "ok" : "equation") : strict.reason;
    assert.equal(reason, c.reason, label);
  }
});
