/**
 * `--rate-gun` reaches the GUN socket: the same 300 junk messages are read
 * under the default budget; past a budget of 10/s (bursts of 20) they are
 * dropped unread, and after 100 drops (ten times the rate) the client is
 * hung up on; with `off` all are read again.
 */
import assert from "node:assert/strict";
import { startTestInstance } from "./helpers.ts";
import { waitUntil } from "./cluster.ts";
import { rawGunClient } from "./gun_client.ts";

async function judged(args: string[]) {
  const instance = await startTestInstance(args);
  try {
    const client = await rawGunClient(instance.url);
    for (let i = 0; i < 300; i++) {
      client.put(`junk/${i}`, "k", `junk ${i}`, Date.now());
    }
    const row = async () =>
      (await (await fetch(`${instance.url}/api/peers`)).json()).peers
        .find((peer: { direction: string }) => peer.direction === "inbound");
    // Every message is read (and dropped as a foreign soul) or dropped
    // unread for the budget, until the client is cut off.
    await waitUntil("all 300 messages judged, or a cut-off", async () => {
      const peer = await row();
      const by = peer?.rejectedBy ?? {};
      return peer?.cutOffs > 0 ||
        (by.foreign_soul ?? 0) + (by.rate_limited ?? 0) >= 300;
    });
    const peer = await row();
    await client.close();
    return {
      read: peer.rejectedBy.foreign_soul ?? 0,
      limited: peer.rejectedBy.rate_limited ?? 0,
      cutOffs: peer.cutOffs,
    };
  } finally {
    await instance.close();
  }
}

Deno.test("--rate-gun sets the message budget of each GUN connection", async () => {
  const all = { read: 300, limited: 0, cutOffs: 0 };
  assert.deepEqual(await judged([]), all, "the default takes 300 at once");
  const limited = await judged(["--rate-gun", "10/s"]);
  assert.equal(limited.limited, 101, "cut off at the 101st drop");
  assert.equal(limited.cutOffs, 1);
  assert.ok(limited.read >= 20, `the burst of 20 is read: ${limited.read}`);
  assert.ok(limited.read + limited.limited < 300, "the rest is never heard");
  assert.deepEqual(await judged(["--rate-gun", "off"]), all);
});
