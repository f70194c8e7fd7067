import assert from "node:assert/strict";
import { ed } from "./noble.ts";
import { checkStrictEncoding } from "./strict_ed25519.ts";
import { verifyEd25519Sync } from "./verify_browser.ts";
import { verifyEd25519 } from "./verify_server.ts";
import { verifyBoth } from "./_testing.ts";

const { hexToBytes } = ed.etc;
const vectors = new URL("../../tests/vectors/", import.meta.url);
const readJson = async (name: string) =>
  JSON.parse(await Deno.readTextFile(new URL(name, vectors)));

interface WycheproofFile {
  numberOfTests: number;
  testGroups: {
    publicKey: { pk: string };
    tests: {
      tcId: number;
      comment: string;
      msg: string;
      sig: string;
      result: "valid" | "invalid";
    }[];
  }[];
}

interface TamingFile {
  cases: {
    id: number;
    message: string;
    pub_key: string;
    signature: string;
    expected: boolean;
    reason: string;
  }[];
}

Deno.test("both verifiers give Wycheproof's verdict on all 151 cases", async () => {
  const file: WycheproofFile = await readJson("wycheproof_ed25519_test.json");
  let count = 0;
  for (const group of file.testGroups) {
    const key = hexToBytes(group.publicKey.pk);
    for (const test of group.tests) {
      const label = `tcId ${test.tcId} (${test.comment})`;
      const verdict = await verifyBoth(
        key,
        hexToBytes(test.msg),
        hexToBytes(test.sig),
        label,
      );
      assert.equal(verdict, test.result === "valid", label);
      count++;
    }
  }
  assert.equal(count, 151);
  assert.equal(file.numberOfTests, 151);
});

Deno.test("both verifiers give Kith's verdict on the 12 taming cases", async () => {
  const file: TamingFile = await readJson("taming_eddsa.json");
  assert.deepEqual(file.cases.map((c) => c.id), [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
  ]);
  for (const c of file.cases) {
    const [key, msg, sig] = [c.pub_key, c.message, c.signature].map(hexToBytes);
    const label = `taming case ${c.id}`;
    assert.equal(await verifyBoth(key, msg, sig, label), c.expected, label);
    // The byte rule refuses for the documented reason; "equation" cases
    // pass it and fail [S]B = R + [k]A.
    const strict = checkStrictEncoding(key, sig);
    const reason = strict.ok ? (c.expected ? "ok" : "equation") : strict.reason;
    assert.equal(reason, c.reason, label);
  }
});

const SECRET = hexToBytes(
  "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
);
const KEY = ed.getPublicKey(SECRET);
const MSG = hexToBytes("72");
const SIG = ed.sign(MSG, SECRET);

Deno.test("wrong lengths give false, not an error", async () => {
  const cases: [Uint8Array, Uint8Array][] = [
    [KEY.subarray(1), SIG],
    [new Uint8Array(33), SIG],
    [KEY, SIG.subarray(1)],
    [KEY, new Uint8Array(65)],
    [new Uint8Array(0), new Uint8Array(0)],
  ];
  for (const [key, sig] of cases) {
    assert.equal(
      await verifyBoth(key, MSG, sig, `${key.length}/${sig.length}`),
      false,
    );
  }
});

Deno.test("a canonical y that is not on the curve gives false", async () => {
  // y = 2 has no x on Ed25519 (noble's strict decoding refuses it).
  const key = new Uint8Array(32);
  key[0] = 2;
  assert.throws(() => ed.Point.fromBytes(key), Error);
  assert.deepEqual(checkStrictEncoding(key, SIG), { ok: true });
  assert.equal(await verifyBoth(key, MSG, SIG, "off-curve A"), false);
  const sig = SIG.slice();
  sig.set(key, 0);
  assert.equal(await verifyBoth(KEY, MSG, sig, "off-curve R"), false);
});

Deno.test("verifiers accept subarrays and SharedArrayBuffer-backed bytes", async () => {
  const shared = new Uint8Array(new SharedArrayBuffer(1 + 32 + 1 + 64));
  shared.set(KEY, 1);
  shared.set(MSG, 33);
  shared.set(SIG, 34);
  const [key, msg, sig] = [
    shared.subarray(1, 33),
    shared.subarray(33, 34),
    shared.subarray(34),
  ];
  assert.equal(await verifyBoth(key, msg, sig, "shared"), true);
});

Deno.test("non-Uint8Array arguments throw TypeError in both verifiers", async () => {
  const notBytes = "00" as unknown as Uint8Array;
  const cases: [Uint8Array, Uint8Array, Uint8Array, string][] = [
    [notBytes, MSG, SIG, "publicKey"],
    [KEY, notBytes, SIG, "message"],
    [KEY, MSG, notBytes, "signature"],
  ];
  for (const [key, msg, sig, name] of cases) {
    const message = `Cannot verify signature: ${name} is not a Uint8Array`;
    const check = (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.equal(error.message, message);
      return true;
    };
    await assert.rejects(verifyEd25519(key, msg, sig), check);
    assert.throws(() => verifyEd25519Sync(key, msg, sig), check);
  }
});

Deno.test("the server verifier gives the same verdict with a cached key", async () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(await verifyEd25519(KEY, MSG, SIG), true);
    assert.equal(await verifyEd25519(KEY, hexToBytes("73"), SIG), false);
  }
  // Concurrent first use of a new key imports once and still verifies.
  const secret = new Uint8Array(32).fill(7);
  const key = ed.getPublicKey(secret);
  const sig = ed.sign(MSG, secret);
  const results = await Promise.all(
    Array.from({ length: 8 }, () => verifyEd25519(key, MSG, sig)),
  );
  assert.deepEqual(results, Array(8).fill(true));
});
