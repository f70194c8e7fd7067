import assert from "node:assert/strict";
import { AdminAuth, SESSION_MS } from "./admin.ts";

Deno.test("the admin token is made once, kept in KV, and checked exactly", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const first = await AdminAuth.open(kv);
    const again = await AdminAuth.open(kv);
    assert.equal(again.token, first.token);
    assert.equal(first.configured, false);
    assert.equal((await kv.get(["instance", "adminToken"])).value, first.token);
    assert.equal(await first.matches(first.token), true);
    assert.equal(await first.matches(first.token + "x"), false);
    assert.equal(await first.matches(""), false);
    const set = await AdminAuth.open(kv, "an-operator-chosen-token");
    assert.equal(set.token, "an-operator-chosen-token");
    assert.equal(set.configured, true);
  } finally {
    kv.close();
  }
});

Deno.test("admin sessions verify until they expire, and only for their token", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const admin = await AdminAuth.open(kv);
    const other = await AdminAuth.open(kv, "another-token-entirely");
    const session = await admin.session(1_000);
    assert.ok(!session.includes(admin.token));
    assert.equal(await admin.verifySession(session, 2_000), true);
    assert.equal(
      await admin.verifySession(session, 1_000 + SESSION_MS),
      false,
      "expired",
    );
    assert.equal(await other.verifySession(session, 2_000), false);
    const [expires, mac] = session.split(".");
    assert.equal(
      await admin.verifySession(`${Number(expires) + 1}.${mac}`, 2_000),
      false,
      "the expiry is signed",
    );
    assert.equal(await admin.verifySession(undefined, 0), false);
    assert.equal(await admin.verifySession("garbage", 0), false);
  } finally {
    kv.close();
  }
});
