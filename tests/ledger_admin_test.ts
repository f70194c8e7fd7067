/**
 * The owner's choice of ledgers: the owner's session cookie (after a
 * claim, or a signed login), same-origin posts only, honouring and
 * stopping (kept across a restart from the same data folder), errors shown
 * on the page, and the API signed by the owner's key.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Instance } from "../lib/instance/mod.ts";
import { startTestInstance, testAuthor } from "./helpers.ts";
import {
  claimInstance,
  logIn,
  postJson,
  signedFetch,
} from "./owner_helpers.ts";
import { makeLedger } from "./ledger_fixture.ts";

/** Posts a form as a browser on this instance's own page would. */
function postForm(
  instance: Instance,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${instance.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: instance.url, ...headers },
    body: new URLSearchParams(fields),
  });
}

async function honoured(instance: Instance, id: string): Promise<boolean> {
  const { ledgers } = await (await fetch(`${instance.url}/api/ledgers`))
    .json();
  return ledgers.some((l: { id: string; honoured: boolean }) =>
    l.id === id && l.honoured
  );
}

Deno.test({
  name:
    "the owner claims the instance, honours and stops honouring ledgers, and the choice survives a restart",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const ledger = await makeLedger(1);
    const other = await makeLedger(1);
    const dataDir = join(ledger.dir, "data");
    const args = ["--genesis", ledger.genesisPath];
    let instance = await startTestInstance(args, { dataDir });
    try {
      const owner = testAuthor();
      const stranger = testAuthor();
      assert.equal(instance.info.admin.owner, null);
      assert.equal(instance.info.admin.configured, false);

      // Not signed in: the page sends to the login.
      const away = await fetch(`${instance.url}/admin/ledgers`, {
        redirect: "manual",
      });
      await away.body?.cancel();
      assert.equal(away.status, 303);
      assert.equal(away.headers.get("Location"), "/admin/claim", "unowned");
      const foreign = await postJson(instance, "/admin/claim", {}, {
        "Sec-Fetch-Site": "cross-site",
      });
      assert.equal(foreign.status, 403);
      assert.equal((await foreign.json()).reason, "cross_site");

      const claimed = await claimInstance(instance, owner);
      assert.match(claimed, /^kith_admin=\d+\.[A-Za-z0-9_-]{43}$/);
      assert.equal(instance.info.admin.owner, owner.key);
      // A later session: a signed nonce, the owner's key only.
      const wrong = await logIn(instance, stranger);
      assert.equal(wrong.status, 403);
      assert.equal((await wrong.json()).reason, "not_owner");
      const login = await logIn(instance, owner);
      await login.body?.cancel();
      assert.equal(login.status, 200);
      const setCookie = login.headers.get("Set-Cookie") ?? "";
      assert.match(
        setCookie,
        /^kith_admin=\d+\.[A-Za-z0-9_-]{43}; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200$/,
      );
      const cookie = setCookie.split(";")[0];

      const page = await fetch(`${instance.url}/admin/ledgers`, {
        headers: { Cookie: cookie },
      });
      assert.equal(page.status, 200);
      assert.equal(page.headers.get("Cache-Control"), "no-store");
      const html = await page.text();
      assert.ok(html.includes(ledger.id));
      assert.match(html, /Test commons<\/a>/);
      assert.match(html, /<td>yes<\/td><td>config<\/td>/);
      assert.match(html, />Stop honouring<\/button>/);

      // Posts need the session and this instance's own pages.
      const anonymous = await postForm(instance, "/admin/ledgers", {
        action: "dishonour",
        ledger: ledger.id,
      }, { Accept: "application/json" });
      assert.equal(anonymous.status, 403);
      assert.equal((await anonymous.json()).reason, "not_admin");
      for (
        const headers of [
          { Origin: "https://evil.example" },
          { "Sec-Fetch-Site": "cross-site" },
          { Origin: "null" },
        ] as Record<string, string>[]
      ) {
        const response = await postForm(instance, "/admin/ledgers", {
          action: "dishonour",
          ledger: ledger.id,
        }, { Cookie: cookie, Accept: "application/json", ...headers });
        assert.equal(response.status, 403);
        assert.equal((await response.json()).reason, "cross_site");
      }
      assert.ok(await honoured(instance, ledger.id));

      const admin = (fields: Record<string, string>) =>
        postForm(instance, "/admin/ledgers", fields, { Cookie: cookie });
      const stopped = await admin({ action: "dishonour", ledger: ledger.id });
      await stopped.body?.cancel();
      assert.equal(stopped.status, 303);
      assert.match(stopped.headers.get("Location")!, /notice=Stopped/);
      assert.equal(await honoured(instance, ledger.id), false);
      const gone = await fetch(`${instance.url}/api/ledgers/${ledger.id}`);
      assert.equal((await gone.json()).reason, "unknown_ledger");

      // Bad input: the page again, with the message and what was typed.
      const badId = await admin({ action: "honour", ledger: "nope" });
      assert.equal(badId.status, 400);
      const badIdHtml = await badId.text();
      assert.match(badIdHtml, /data-reason="bad_ledger"/);
      assert.match(
        badIdHtml,
        /&quot;nope&quot; is not a ledger id|"nope" is not a ledger id/,
      );
      assert.match(badIdHtml, /value="nope"/);
      const notJson = await admin({ action: "honour", genesis: "{oops" });
      assert.equal(notJson.status, 400);
      assert.match(await notJson.text(), /data-reason="bad_genesis"/);
      const broken = JSON.stringify({ ...other.genesis, version: 2 });
      const badGenesis = await admin({ action: "honour", genesis: broken });
      assert.equal(badGenesis.status, 400);
      const badGenesisHtml = await badGenesis.text();
      assert.match(badGenesisHtml, /data-reason="bad_genesis"/);
      assert.match(badGenesisHtml, /Cannot accept genesis: version must be 1/);
      assert.ok(
        badGenesisHtml.includes("&quot;version&quot;:2") ||
          badGenesisHtml.includes('"version":2'),
        "the pasted genesis is kept",
      );
      const mismatch = await admin({
        action: "honour",
        ledger: ledger.id,
        genesis: JSON.stringify(other.genesis),
      });
      assert.equal(mismatch.status, 400);
      assert.match(await mismatch.text(), /data-reason="genesis_mismatch"/);

      // Honour another ledger by pasting its genesis.
      const pasted = await admin({
        action: "honour",
        genesis: JSON.stringify(other.genesis),
      });
      await pasted.body?.cancel();
      assert.equal(pasted.status, 303);
      assert.ok(await honoured(instance, other.id));

      // The choices survive a restart from the same folder and options.
      await instance.close();
      instance = await startTestInstance(args, { dataDir });
      assert.equal(instance.info.admin.owner, owner.key, "the owner is kept");
      assert.equal(instance.info.admin.claimToken, undefined);
      assert.equal(await honoured(instance, ledger.id), false);
      assert.ok(await honoured(instance, other.id));
      const again = await postForm(
        instance,
        "/admin/ledgers",
        { action: "honour", ledger: ledger.id },
        { Cookie: cookie },
      );
      await again.body?.cancel();
      assert.equal(again.status, 303);
      assert.match(again.headers.get("Location")!, /notice=Now\+honouring/);
      await instance.close();
      instance = await startTestInstance(args, { dataDir });
      assert.ok(await honoured(instance, ledger.id));
      const listed = await (await fetch(`${instance.url}/admin/ledgers`, {
        headers: { Cookie: cookie },
      })).text();
      assert.match(listed, /<td>yes<\/td><td>admin<\/td>/);

      // The API: signed by the owner's key only.
      const path = `/api/admin/ledgers/${other.id}`;
      const unsigned = await fetch(`${instance.url}${path}`, {
        method: "POST",
        body: JSON.stringify({ honour: false }),
      });
      assert.equal(unsigned.status, 403);
      assert.equal((await unsigned.json()).reason, "not_admin");
      const refused = await signedFetch(instance, path, {
        who: stranger,
        body: { honour: false },
      });
      assert.equal(refused.status, 403);
      assert.equal((await refused.json()).reason, "not_owner");
      const bad = await signedFetch(instance, path, {
        who: owner,
        body: { honour: "yes" },
      });
      assert.equal(bad.status, 400);
      await bad.body?.cancel();
      const done = await signedFetch(instance, path, {
        who: owner,
        body: { honour: false },
      });
      assert.equal(done.status, 200);
      assert.equal((await done.json()).ledger.honoured, false);
      const back = await signedFetch(instance, path, {
        who: owner,
        body: { honour: true, genesis: other.genesis },
      });
      assert.equal((await back.json()).ledger.running, true);
    } finally {
      await instance.close();
      await Deno.remove(ledger.dir, { recursive: true });
      await Deno.remove(other.dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a configured owner (--owner) needs no claim: no token is made, and only that key signs in",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const owner = testAuthor();
    const instance = await startTestInstance([`--owner=${owner.key}`]);
    try {
      assert.equal(instance.info.admin.owner, owner.key);
      assert.equal(instance.info.admin.configured, true);
      assert.equal(instance.info.admin.claimToken, undefined);
      assert.equal(
        (await instance.info.kv.get(["instance", "claimTokenHash"])).value,
        null,
      );
      const claim = await fetch(`${instance.url}/admin/claim`);
      assert.equal(claim.status, 409);
      assert.match(await claim.text(), /already has an owner/);
      const login = await logIn(instance, owner);
      await login.body?.cancel();
      assert.equal(login.status, 200);
      const admin = await fetch(`${instance.url}/admin`, {
        headers: {
          Cookie: (login.headers.get("Set-Cookie") ?? "").split(";")[0],
        },
      });
      assert.equal(admin.status, 200);
      assert.match(await admin.text(), /Signed in as the owner/);
    } finally {
      await instance.close();
    }
  },
});
