import assert from "node:assert/strict";
import { captureIo, startTestInstance } from "../../tests/helpers.ts";
import { runCli } from "./mod.ts";
import {
  formatDuration,
  formatPeers,
  formatStatus,
  type PeerRow,
} from "./status.ts";

Deno.test("formatPeers aligns the peer table and says what was rejected why", () => {
  const now = 1_800_000_000_000;
  const rows: PeerRow[] = [
    {
      url: "http://127.0.0.1:8001",
      direction: "outbound",
      connected: true,
      lastSeen: now - 65_000,
      lag: 3,
      recordsIn: 120,
      recordsOut: 7,
      rejected: 2,
      rejectedBy: { bad_key: 2, too_large: 0 },
    },
    {
      url: "inbound:127.0.0.1:50122",
      direction: "inbound",
      connected: false,
      lastSeen: null,
      lag: 0,
      recordsIn: 0,
      recordsOut: 0,
      rejected: 0,
      rejectedBy: {},
    },
  ];
  assert.deepEqual(formatPeers(rows, now), [
    "URL                      DIRECTION  CONNECTED  LAST SEEN  LAG  IN   OUT  REJECTED",
    "http://127.0.0.1:8001    outbound   yes        1m 5s ago  3    120  7    bad_key=2",
    "inbound:127.0.0.1:50122  inbound    no         never      0    0    0    0",
  ]);
  assert.deepEqual(formatPeers([], now), ["No peers"]);
});

Deno.test("formatStatus says why an instance is not ready and lists its ledgers", () => {
  assert.deepEqual(
    formatStatus({
      server: "http://127.0.0.1:8000",
      name: "Garden",
      version: "0.1.0",
      uptime: 3_700,
      ready: false,
      readyDetail: {
        ready: false,
        checks: {
          kv: { ok: true },
          replication: { ok: false, error: "Replication is not running" },
        },
      },
      replicatedAuthors: 12,
      peers: { connected: 1, total: 2 },
      ledgers: [
        { id: "L1", name: "Commons", height: 42 },
        { id: "L2", name: null, height: 0 },
      ],
    }),
    [
      "Garden (Kith 0.1.0) at http://127.0.0.1:8000",
      "Uptime:             1h 1m",
      "Ready:              not ready (replication: Replication is not running)",
      "Replicated authors: 12",
      "Peers:              1 connected of 2",
      "Ledgers:            Commons L1 at height 42",
      "                    (genesis unknown) L2 at height 0",
    ],
  );
});

Deno.test("formatDuration reads as people say it", () => {
  assert.deepEqual(
    [0, 59, 61, 3_600 * 2 + 300, 86_400 * 3 + 3_600 * 4].map(formatDuration),
    ["0s", "59s", "1m 1s", "2h 5m", "3d 4h"],
  );
});

Deno.test({
  name: "status and peers read a running instance, as text and as JSON",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const upstream = await startTestInstance(["--name", "Upstream"]);
    const instance = await startTestInstance([
      "--name",
      "Garden",
      "--peers",
      upstream.url,
    ]);
    try {
      const health = await (await fetch(`${instance.url}/healthz`)).json();
      const readyz = await fetch(`${instance.url}/readyz`);
      await readyz.body?.cancel();
      const text = captureIo({ KITH_SERVER: instance.url });
      assert.equal(await runCli(["status"], text.io), 0, text.err.join("\n"));
      assert.equal(
        text.out[0],
        `Garden (Kith ${health.version}) at ${instance.url}`,
      );
      assert.match(text.out[1], /^Uptime: {13}\d+s$/);
      if (readyz.status === 404) {
        assert.equal(
          text.out[2],
          "Ready:              unknown (the instance has no /readyz)",
        );
      } else if (readyz.ok) {
        assert.equal(text.out[2], "Ready:              ready");
      } else assert.match(text.out[2], /^Ready: {14}not ready \{/);
      assert.match(text.out[3], /^Replicated authors: \d+$/);
      assert.match(text.out[4], /^Peers: {14}[01] connected of 1$/);
      assert.equal(text.out[5], "Ledgers:            none");

      const json = captureIo();
      assert.equal(
        await runCli(["status", "--server", instance.url, "--json"], json.io),
        0,
      );
      const status = JSON.parse(json.out.join("\n"));
      assert.equal(status.name, "Garden");
      assert.equal(status.version, health.version);
      assert.equal(status.peers.total, 1);
      assert.equal(status.ready, readyz.status === 404 ? null : readyz.ok);
      assert.deepEqual(status.ledgers, []);

      const table = captureIo({ KITH_SERVER: instance.url });
      assert.equal(await runCli(["peers"], table.io), 0);
      assert.match(table.out[0], /^URL +DIRECTION +CONNECTED +LAST SEEN/);
      assert.equal(table.out.length, 2);
      assert.ok(
        table.out[1].startsWith(`${upstream.url}  outbound   `),
        table.out[1],
      );
      const rows = captureIo({ KITH_SERVER: instance.url });
      assert.equal(await runCli(["peers", "--json"], rows.io), 0);
      const parsed = JSON.parse(rows.out.join("\n"));
      assert.equal(parsed.length, 1);
      assert.equal(parsed[0].url, upstream.url);
      assert.equal(parsed[0].direction, "outbound");
    } finally {
      await instance.close();
      await upstream.close();
    }
  },
});

Deno.test("status and peers name an instance that does not answer", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const server = `http://127.0.0.1:${listener.addr.port}`;
  listener.close();
  for (const command of ["status", "peers"]) {
    const { io, err } = captureIo();
    assert.equal(await runCli([command, "--server", server], io), 1);
    assert.equal(err.length, 1);
    assert.ok(
      err[0].startsWith(`Cannot reach the instance at ${server}: `),
      err[0],
    );
  }
});
