/**
 * Four validator instances and a follower, each its own process on
 * loopback: blocks finalize, a flag published on the follower travels to
 * the validators, is included, and every instance computes the same
 * verdict; a killed validator does not stop finality (3 of 4 remain) and
 * catches up when it comes back.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "../bench/_process.ts";
import { type Node, startNode, waitUntil } from "./cluster.ts";
import { ledgerStatus, makeLedger } from "./ledger_fixture.ts";

Deno.test({
  name:
    "four validator processes finalize, moderate alike, and survive a crash",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const ledger = await makeLedger(4);
    const ports = ledger.validators.map(() => freePort());
    const origins = ports.map((port) => `http://127.0.0.1:${port}`);
    const nodes: Node[] = [];
    const startValidator = (i: number) =>
      startNode(`validator-${i}`, {
        port: ports[i],
        dataDir: join(ledger.dir, `data-${i}`),
        peers: origins.filter((_, j) => j !== i),
        args: [
          "--genesis",
          ledger.genesisPath,
          "--validator-key",
          ledger.validators[i].path,
        ],
      });
    try {
      nodes.push(...await Promise.all(ports.map((_, i) => startValidator(i))));
      const follower = await startNode("follower", {
        peers: [origins[0], origins[1]],
        args: [`--ledgers=${ledger.id}`],
      });
      nodes.push(follower);
      const heightOf = async (node: Node) =>
        (await ledgerStatus(node.url, ledger.id))?.height ?? 0;
      await waitUntil(
        "every instance at height 3",
        async () =>
          (await Promise.all(nodes.map(heightOf))).every((h) => h >= 3),
        60_000,
      );

      // A post on validator 0, flagged (abuse, 7.1% of stake) from the follower.
      const author = nodes[0].user;
      const post = author.next("post", { text: "something abusive" });
      await nodes[0].post([post.line]);
      const flag = ledger.staker.next("ledger", {
        ledger: ledger.id,
        tx: {
          type: "flag",
          subject: { post: post.id, author: author.key },
          category: "abuse",
          bond: 100,
        },
      });
      await follower.post([flag.line]);
      const verdictAt = async (node: Node) => {
        const response = await fetch(
          `${node.url}/api/ledgers/${ledger.id}/verdicts?subject=post:${post.id}`,
        );
        if (!response.ok) {
          await response.body?.cancel();
          return null;
        }
        return (await response.json()).verdicts[`post:${post.id}`];
      };
      await waitUntil(
        "every instance hides the flagged post",
        async () =>
          (await Promise.all(nodes.map(verdictAt))).every((v) =>
            v?.status === "hidden"
          ),
        60_000,
      );
      const verdicts = await Promise.all(nodes.map(verdictAt));
      const first = verdicts[0];
      assert.deepEqual(first.labels, ["abuse"]);
      assert.equal(first.evidence[0].flag, flag.id);
      for (const verdict of verdicts) {
        assert.deepEqual(
          { ...verdict, height: 0 },
          { ...first, height: 0 },
          "the same verdict, evidence and stake everywhere",
        );
      }

      // Every instance holds the same block at the same height.
      const common = Math.min(...await Promise.all(nodes.map(heightOf)));
      const blocks = await Promise.all(nodes.map(async (node) => {
        const response = await fetch(
          `${node.url}/api/ledgers/${ledger.id}/blocks/${common}`,
        );
        assert.equal(response.status, 200);
        return await response.json();
      }));
      for (const finalized of blocks) {
        assert.deepEqual(finalized.block, blocks[0].block);
      }
      assert.ok(
        blocks[0].commit.length >= 3,
        "a commit carries precommits of more than 2/3 of power",
      );

      // A crash: 3 of 4 validators (75% of power) keep finalizing.
      await nodes[3].kill();
      const before = await heightOf(nodes[0]);
      await waitUntil(
        "finality without validator 3",
        async () => await heightOf(nodes[0]) >= before + 3,
        60_000,
      );
      // Back from its data folder, it catches up with the others.
      nodes[3] = await startValidator(3);
      const target = await heightOf(nodes[0]);
      await waitUntil(
        "validator 3 caught up",
        async () => await heightOf(nodes[3]) >= target,
        60_000,
      );
      const [mine, theirs] = await Promise.all([
        fetch(`${nodes[3].url}/api/ledgers/${ledger.id}/blocks/${target}`)
          .then((r) => r.json()),
        fetch(`${nodes[0].url}/api/ledgers/${ledger.id}/blocks/${target}`)
          .then((r) => r.json()),
      ]);
      assert.deepEqual(mine.block, theirs.block);
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
      await Deno.remove(ledger.dir, { recursive: true });
    }
  },
});
