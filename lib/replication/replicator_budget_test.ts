/**
 * The message budget on a real GUN socket: a Replicator behind Deno.serve,
 * a raw GUN client over it, and a clock that stands still so no token ever
 * comes back during the test.
 */
import assert from "node:assert/strict";
import { verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { rawGunClient } from "../../tests/gun_client.ts";
import { waitUntil } from "../../tests/cluster.ts";
import type { PeerStatus } from "./peer_status.ts";
import { Replicator } from "./replicator.ts";
import type { MessageBudgetOptions } from "./message_budget.ts";

async function withReplicator(
  budget: Partial<MessageBudgetOptions>,
  run: (url: string, replicator: Replicator) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  const store = new RecordStore(kv);
  const now = Date.now();
  const ingest = new Ingest(store, { verify: verifyEd25519, now: () => now });
  const replicator = new Replicator({
    store,
    ingest,
    peers: [],
    followDepth: 1,
    now: () => now,
    budget,
  });
  await replicator.start();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) =>
      replicator.accept(
        request,
        `${info.remoteAddr.hostname}:${info.remoteAddr.port}`,
      ),
  );
  try {
    await run(`http://127.0.0.1:${server.addr.port}`, replicator);
  } finally {
    await replicator.close();
    await server.shutdown();
    kv.close();
  }
}

async function inbound(replicator: Replicator): Promise<PeerStatus[]> {
  return (await replicator.status()).filter((row) =>
    row.direction === "inbound"
  );
}

/** A GET for a soul nobody has: read (served nothing) or dropped. */
const probe = (id: string) => ({ "#": id, get: { "#": "kith/head/x" } });

Deno.test("messages over a connection's budget are dropped and counted as rate_limited", async () => {
  await withReplicator(
    { burst: 5, cutOffAfter: 1_000 },
    async (url, replicator) => {
      const client = await rawGunClient(url);
      try {
        for (let i = 0; i < 12; i++) client.send(probe(`m${i}`));
        await waitUntil(
          "the drops to be counted",
          async () =>
            (await inbound(replicator)).some((row) =>
              row.rejectedBy.rate_limited === 7
            ),
        );
        const [row] = await inbound(replicator);
        assert.equal(row.rejected, 7, JSON.stringify(row.rejectedBy));
        assert.equal(row.connected, true);
        assert.equal(row.cutOffs, 0);
      } finally {
        await client.close();
      }
    },
  );
});

Deno.test("each message of a batch frame spends the budget on its own", async () => {
  await withReplicator(
    { burst: 4, cutOffAfter: 1_000 },
    async (url, replicator) => {
      const client = await rawGunClient(url);
      try {
        const batch = Array.from({ length: 10 }, (_, i) => probe(`b${i}`));
        client.sendRaw(JSON.stringify(batch));
        await waitUntil(
          "the batch's drops to be counted",
          async () =>
            (await inbound(replicator)).some((row) =>
              row.rejectedBy.rate_limited === 6
            ),
        );
        // The bucket is empty: the next frame is dropped before it is parsed.
        client.sendRaw("[not json at all");
        await waitUntil(
          "the unread frame to be counted",
          async () =>
            (await inbound(replicator)).some((row) =>
              row.rejectedBy.rate_limited === 7
            ),
        );
      } finally {
        await client.close();
      }
    },
  );
});

Deno.test("a peer that stays over budget is cut off, and the cut-off is listed", async () => {
  await withReplicator(
    { burst: 3, cutOffAfter: 20 },
    async (url, replicator) => {
      const flooder = await rawGunClient(url);
      const honest = await rawGunClient(url);
      for (let i = 0; i < 200; i++) flooder.send(probe(`f${i}`));
      await flooder.closed;
      await waitUntil(
        "the cut-off to be listed",
        async () =>
          (await inbound(replicator)).some((row) =>
            row.cutOffs === 1 && !row.connected
          ),
      );
      const rows = await inbound(replicator);
      const cut = rows.find((row) => row.cutOffs === 1)!;
      // 3 read, 20 dropped, the 21st dropped and cut off; the rest unheard.
      assert.equal(cut.rejectedBy.rate_limited, 21);
      assert.equal(cut.rejected, 21);
      const other = rows.find((row) => row !== cut)!;
      assert.equal(other.connected, true, "the other peer stays connected");
      assert.equal(other.cutOffs, 0);
      await honest.close();
    },
  );
});
