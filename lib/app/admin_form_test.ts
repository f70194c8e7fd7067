import assert from "node:assert/strict";
import { HttpError } from "../web/http_error.ts";
import { formError, readAdminForm, seeOtherWithNotice } from "./admin_form.ts";

Deno.test("readAdminForm reads a form, takes junk for an empty one, and keeps a body error the sender's", async () => {
  const form = await readAdminForm(
    new Request("http://kith.test/admin", {
      method: "POST",
      body: new URLSearchParams({ name: "Garden" }),
    }),
  );
  assert.equal(form.get("name"), "Garden");
  const junk = await readAdminForm(
    new Request("http://kith.test/admin", { method: "POST", body: "{]" }),
  );
  assert.deepEqual([...junk.keys()], []);
  const tooLarge = new HttpError(413, "too large", {
    reason: "body_too_large",
  });
  const broken = new Request("http://kith.test/admin", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new ReadableStream({ pull: (c) => c.error(tooLarge) }),
  });
  await assert.rejects(readAdminForm(broken), (error) => error === tooLarge);
});

Deno.test("seeOtherWithNotice goes back with the notice in the query", () => {
  const response = seeOtherWithNotice("/admin/peers", "Added a & b.");
  assert.equal(response.status, 303);
  assert.equal(
    response.headers.get("Location"),
    "/admin/peers?notice=Added+a+%26+b.",
  );
});

Deno.test("formError shows a 4xx refusal and rethrows anything else", () => {
  assert.deepEqual(
    formError(new HttpError(409, "Taken", { reason: "self_peer" })),
    { message: "Taken", reason: "self_peer", status: 409 },
  );
  const crash = new TypeError("bug");
  assert.throws(() => formError(crash), (error) => error === crash);
  const internal = new HttpError(503);
  assert.throws(() => formError(internal), (error) => error === internal);
});
