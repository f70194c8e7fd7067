import assert from "node:assert/strict";
import { generateKeyPair, sign } from "../crypto/mod.ts";
import { encodeBase64Url } from "../protocol/mod.ts";
import { HttpError } from "../web/http_error.ts";
import { AdminAuth, NONCE_MS, SESSION_MS } from "./admin.ts";
import {
  claimMessage,
  loginMessage,
  signRequestHeaders,
  tokenHash,
} from "./admin_messages.ts";

const ORIGIN = "https://kith.example";

function person() {
  const { secretKey, publicKey } = generateKeyPair();
  const author = encodeBase64Url(publicKey);
  return {
    author,
    secretKey,
    signs: (bytes: Uint8Array) => encodeBase64Url(sign(secretKey, bytes)),
  };
}

async function withKv(run: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await run(kv);
  } finally {
    kv.close();
  }
}

function claimOf(owner: ReturnType<typeof person>, token: string) {
  return {
    token,
    author: owner.author,
    origin: ORIGIN,
    signature: owner.signs(
      claimMessage(ORIGIN, {
        tokenHash: tokenHash(token),
        author: owner.author,
      }),
    ),
  };
}

async function refused(
  promise: Promise<unknown>,
  status: number,
  reason: string,
) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof HttpError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.reason, reason);
    return true;
  });
}

Deno.test("an unclaimed instance keeps only the claim token's hash, and the first valid claim wins once", async () => {
  await withKv(async (kv) => {
    const admin = await AdminAuth.open(kv);
    const token = admin.claimToken!;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(admin.owner, null);
    for await (const entry of kv.list({ prefix: [] })) {
      assert.ok(!JSON.stringify(entry.value).includes(token), "token stored");
    }
    assert.equal(
      (await kv.get(["instance", "claimTokenHash"])).value,
      tokenHash(token),
    );
    const ada = person();
    const eve = person();
    // A wrong token, a signature by another key, a signature of another
    // origin: all refused, and the token stays claimable.
    await refused(admin.claim(claimOf(ada, token + "x")), 403, "bad_token");
    await refused(
      admin.claim({ ...claimOf(ada, token), author: eve.author }),
      403,
      "bad_signature",
    );
    await refused(
      admin.claim({ ...claimOf(ada, token), origin: "https://evil.example" }),
      403,
      "bad_signature",
    );
    await refused(
      admin.claim({ ...claimOf(ada, token), author: "not-a-key" }),
      400,
      "bad_key",
    );
    await admin.claim(claimOf(ada, token));
    assert.equal(admin.owner, ada.author);
    assert.equal((await kv.get(["instance", "claimTokenHash"])).value, null);
    await refused(admin.claim(claimOf(eve, token)), 409, "already_claimed");
    // A restart knows the owner and makes no claim token.
    const again = await AdminAuth.open(kv);
    assert.equal(again.owner, ada.author);
    assert.equal(again.claimToken, undefined);
    await refused(again.claim(claimOf(eve, token)), 409, "already_claimed");
  });
});

Deno.test("a restart before the claim replaces the token: the old link is dead", async () => {
  await withKv(async (kv) => {
    const first = await AdminAuth.open(kv);
    const second = await AdminAuth.open(kv);
    assert.notEqual(first.claimToken, second.claimToken);
    const ada = person();
    await refused(
      second.claim(claimOf(ada, first.claimToken!)),
      403,
      "bad_token",
    );
    await second.claim(claimOf(ada, second.claimToken!));
    assert.equal(second.owner, ada.author);
  });
});

Deno.test("login: only the owner's signature of a fresh nonce, used once, before it expires", async () => {
  await withKv(async (kv) => {
    let now = 1_800_000_000_000;
    const ada = person();
    const eve = person();
    const admin = await AdminAuth.open(kv, {
      owner: ada.author,
      now: () => now,
    });
    assert.equal(admin.configured, true);
    const loginOf = (who: ReturnType<typeof person>, nonce: string) => ({
      nonce,
      author: who.author,
      origin: ORIGIN,
      signature: who.signs(loginMessage(ORIGIN, { nonce, author: who.author })),
    });
    await refused(
      admin.login(loginOf(eve, await admin.nonce())),
      403,
      "not_owner",
    );
    const badSig = loginOf(ada, await admin.nonce());
    await refused(
      admin.login({ ...badSig, signature: eve.signs(new Uint8Array(1)) }),
      403,
      "bad_signature",
    );
    // A failed attempt used its nonce up.
    await refused(admin.login(loginOf(ada, badSig.nonce)), 403, "bad_nonce");
    const nonce = await admin.nonce();
    await admin.login(loginOf(ada, nonce));
    await refused(admin.login(loginOf(ada, nonce)), 403, "bad_nonce");
    await refused(admin.login(loginOf(ada, "made-up")), 403, "bad_nonce");
    const late = await admin.nonce();
    now += NONCE_MS + 1;
    await refused(admin.login(loginOf(ada, late)), 403, "bad_nonce");
  });
});

Deno.test("sessions: the owner's cookie verifies until it expires, and not after the owner changes", async () => {
  await withKv(async (kv) => {
    let now = 1_800_000_000_000;
    const ada = person();
    const admin = await AdminAuth.open(kv, {
      owner: ada.author,
      now: () => now,
    });
    const cookie = await admin.session();
    assert.match(cookie, /^\d+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(await admin.verifySession(cookie), true);
    assert.equal(await admin.verifySession(undefined), false);
    const [expires, mac] = cookie.split(".");
    assert.equal(
      await admin.verifySession(`${Number(expires) + 1}.${mac}`),
      false,
      "a moved expiry breaks the HMAC",
    );
    const bob = person();
    const other = await AdminAuth.open(kv, {
      owner: bob.author,
      now: () => now,
    });
    assert.equal(await other.verifySession(cookie), false);
    now += SESSION_MS;
    assert.equal(await admin.verifySession(cookie), false);
  });
});

Deno.test("signed API requests: owner's key, time within 5 minutes, signature over method, path and body, no replay", async () => {
  await withKv(async (kv) => {
    const now = 1_800_000_000_000;
    const ada = person();
    const eve = person();
    const admin = await AdminAuth.open(kv, {
      owner: ada.author,
      now: () => now,
    });
    const body = new TextEncoder().encode('{"name":"Garden"}');
    const path = "/api/admin/instance";
    const signed = (
      who: ReturnType<typeof person>,
      at = now,
      request = { method: "POST", path, body },
    ) =>
      new Headers(signRequestHeaders(request, {
        author: who.author,
        sign: (bytes) => sign(who.secretKey, bytes),
        now: at,
      }));
    const check = (
      headers: Headers,
      overrides: Partial<{ path: string; body: Uint8Array; method: string }> =
        {},
    ) =>
      admin.verifyRequest({
        method: "POST",
        path,
        body,
        headers,
        ...overrides,
      });

    await refused(check(new Headers()), 403, "not_admin");
    await refused(check(signed(eve)), 403, "not_owner");
    await refused(
      check(signed(ada, now - 5 * 60_000 - 1_000)),
      403,
      "bad_time",
    );
    await refused(check(signed(ada, now + 6 * 60_000)), 403, "bad_time");
    const good = signed(ada);
    await refused(
      check(good, { path: "/api/admin/ledgers/x" }),
      403,
      "bad_signature",
    );
    await refused(
      check(good, { body: new Uint8Array(0) }),
      403,
      "bad_signature",
    );
    await refused(check(good, { method: "PUT" }), 403, "bad_signature");
    await check(good);
    await refused(check(good), 403, "replayed");
    // Four minutes off is within the window.
    await check(signed(ada, now - 4 * 60_000));
  });
});

Deno.test("open refuses a configured owner that is not a key, and drops an earlier version's admin token", async () => {
  await withKv(async (kv) => {
    await kv.set(["instance", "adminToken"], "old-token-from-before");
    await assert.rejects(
      AdminAuth.open(kv, { owner: "nope" }),
      new TypeError(
        "Cannot set owner: it is not an author key (43 base64url characters)",
      ),
    );
    await AdminAuth.open(kv);
    assert.equal((await kv.get(["instance", "adminToken"])).value, null);
  });
});
