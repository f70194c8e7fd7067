import assert from "node:assert/strict";
import { ledgerPut, ledgerSoul, takeLedgerMessages } from "./ledger_channel.ts";
import type { GunMessage } from "./gun_types.d.ts";

const LEDGER = "L".repeat(43);

/** A put of `values` under the ledger's soul, keys hashed like ledgerPut's. */
function putOf(values: string[], extra: Record<string, unknown> = {}) {
  const message = ledgerPut(LEDGER, values[0]);
  const soul = ledgerSoul(LEDGER);
  const node = (message.put as Record<string, Record<string, unknown>>)[soul];
  for (const value of values.slice(1)) {
    const more = ledgerPut(LEDGER, value).put as Record<string, object>;
    Object.assign(node, more[soul]);
  }
  return { "#": "msg-1", ...extra, put: { ...message.put } } as GunMessage;
}

Deno.test("ledger channel: new valid messages are judged and relayed under the message's id", async () => {
  const judged: string[] = [];
  const message = putOf(['{"vote":1}', '{"vote":2}']);
  const relay = await takeLedgerMessages(message, "peer", {
    handler: (ledger, value, peer) => {
      assert.equal(ledger, LEDGER);
      assert.equal(peer, "peer");
      judged.push(value);
      return Promise.resolve(value === '{"vote":1}');
    },
    drop: () => assert.fail("nothing is malformed"),
  });
  assert.deepEqual(judged.sort(), ['{"vote":1}', '{"vote":2}']);
  assert.equal(relay!["#"], "msg-1");
  const node = (relay!.put as Record<string, Record<string, unknown>>)[
    ledgerSoul(LEDGER)
  ];
  assert.deepEqual(
    Object.values(node).filter((v) => typeof v === "string"),
    ['{"vote":1}'],
    "only what the ledger found new travels on",
  );
  assert.deepEqual(message.put, {}, "ledger souls never reach the firewall");
});

Deno.test("ledger channel: keys that are not the value's hash count as drops; replies are not relayed", async () => {
  const message = putOf(['{"vote":1}']);
  const node = (message.put as Record<string, Record<string, unknown>>)[
    ledgerSoul(LEDGER)
  ];
  node["not-the-hash"] = '{"vote":3}';
  node["other"] = 42;
  let drops = 0;
  const relay = await takeLedgerMessages(message, "peer", {
    handler: () => Promise.resolve(true),
    drop: (count) => drops += count,
  });
  assert.equal(drops, 2);
  assert.ok(relay, "the well-formed key still passes");

  const reply = putOf(['{"vote":1}'], { "@": "ask-1" });
  assert.equal(
    await takeLedgerMessages(reply, "peer", {
      handler: () => Promise.resolve(true),
      drop: () => {},
    }),
    null,
  );
});

Deno.test("ledger channel: without a handler ledger souls are taken out quietly; other souls stay", async () => {
  const message = putOf(['{"vote":1}']);
  (message.put as Record<string, unknown>)["kith/log/x/0"] = { _: {} };
  let drops = 0;
  assert.equal(
    await takeLedgerMessages(message, "peer", { drop: () => drops++ }),
    null,
  );
  assert.equal(drops, 0);
  assert.deepEqual(Object.keys(message.put!), ["kith/log/x/0"]);
});
