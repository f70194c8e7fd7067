/**
 * `kith reindex` on a real data folder: every derived key (timeline,
 * replies, tags, mentions, follows, reactions and their counters,
 * reposts, notifications, retractions, messages, profiles) is deleted or
 * corrupted, rebuilt from the stored entries, and comes back exactly; the
 * pages and API answer as before.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../lib/cli/mod.ts";
import { verifyEd25519 } from "../lib/crypto/mod.ts";
import { Ingest } from "../lib/ingest/mod.ts";
import { MessageKeys, sealMessage } from "../lib/messages/mod.ts";
import { DERIVED_FAMILIES, RecordStore } from "../lib/store/mod.ts";
import {
  captureIo,
  fetchPage,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";

/** Records touching every index: returns them with the authors. */
function sampleRecords() {
  let clock = Date.now() - 600_000;
  const ts = () => clock += 1_000;
  const [ada, bo, cy] = [
    testAuthor({ ts }),
    testAuthor({ ts }),
    testAuthor({ ts }),
  ];
  const root = ada.next("post", {
    text: "hello #garden @bo",
    tags: ["garden"],
    mentions: [bo.key],
  });
  const like = (author: typeof bo) =>
    author.next("react", {
      target: root.id,
      targetAuthor: ada.key,
      reaction: "like",
    });
  const lines = [
    root.line,
    bo.next("post", { text: "hi", root: root.id, parent: root.id }).line,
    bo.next("profile", { name: "Bo", bio: "gardener" }).line,
    like(bo).line,
    // Counted once: the same like again is stored, not counted.
    like(bo).line,
  ];
  const oops = bo.next("post", { text: "oops #garden", tags: ["garden"] });
  lines.push(
    oops.line,
    cy.next("react", {
      target: root.id,
      targetAuthor: ada.key,
      reaction: "🌱",
    }).line,
    cy.next("repost", { target: root.id, targetAuthor: ada.key }).line,
    cy.next("follow", { target: ada.key }).line,
    cy.next("follow", { target: bo.key }).line,
    cy.next("unfollow", { target: bo.key }).line,
    bo.next("retract", { target: oops.id }).line,
    cy.next("dm", {
      to: [ada.key],
      box: sealMessage(new MessageKeys(cy.secretKey), {
        to: [ada.key],
        payload: { kind: "message", text: "psst" },
      }),
    }).line,
    ada.next("post", { text: "second #garden", tags: ["garden"] }).line,
  );
  return { lines, ada, bo, cy, root };
}

/** Every derived key and value of the KV at `path`, as text. */
async function derivedKeys(path: string): Promise<string[]> {
  const kv = await Deno.openKv(path);
  try {
    const out: string[] = [];
    for (const family of DERIVED_FAMILIES) {
      for await (const { key, value } of kv.list({ prefix: [family] })) {
        out.push(
          JSON.stringify(
            [key, value],
            (_, v) => typeof v === "bigint" ? `${v}n` : v,
          ),
        );
      }
    }
    return out;
  } finally {
    kv.close();
  }
}

Deno.test("DERIVED_FAMILIES lists every family ingest writes besides logs, locations and heads", async () => {
  const kv = await Deno.openKv(":memory:");
  const ingest = new Ingest(new RecordStore(kv), {
    verify: verifyEd25519,
    now: Date.now,
  });
  try {
    const { lines } = sampleRecords();
    for (const line of lines) {
      const [outcome] = await ingest.submit([line], { source: "client" });
      assert.equal(outcome.status, "created", JSON.stringify(outcome));
    }
    const families = new Set<string>();
    for await (const { key } of kv.list({ prefix: [] })) {
      families.add(String(key[0]));
    }
    const primary = ["entry", "log", "head"];
    const unlisted = [...families].filter((family) =>
      !primary.includes(family) && !DERIVED_FAMILIES.includes(family)
    );
    assert.deepEqual(unlisted, []);
    // The sample reaches most families, so the check above means something.
    assert.ok(families.size >= 15, [...families].join(" "));
  } finally {
    ingest.close();
    kv.close();
  }
});

Deno.test({
  name:
    "reindex rebuilds deleted and corrupted indexes exactly; pages and API answer as before",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kith_reindex_" });
    const data = join(dir, "data");
    const kvPath = join(data, "kith.kv");
    const { lines, ada, bo, cy, root } = sampleRecords();
    const serve = async () => {
      const frozen = Date.now();
      const instance = await startTestInstance([], {
        dataDir: data,
        now: () => frozen,
      });
      const strip = (html: string) =>
        html.replace(/nonce="[^"]*"/g, "").replace(
          /(<time [^>]*>)[^<]*<\/time>/g,
          "$1</time>",
        );
      try {
        const json = async (path: string) =>
          await (await fetch(instance.url + path)).json();
        return {
          pages: (await Promise.all([
            fetchPage(`${instance.url}/`, { reader: cy.key }),
            fetchPage(`${instance.url}/tags/garden`),
            fetchPage(`${instance.url}/posts/${root.id}`),
            fetchPage(`${instance.url}/authors/${bo.key}`),
            fetchPage(`${instance.url}/authors/${cy.key}/following`),
            fetchPage(`${instance.url}/notifications`, { reader: ada.key }),
            fetchPage(`${instance.url}/search?q=garden`),
          ])).map(strip),
          api: await Promise.all([
            json(`/api/records/${root.id}`),
            json(`/api/authors/${cy.key}`),
            json(`/api/notifications/unread?author=${ada.key}`),
            json(`/api/messages?reader=${ada.key}`),
          ]),
        };
      } finally {
        await instance.close();
      }
    };
    try {
      const first = await startTestInstance([], { dataDir: data });
      try {
        for (const line of lines) await postLines(first.url, [line]);
      } finally {
        await first.close();
      }
      const keys = await derivedKeys(kvPath);
      const before = await serve();
      assert.match(before.pages[2], /aria-label="Like \(1\)"/);

      // Delete some families, corrupt others, add keys that mean nothing.
      const kv = await Deno.openKv(kvPath);
      let touched = 0;
      for (const family of ["timeline", "notify", "tag", "dm-inbox"]) {
        for await (const { key } of kv.list({ prefix: [family] })) {
          await kv.delete(key);
          touched++;
        }
      }
      for await (const { key } of kv.list({ prefix: ["stats"] })) {
        await kv.set(key, new Deno.KvU64(999n));
        touched++;
      }
      await kv.set(["tag", "junk", 1, "nothing"], [ada.key, 1]);
      await kv.set(["follows", cy.key, bo.key], 99);
      kv.close();
      assert.ok(touched >= 8);
      assert.notDeepEqual(await derivedKeys(kvPath), keys);
      assert.notDeepEqual(await serve(), before);

      const { io, out, err } = captureIo();
      assert.equal(
        await runCli(["reindex", "--data", data], io),
        0,
        err.join("\n"),
      );
      assert.match(
        out[0],
        new RegExp(
          `^Reindexed ${data}: ${lines.length} entries replayed, \\d+ index keys removed, ${keys.length} written$`,
        ),
      );
      assert.deepEqual(await derivedKeys(kvPath), keys);
      assert.deepEqual(await serve(), before);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
