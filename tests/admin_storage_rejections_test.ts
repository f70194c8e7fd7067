/**
 * The owner's storage report and recent rejections: the signed API, the
 * /admin/storage and /admin/rejections pages, and `kith admin storage`,
 * `admin rejections` and `admin peers`, against a real instance with a
 * data folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeKeyFile } from "../lib/cli/key_file.ts";
import { runCli } from "../lib/cli/mod.ts";
import { generateKeyPair, sign } from "../lib/crypto/mod.ts";
import { createRecord } from "../lib/protocol/mod.ts";
import { MAX_REJECTIONS } from "../lib/app/rejections.ts";
import { signedCall } from "./admin_api_helpers.ts";
import {
  captureIo,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";
import { logIn } from "./owner_helpers.ts";

interface Row {
  reason: string;
  from: string;
  author: string | null;
  seq: number | null;
  excerpt: string;
  size: number;
}

Deno.test({
  name:
    "storage figures match what was posted; forged and oversized records are listed with their reasons, bounded; pages and CLI show both to the owner only",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kith_admin_storage_" });
    const keyPath = join(dir, "owner.json");
    const otherPath = join(dir, "other.json");
    const ownerKey = await writeKeyFile(keyPath, generateKeyPair().secretKey);
    await writeKeyFile(otherPath, generateKeyPair().secretKey);
    const owner = { key: ownerKey.author, secretKey: ownerKey.secretKey };
    const stranger = testAuthor();
    const instance = await startTestInstance([`--owner=${owner.key}`], {
      dataDir: join(dir, "data"),
    });
    try {
      const alice = testAuthor();
      const bob = testAuthor();
      const lines = [
        alice.next("post", { text: "one" }).line,
        alice.next("post", { text: "two ✿" }).line,
        bob.next("post", { text: "three" }).line,
        bob.next("follow", { target: alice.key }).line,
      ];
      await postLines(instance.url, lines);
      const bytes = (line: string) => new TextEncoder().encode(line).length;

      const storage = await signedCall(instance, "/api/admin/storage", {
        who: owner,
      });
      assert.equal(storage.status, 200);
      const report = storage.body as {
        usage: Record<string, { entries: number; bytes: number }>;
        entries: number;
        logBytes: number;
        authors: number;
        diskBytes: number;
        files: Record<string, number>;
        dataDir: string;
      };
      assert.deepEqual(report.usage, {
        post: {
          entries: 3,
          bytes: bytes(lines[0]) + bytes(lines[1]) + bytes(lines[2]),
        },
        follow: { entries: 1, bytes: bytes(lines[3]) },
      });
      assert.equal(report.entries, 4);
      assert.equal(
        report.logBytes,
        lines.reduce((sum, line) => sum + bytes(line), 0),
      );
      assert.equal(report.authors, 2, "both posted here, so both replicate");
      assert.equal(report.dataDir, join(dir, "data"));
      assert.ok(report.files["kith.kv"] > 0);
      assert.equal(
        report.diskBytes,
        Object.values(report.files).reduce((sum, size) => sum + size, 0),
      );
      assert.ok(report.diskBytes >= report.logBytes);

      // A forged record (alice's entry signed by mallory) and an oversized
      // one, in an NDJSON batch: both reach ingest and are refused there.
      const mallory = generateKeyPair();
      const forged = createRecord({
        author: alice.key,
        seq: 1,
        prev: null,
        ts: Date.now(),
        type: "post",
        content: { text: "not alice" },
      }, { sign: (message) => sign(mallory.secretKey, message) }).line;
      const big = alice.next("post", { text: "big" }).line;
      const oversized = `${big.slice(0, -1)},"pad":"${"a".repeat(70_000)}"}`;
      const batch = await fetch(`${instance.url}/api/records`, {
        method: "POST",
        headers: { "Content-Type": "application/x-ndjson" },
        body: [forged, oversized].join("\n"),
      });
      assert.equal((await batch.json()).rejected, 2);
      const listed = await signedCall(instance, "/api/admin/rejections", {
        who: owner,
      });
      assert.equal(listed.status, 200);
      assert.equal(listed.body.total, 2);
      const [tooLarge, badSignature] = listed.body.rejections as Row[];
      assert.equal(badSignature.reason, "invalid_signature");
      assert.equal(badSignature.from, "client");
      assert.equal(badSignature.author, alice.key);
      assert.equal(badSignature.seq, 1);
      assert.ok(forged.startsWith(badSignature.excerpt));
      assert.equal(tooLarge.reason, "record_too_large");
      assert.equal(tooLarge.author, alice.key);
      assert.equal(tooLarge.seq, 3);
      assert.equal(tooLarge.size, bytes(oversized));

      // Bounded: a flood of junk keeps only the newest.
      const junk = Array.from(
        { length: MAX_REJECTIONS + 10 },
        (_, i) => `junk ${i}`,
      );
      const flood = await fetch(`${instance.url}/api/records`, {
        method: "POST",
        headers: { "Content-Type": "application/x-ndjson" },
        body: junk.join("\n"),
      });
      assert.equal((await flood.json()).rejected, junk.length);
      const bounded = await signedCall(instance, "/api/admin/rejections", {
        who: owner,
      });
      const rows = bounded.body.rejections as Row[];
      assert.equal(rows.length, MAX_REJECTIONS);
      assert.equal(bounded.body.total, junk.length + 2);
      assert.equal(rows[0].excerpt, junk.at(-1));
      assert.equal(rows[0].reason, "malformed_json");
      assert.equal(rows.at(-1)!.excerpt, junk[10]);

      for (const path of ["/api/admin/storage", "/api/admin/rejections"]) {
        const refused = await signedCall(instance, path, { who: stranger });
        assert.equal(refused.status, 403, path);
        assert.equal(refused.body.reason, "not_owner");
        const unsigned = await fetch(`${instance.url}${path}`);
        assert.equal(unsigned.status, 403, path);
        assert.equal((await unsigned.json()).reason, "not_admin");
      }

      // The pages: the owner's session only.
      for (const path of ["/admin/storage", "/admin/rejections"]) {
        const away = await fetch(`${instance.url}${path}`, {
          redirect: "manual",
        });
        await away.body?.cancel();
        assert.equal(away.status, 303, path);
        assert.equal(away.headers.get("Location"), "/admin/login");
      }
      const login = await logIn(instance, owner);
      await login.body?.cancel();
      const cookie = (login.headers.get("Set-Cookie") ?? "").split(";")[0];
      const storagePage = await fetch(`${instance.url}/admin/storage`, {
        headers: { Cookie: cookie },
      });
      assert.equal(storagePage.status, 200);
      assert.equal(storagePage.headers.get("Cache-Control"), "no-store");
      const storageHtml = await storagePage.text();
      assert.match(storageHtml, /<dd id="entries">4<\/dd>/);
      assert.match(storageHtml, /<dd id="authors">2<\/dd>/);
      assert.match(
        storageHtml,
        /<tr\s+id="type-post"><th scope="row">post<\/th><td class="number">3<\/td>/,
      );
      assert.match(storageHtml, /kith\.kv \d/);
      const rejectionsHtml = await (await fetch(
        `${instance.url}/admin/rejections`,
        { headers: { Cookie: cookie } },
      )).text();
      assert.equal(
        rejectionsHtml.match(/<tr\s+data-reason="/g)?.length,
        MAX_REJECTIONS,
      );
      assert.match(
        rejectionsHtml,
        /\(212 since it started\)|\(212\s+since it started\)/,
      );
      const nav = await (await fetch(`${instance.url}/admin`, {
        headers: { Cookie: cookie },
      })).text();
      for (
        const link of ["/admin/peers", "/admin/storage", "/admin/rejections"]
      ) {
        assert.ok(nav.includes(`href="${link}"`), link);
      }

      // The CLI, signed with the owner's key file.
      const run = async (args: string[], key = keyPath) => {
        const { io, out, err } = captureIo();
        const code = await runCli(
          ["admin", ...args, "--key", key, "--server", instance.url],
          io,
        );
        return { code, out: out.join("\n"), err: err.join("\n") };
      };
      const text = await run(["storage"]);
      assert.equal(text.code, 0, text.err);
      assert.match(text.out, /^Entries: +4 \(/m);
      assert.match(text.out, /^ +post +3 +\d+ bytes$/m);
      const json = await run(["storage", "--json"]);
      assert.equal(JSON.parse(json.out).entries, 4);
      const recent = await run(["rejections"]);
      assert.equal(recent.code, 0, recent.err);
      assert.match(recent.out, /^200 kept, 212 since start; newest first$/m);
      assert.match(
        recent.out,
        /malformed_json {2}client {2}- {2}Cannot accept record/,
      );
      const peers = await run(["peers"]);
      assert.equal(peers.code, 0, peers.err);
      assert.equal(peers.out, "No peers\n\nNo outgoing peers");
      const selfPeer = await run(["peers", "add", instance.url]);
      assert.equal(selfPeer.code, 1);
      assert.equal(
        selfPeer.err,
        `Cannot add peer ${instance.url}: Cannot add peer: ${instance.url} is this instance; an instance cannot peer with itself`,
      );
      const usage = await run(["peers", "join", "http://127.0.0.1:1"]);
      assert.equal(usage.code, 2);
      assert.match(
        usage.err,
        /^admin peers needs nothing, or add\|remove <origin>/,
      );
      const stranger_ = await run(["storage"], otherPath);
      assert.equal(stranger_.code, 1);
      assert.match(stranger_.err, /^Cannot read the storage: Only the owner/);
    } finally {
      await instance.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "what the replication firewall drops from a peer is listed with the peer and the reason",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const owner = testAuthor();
    const instance = await startTestInstance([`--owner=${owner.key}`]);
    const socket = new WebSocket(`${instance.url.replace("http", "ws")}/gun`);
    try {
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      const soul = "not-kith/anything";
      for (let i = 0; i < 3; i++) {
        socket.send(JSON.stringify({
          "#": `m${i}`,
          put: { [soul]: { _: { "#": soul, ">": { a: 1 } }, a: "x" } },
        }));
      }
      let rows: (Row & { count: number })[] = [];
      for (let i = 0; i < 200 && rows.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = (await signedCall(instance, "/api/admin/rejections", {
          who: owner,
        })).body.rejections as typeof rows;
      }
      assert.equal(rows.length, 1, "alike drops of one peer merge");
      assert.equal(rows[0].reason, "foreign_soul");
      assert.match(rows[0].from, /^inbound:127\.0\.0\.1:\d+$/);
      assert.equal(rows[0].excerpt, "");
      // The three messages may land in one batch or several.
      for (let i = 0; i < 200 && rows[0].count < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = (await signedCall(instance, "/api/admin/rejections", {
          who: owner,
        })).body.rejections as typeof rows;
      }
      assert.equal(rows[0].count, 3);
    } finally {
      socket.close();
      await instance.close();
    }
  },
});
