import assert from "node:assert/strict";
import { checkReadiness } from "./readiness.ts";

Deno.test("checkReadiness is ready when KV reads and replication runs", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.deepEqual(
      await checkReadiness({ kv, replication: { running: true } }),
      {
        ready: true,
        checks: { kv: { ok: true }, replication: { ok: true } },
      },
    );
    assert.deepEqual(
      await checkReadiness({ kv, replication: { running: false } }),
      {
        ready: false,
        checks: {
          kv: { ok: true },
          replication: { ok: false, error: "Replication is not running" },
        },
      },
    );
  } finally {
    kv.close();
  }
});

Deno.test("checkReadiness reports a closed KV without throwing", async () => {
  const kv = await Deno.openKv(":memory:");
  kv.close();
  const readiness = await checkReadiness({
    kv,
    replication: { running: true },
  });
  assert.equal(readiness.ready, false);
  assert.equal(readiness.checks.kv.ok, false);
  assert.match(readiness.checks.kv.error!, /^Cannot read KV: /);
  assert.deepEqual(readiness.checks.replication, { ok: true });
});

Deno.test("checkReadiness gives up on a KV that does not answer in time", async () => {
  const never = { get: () => new Promise(() => {}) } as unknown as Deno.Kv;
  const readiness = await checkReadiness(
    { kv: never, replication: { running: true } },
    { timeoutMs: 10 },
  );
  assert.deepEqual(readiness.checks.kv, {
    ok: false,
    error: "Cannot read KV: no answer within 10 ms",
  });
});
