/**
 * Secrets stay secret. A full journey against real instance processes (CLI
 * keys, posts, a reply, follows, an encrypted backup, a direct message, a
 * ledger transaction, claiming the instance and the owner's login, bad
 * input, a second instance peering over GUN), then every private key,
 * passphrase and the claim token is searched for in the
 * processes' output, every KV entry, the data folders' raw bytes, the GUN
 * traffic and graph, and every error page. None may be found.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readKeyFile } from "../lib/cli/key_file.ts";
import { publish } from "../lib/cli/publish.ts";
import { decryptBackup, encryptBackup } from "../lib/identity/mod.ts";
import { MessageKeys, sealMessage } from "../lib/messages/mod.ts";
import { decodeBase64Url, encodeBase64Url } from "../lib/protocol/mod.ts";
import { generateKeyPair } from "../lib/crypto/mod.ts";
import { waitUntil } from "./cluster.ts";
import { rawGunClient } from "./gun_client.ts";
import { cli, fetchInto, startLogged } from "./recorded_io.ts";
import { startClaimable } from "./claimable_instance.ts";
import {
  claimMessage,
  loginMessage,
  tokenHash,
} from "../lib/app/admin_messages.ts";
import { sign } from "../lib/crypto/mod.ts";
import {
  dumpKv,
  filesUnder,
  findSecrets,
  keySecret,
  passphraseSecret,
  type Place,
  type Secret,
} from "./secret_scan.ts";

Deno.test("the grep finds a secret planted in any form and any place", async () => {
  const seed = generateKeyPair().secretKey;
  const key = keySecret("planted", seed, '{"secretKey":"x"}\n');
  const phrase = passphraseSecret("phrase", "open sesame & co");
  for (const secret of [key, phrase]) {
    for (const form of secret.forms) {
      const hits = findSecrets([secret], [
        { name: "text", text: `log line: ${form} end` },
        { name: "bytes", bytes: new TextEncoder().encode(`[${form}]`) },
      ]);
      // Its halves are found too; the whole form must be among the hits.
      for (const place of ["text", "bytes"]) {
        assert.ok(
          hits.some((hit) => hit.place === place && hit.form === form),
          `${secret.label} as ${form} in ${place}`,
        );
      }
    }
  }
  for (const [index, raw] of key.bytes.entries()) {
    const file = new Uint8Array([1, 2, 3, ...raw, 4]);
    assert.deepEqual(findSecrets([key], [{ name: "file", bytes: file }]), [
      { secret: "planted", form: `raw bytes #${index}`, place: "file" },
    ]);
  }
  // A seed kept as bytes in KV is written out by the dump and found.
  const dir = await Deno.makeTempDir({ prefix: "kith_scan_" });
  try {
    const kv = await Deno.openKv(join(dir, "kith.kv"));
    await kv.set(["signer"], { seed, note: "kept" });
    await kv.set(["x25519"], key.bytes[1]);
    kv.close();
    const dump = await dumpKv(join(dir, "kith.kv"));
    assert.equal(dump.entries, 2);
    const found = findSecrets([key], [{ name: "kv", text: dump.text }]);
    assert.ok(found.some((hit) => hit.form === encodeBase64Url(seed)));
    assert.ok(found.some((hit) => hit.form === encodeBase64Url(key.bytes[1])));
    const files = await filesUnder(dir);
    assert.ok(findSecrets([key], files).length > 0, "found in the raw file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // Nothing is found where nothing was planted.
  assert.deepEqual(
    findSecrets([key, phrase], [{ name: "clean", text: "nothing here" }]),
    [],
  );
});

Deno.test("no private key or passphrase in logs, KV, GUN or error pages after a full journey", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_secrets_" });
  const places: Place[] = [];
  const stops: (() => Promise<string>)[] = [];
  try {
    // Keys from the CLI, 0600; a key file open to others is refused.
    const keys = join(dir, "keys");
    await Deno.mkdir(keys, { mode: 0o700 });
    const path = (who: string) => join(keys, `${who}.json`);
    const author: Record<string, string> = {};
    for (const who of ["alice", "bob", "carol", "validator"]) {
      const made = await cli(places, ["keygen", "--key", path(who)]);
      assert.equal(made.code, 0, made.err);
      author[who] = /for author (\S{43})/.exec(made.out)![1];
      assert.equal((await Deno.stat(path(who))).mode! & 0o777, 0o600);
    }
    await Deno.chmod(path("bob"), 0o644);
    const refused = await cli(places, ["post", "hi", "--key", path("bob")]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /is open to other users \(mode 0644\)/);
    await Deno.chmod(path("bob"), 0o600);

    const genesisPath = join(dir, "genesis.json");
    const genesis = await cli(places, [
      "genesis",
      "--name",
      "Commons",
      "--validator",
      path("validator"),
      "--account",
      `${path("alice")}=1000`,
      "--out",
      genesisPath,
    ]);
    assert.equal(genesis.code, 0, genesis.err);
    const ledger = /for ledger (\S{43})/.exec(genesis.out)![1];

    // A validates the ledger; B peers with A over GUN.
    const a = await startClaimable("A", [
      "--data",
      join(dir, "a"),
      "--genesis",
      genesisPath,
      "--validator-key",
      path("validator"),
    ]);
    stops.push(a.stop);
    const b = await startLogged("B", [
      "--data",
      join(dir, "b"),
      "--peers",
      a.url,
    ]);
    stops.push(b.stop);
    // Everything A and B say over GUN from now on is heard and searched.
    const listeners = [await rawGunClient(a.url), await rawGunClient(b.url)];

    const signer = (who: string, server = a.url) => [
      "--key",
      path(who),
      "--server",
      server,
    ];
    const run = async (args: string[]) => {
      const result = await cli(places, args);
      assert.equal(result.code, 0, result.err);
      return result.out.trim();
    };
    const hello = await run(["post", "Hello #kith", ...signer("alice")]);
    await run(["post", "Second thoughts", ...signer("alice")]);
    await run(["post", "Welcome!", "--reply-to", hello, ...signer("bob")]);
    await run(["follow", author.alice, ...signer("bob")]);
    await run(["follow", author.bob, ...signer("alice")]);
    for (const who of ["alice", "bob"]) {
      await run(["follow", author[who], ...signer("carol", b.url)]);
    }

    // A direct message, sealed and signed by Alice's key file.
    const aliceKey = await readKeyFile(path("alice"));
    const box = sealMessage(new MessageKeys(aliceKey.secretKey), {
      to: [author.bob],
      payload: { kind: "message", text: "a private hello" },
    });
    await publish(aliceKey, {
      type: "dm",
      content: { to: [author.bob], box },
    }, { server: a.url });

    // A ledger transfer, finalized by A's validator.
    const tx = await run([
      "tx",
      ledger,
      JSON.stringify({ type: "transfer", to: author.bob, amount: 5 }),
      ...signer("alice"),
    ]);
    await waitUntil("the transfer to be included", async () => {
      const response = await fetch(
        `${a.url}/api/ledgers/${ledger}/transactions/${tx}`,
      );
      return (await response.json()).status === "included";
    }, 30_000);

    // An encrypted backup of Alice's key: only the ciphertext leaves.
    const passphrase = "tulip lantern 7 ochre meridian";
    const backup = await encryptBackup(aliceKey.secretKey, passphrase, {
      cost: { N: 2 ** 14, r: 8, p: 1 },
    });
    assert.deepEqual(await decryptBackup(backup, passphrase), aliceKey);
    places.push({ name: "backup: the backup text", text: backup });

    // Alice claims A with the printed link (a wrong token first), then
    // signs in as the owner (Bob's key first); pages; bad input.
    const bobKey = await readKeyFile(path("bob"));
    const signed = (
      who: { author: string; secretKey: Uint8Array },
      message: Uint8Array,
    ) => encodeBase64Url(sign(who.secretKey, message));
    const claimBody = (token: string) =>
      JSON.stringify({
        token,
        author: aliceKey.author,
        origin: a.url,
        signature: signed(
          aliceKey,
          claimMessage(a.url, {
            tokenHash: tokenHash(token),
            author: aliceKey.author,
          }),
        ),
      });
    const json = (body: string) => ({
      method: "POST",
      headers: {
        Origin: a.url,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body,
    });
    await fetchInto(places, `${a.url}/admin/claim`, {
      ...json(claimBody(`${a.claimToken}x`)),
      expect: 403,
    });
    await fetchInto(places, `${a.url}/admin/claim`, {
      ...json(claimBody(a.claimToken)),
      expect: 200,
    });
    await fetchInto(places, `${a.url}/admin/claim`, { expect: 409 });
    const nonceOf = async () => {
      const page = await fetchInto(places, `${a.url}/admin/login`, {
        expect: 200,
      });
      return /"([A-Za-z0-9_-]{43})"\]<\/script>/.exec(page)![1];
    };
    const loginBody = async (who: typeof aliceKey) => {
      const nonce = await nonceOf();
      return JSON.stringify({
        nonce,
        author: who.author,
        origin: a.url,
        signature: signed(
          who,
          loginMessage(a.url, { nonce, author: who.author }),
        ),
      });
    };
    await fetchInto(places, `${a.url}/admin/login`, {
      ...json(await loginBody(bobKey)),
      expect: 403,
    });
    const login = await fetch(`${a.url}/admin/login`, {
      ...json(await loginBody(aliceKey)),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const setCookie = login.headers.get("Set-Cookie") ?? "";
    places.push({
      name: "page: POST /admin/login",
      text: `${setCookie}\n${await login.text()}`,
    });
    await fetchInto(places, `${a.url}/admin`, {
      headers: { Cookie: setCookie.split(";")[0] },
      expect: 200,
    });
    const keyFileText = await Deno.readTextFile(path("alice"));
    for (
      const [target, init] of [
        ["/api/records", { method: "POST", body: keyFileText }],
        ["/api/records/not-an-id", {}],
        [`/api/authors/${author.alice}/log?limit=-1`, {}],
        ["/api/authors/not-a-key", {}],
        ["/authors/not-a-key", {}],
        ["/posts/not-an-id", {}],
        ["/api/messages?participant=nobody", {}],
        [`/api/ledgers/${ledger}/transactions/bad`, {}],
        ["/api/ledgers/not-a-ledger", {}],
        ["/no/such/page", {}],
        ["/admin/ledgers", { method: "POST", headers: { Origin: a.url } }],
      ] as [string, RequestInit][]
    ) {
      await fetchInto(places, `${a.url}${target}`, {
        ...init,
        expect: "error",
      });
    }
    // A batch answers 200 with each line's refusal.
    const batch = await fetchInto(places, `${a.url}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/x-ndjson" },
      body: `${keyFileText.replaceAll("\n", "")}\n{"entry":1}`,
      expect: 200,
      kind: "error page",
    });
    assert.equal(JSON.parse(batch).rejected, 2);
    for (
      const target of [
        `/authors/${author.alice}`,
        `/posts/${hello}`,
        "/local",
        "/identity",
        `/api/messages?participant=${author.bob}`,
        `/api/authors/${author.alice}/log`,
      ]
    ) await fetchInto(places, `${a.url}${target}`, { expect: 200 });

    // B replicated Alice (2 posts, a follow, the dm, the tx) and Bob.
    await waitUntil("B to replicate alice and bob", async () => {
      const head = async (who: string) => {
        const response = await fetch(`${b.url}/api/authors/${author[who]}`);
        return response.ok ? (await response.json()).head.seq : 0;
      };
      return await head("alice") === 5 && await head("bob") === 2;
    }, 30_000);

    // The GUN graph as both instances serve it, and what they said.
    for (const url of [a.url, b.url]) {
      const reader = await rawGunClient(url);
      for (const who of Object.keys(author)) {
        for (
          const soul of [
            `kith/head/${author[who]}`,
            `kith/log/${author[who]}/0`,
          ]
        ) {
          const answer = await reader.get(soul, 1_000);
          places.push({
            name: `gun graph: ${url} ${soul}`,
            text: JSON.stringify(answer),
          });
        }
      }
      await reader.close();
    }
    for (const [index, listener] of listeners.entries()) {
      places.push({
        name: `gun traffic: from ${index === 0 ? "A" : "B"}`,
        text: JSON.stringify(listener.heard),
      });
      await listener.close();
    }

    // Stopped: their output, every KV entry, the data folders' bytes.
    const output = { A: await a.stop(), B: await b.stop() };
    // The claim link is printed once, at start, and is the one place the
    // token may be.
    assert.equal(output.A.split(a.claimLine).length, 2);
    for (const [name, text] of Object.entries(output)) {
      places.push({
        name: `output: ${name} stdout and stderr`,
        text: text.replace(
          a.claimLine,
          "Claim this instance: (searched apart)",
        ),
      });
      const kv = await dumpKv(join(dir, name.toLowerCase(), "kith.kv"));
      places.push({
        name: `kv: ${name}, ${kv.entries} entries`,
        text: kv.text,
      });
      places.push(...await filesUnder(join(dir, name.toLowerCase())));
    }

    const secrets: Secret[] = [];
    for (const who of Object.keys(author)) {
      const text = await Deno.readTextFile(path(who));
      const seed = decodeBase64Url(JSON.parse(text).secretKey)!;
      secrets.push(keySecret(who, seed, text));
    }
    secrets.push(passphraseSecret("backup passphrase", passphrase));
    secrets.push(passphraseSecret("claim token", a.claimToken));
    assert.deepEqual(findSecrets(secrets, places), []);
    // The key of session cookies stays in A's KV: no page, header or log
    // line holds it.
    const kvA = await Deno.openKv(join(dir, "a", "kith.kv"));
    const sessionSecret = (await kvA.get<string>(["instance", "sessionSecret"]))
      .value;
    kvA.close();
    assert.ok(sessionSecret, "A keeps a session secret");
    assert.deepEqual(
      findSecrets(
        [passphraseSecret("session secret", sessionSecret)],
        places.filter((place) =>
          /^(page|error page|output|cli|gun)/.test(place.name)
        ),
      ),
      [],
    );

    // The places searched hold what they should: public keys, the records.
    const all = (prefix: string) =>
      places.filter((place) => place.name.startsWith(prefix))
        .map((place) => place.text ?? "").join("\n");
    for (
      const prefix of ["kv: A", "kv: B", "gun traffic: from A", "gun graph"]
    ) {
      assert.ok(all(prefix).includes(author.alice), `${prefix} names alice`);
    }
    assert.ok(all("gun traffic: from A").includes(`kith/ledger/${ledger}`));
    assert.match(
      output.A,
      /Claim this instance: http:\/\/127\.0\.0\.1:\d+\/admin\/claim#/,
    );
    const size = (place: Place) =>
      place.bytes?.length ?? new TextEncoder().encode(place.text!).length;
    const bytes = new Map<string, { count: number; bytes: number }>();
    for (const place of places) {
      const kind = place.name.split(":")[0];
      const row = bytes.get(kind) ?? { count: 0, bytes: 0 };
      row.count++;
      row.bytes += size(place);
      bytes.set(kind, row);
    }
    console.log(
      `secrets: ${secrets.length} searched in ${places.length} places:`,
      JSON.stringify(Object.fromEntries(bytes)),
    );
  } finally {
    await Promise.all(stops.map((stop) => stop()));
    await Deno.remove(dir, { recursive: true });
  }
});
