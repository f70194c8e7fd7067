import assert from "node:assert/strict";
import fc from "fast-check";
import { ed } from "./noble.ts";
import {
  assertValidPublicKey,
  checkStrictEncoding,
  checkStrictPoint,
  L,
  P,
  SMALL_ORDER_ENCODINGS,
} from "./strict_ed25519.ts";

const { hexToBytes, bytesToHex } = ed.etc;
const le = (n: bigint) =>
  hexToBytes(n.toString(16).padStart(64, "0")).reverse();
const fromLE = (b: Uint8Array) =>
  BigInt("0x" + bytesToHex(b.slice().reverse()));
const concat = (a: Uint8Array, b: Uint8Array) => ed.etc.concatBytes(a, b);

// A real key and signature, so each test changes one thing only.
const SECRET = hexToBytes(
  "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
);
const KEY = ed.getPublicKey(SECRET);
const SIG = ed.sign(new Uint8Array(), SECRET);
const R = SIG.subarray(0, 32);

function throwsExactly(fn: () => unknown, cls: ErrorConstructor, msg: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof cls, `expected ${cls.name}, got ${error}`);
    assert.equal(error.message, msg);
    return true;
  });
}

/** Every 32-byte encoding whose y (mod p) is that of a small-order point. */
function allSmallOrderEncodings(): Uint8Array[] {
  const ys = new Set(
    SMALL_ORDER_ENCODINGS.map((h) => fromLE(hexToBytes(h)) & (2n ** 255n - 1n)),
  );
  const out: Uint8Array[] = [];
  for (const y of ys) {
    for (const y2 of [y, y + P]) {
      if (y2 >= 2n ** 255n) continue;
      for (const sign of [0n, 2n ** 255n]) out.push(le(y2 + sign));
    }
  }
  return out;
}

Deno.test("constants are p = 2^255 - 19 and L, the order of B", () => {
  assert.equal(
    P,
    57896044618658097711785492504343953926634992332820282019728792003956564819949n,
  );
  assert.equal(
    L,
    7237005577332262213973186563042994240857116359379907606001950938285454250989n,
  );
  assert.ok(ed.Point.BASE.multiply(L - 1n).add(ed.Point.BASE).is0());
});

Deno.test("SMALL_ORDER_ENCODINGS are the 8 torsion points, canonically encoded", () => {
  const points = SMALL_ORDER_ENCODINGS.map((h) => ed.Point.fromHex(h));
  assert.equal(new Set(points.map((p) => p.toHex())).size, 8);
  for (const [i, p] of points.entries()) {
    assert.ok(p.isSmallOrder());
    assert.equal(p.toHex(), SMALL_ORDER_ENCODINGS[i]); // canonical
  }
});

Deno.test("checkStrictEncoding accepts a real RFC 8032 key and signature", () => {
  assert.deepEqual(checkStrictEncoding(KEY, SIG), { ok: true });
});

Deno.test("checkStrictEncoding reports wrong lengths, key first", () => {
  const bad = (reason: string) => ({ ok: false, reason });
  assert.deepEqual(
    checkStrictEncoding(KEY.subarray(1), SIG),
    bad("bad_key_length"),
  );
  assert.deepEqual(
    checkStrictEncoding(concat(KEY, new Uint8Array(1)), SIG),
    bad("bad_key_length"),
  );
  assert.deepEqual(
    checkStrictEncoding(KEY, SIG.subarray(1)),
    bad("bad_signature_length"),
  );
  assert.deepEqual(
    checkStrictEncoding(KEY, concat(SIG, new Uint8Array(1))),
    bad("bad_signature_length"),
  );
  assert.deepEqual(
    checkStrictEncoding(new Uint8Array(0), new Uint8Array(0)),
    bad("bad_key_length"),
  );
});

Deno.test("every encoding of every small-order point is refused as A and as R", () => {
  const encodings = allSmallOrderEncodings();
  assert.equal(encodings.length, 14); // 5 y values, 2 of them also as y + p; 2 signs
  for (const enc of encodings) {
    const canonical = SMALL_ORDER_ENCODINGS.includes(bytesToHex(enc));
    const asKey = checkStrictEncoding(enc, SIG);
    assert.deepEqual(asKey, {
      ok: false,
      reason: canonical ? "small_order_key" : "non_canonical_key",
    }, bytesToHex(enc));
    const asR = checkStrictEncoding(KEY, concat(enc, SIG.subarray(32)));
    assert.deepEqual(asR, {
      ok: false,
      reason: canonical ? "small_order_r" : "non_canonical_r",
    }, bytesToHex(enc));
  }
});

Deno.test("y >= p is non-canonical; y = p - 2 with either sign is not", () => {
  for (const y of [P, P + 1n, P + 5n, 2n ** 255n - 1n]) {
    assert.equal(checkStrictPoint(le(y)), "non_canonical");
    assert.equal(checkStrictPoint(le(y + 2n ** 255n)), "non_canonical");
  }
  assert.equal(checkStrictPoint(le(P - 2n)), "ok");
  assert.equal(checkStrictPoint(le(P - 2n + 2n ** 255n)), "ok");
});

Deno.test("S must be below L", () => {
  const withS = (s: bigint) => concat(R, le(s));
  assert.deepEqual(checkStrictEncoding(KEY, withS(0n)), { ok: true });
  assert.deepEqual(checkStrictEncoding(KEY, withS(L - 1n)), { ok: true });
  for (const s of [L, L + 1n, 2n * L, 2n ** 253n, 2n ** 256n - 1n]) {
    assert.deepEqual(checkStrictEncoding(KEY, withS(s)), {
      ok: false,
      reason: "non_canonical_s",
    });
  }
});

Deno.test("checkStrictPoint matches a bigint reference on random bytes", () => {
  const smallOrder = new Set(SMALL_ORDER_ENCODINGS);
  const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  // Bias towards the edges: top bytes 0xff/0x7f/0xff and tiny y.
  const edgy = fc.tuple(bytes32, fc.constantFrom(0, 1, 2)).map(([b, kind]) => {
    if (kind === 1) b.fill(0xff, 1, 31), b[31] |= 0x7f;
    if (kind === 2) b.fill(0, 1, 31), b[31] &= 0x80;
    return b;
  });
  fc.assert(
    fc.property(edgy, (b) => {
      const y = fromLE(b) & (2n ** 255n - 1n);
      const signed = b[31] >= 0x80;
      const expected = y >= P || (signed && (y === 1n || y === P - 1n))
        ? "non_canonical"
        : smallOrder.has(bytesToHex(b))
        ? "small_order"
        : "ok";
      assert.equal(checkStrictPoint(b), expected);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("checkStrictEncoding's S check matches a bigint reference", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (s) => {
      const verdict = checkStrictEncoding(KEY, concat(R, s));
      assert.equal(verdict.ok, fromLE(s) < L);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("checkStrictPoint reads at an offset and refuses short input", () => {
  assert.equal(checkStrictPoint(SIG, { offset: 0 }), "ok");
  assert.equal(
    checkStrictPoint(concat(new Uint8Array(3), le(P)), { offset: 3 }),
    "non_canonical",
  );
  throwsExactly(
    () => checkStrictPoint(SIG, { offset: 40 }),
    RangeError,
    "Cannot check point: it has 24 bytes, expected 32",
  );
  throwsExactly(
    () => checkStrictPoint(SIG, { offset: -1 }),
    RangeError,
    "Cannot check point: offset -1 is invalid",
  );
});

Deno.test("non-Uint8Array arguments throw TypeError", () => {
  const notBytes = [...KEY] as unknown as Uint8Array;
  throwsExactly(
    () => checkStrictEncoding(notBytes, SIG),
    TypeError,
    "Cannot check public key: it is not a Uint8Array",
  );
  throwsExactly(
    () => checkStrictEncoding(KEY, notBytes),
    TypeError,
    "Cannot check signature: it is not a Uint8Array",
  );
  throwsExactly(
    () => checkStrictPoint(notBytes),
    TypeError,
    "Cannot check point: it is not a Uint8Array",
  );
});

Deno.test("assertValidPublicKey accepts a real key and names each problem", () => {
  assertValidPublicKey(KEY);
  throwsExactly(
    () => assertValidPublicKey(KEY.subarray(1)),
    TypeError,
    "Cannot use public key: it has 31 bytes, expected 32",
  );
  throwsExactly(
    () => assertValidPublicKey(new Uint8Array(33)),
    TypeError,
    "Cannot use public key: it has 33 bytes, expected 32",
  );
  throwsExactly(
    () => assertValidPublicKey("x" as unknown as Uint8Array),
    TypeError,
    "Cannot use public key: it is not a Uint8Array",
  );
  throwsExactly(
    () => assertValidPublicKey(le(P)),
    TypeError,
    "Cannot use public key: it is not a canonical point encoding",
  );
  throwsExactly(
    () => assertValidPublicKey(new Uint8Array(32)),
    TypeError,
    "Cannot use public key: it is a small-order point",
  );
});
