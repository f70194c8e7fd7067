import assert from "node:assert/strict";
import { fingerprint } from "../lib/identity/mod.ts";
import { startTestInstance, testAuthor } from "./helpers.ts";

Deno.test("handles resolve to author keys by profile name or fingerprint", async () => {
  const instance = await startTestInstance();
  try {
    const { url } = instance;
    const ada = testAuthor();
    const bob = testAuthor();
    for (
      const line of [
        ada.next("profile", { name: "Ada Lovelace" }).line,
        bob.next("post", { text: "no profile" }).line,
      ]
    ) {
      const response = await fetch(`${url}/api/records`, {
        method: "POST",
        body: line,
      });
      assert.ok(response.ok, await response.text());
    }
    const bobHandle = fingerprint(bob.key).toLowerCase();
    const response = await fetch(
      `${url}/api/handles?h=@Ada_Lovelace,${bobHandle},nobody`,
    );
    assert.deepEqual(await response.json(), {
      Ada_Lovelace: ada.key,
      [bobHandle]: bob.key,
      nobody: null,
    });
    // A second "Ada Lovelace": the handle no longer names one author.
    const eve = testAuthor();
    await fetch(`${url}/api/records`, {
      method: "POST",
      body: eve.next("profile", { name: "Ada Lovelace" }).line,
    }).then((response) => response.text());
    const shared = await fetch(`${url}/api/handles?h=ada_lovelace`);
    assert.deepEqual(await shared.json(), { ada_lovelace: null });
    for (const bad of ["", "a%20b", Array(51).fill("x").join(",")]) {
      const refused = await fetch(`${url}/api/handles?h=${bad}`);
      assert.equal(refused.status, 400, bad);
      assert.equal((await refused.json()).reason, "bad_handles");
    }
  } finally {
    await instance.close();
  }
});
