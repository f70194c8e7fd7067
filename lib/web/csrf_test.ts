import assert from "node:assert/strict";
import { isSameSiteRequest } from "./csrf.ts";

function post(headers: Record<string, string>, method = "POST"): Request {
  return new Request("https://kith.example/api/records", { method, headers });
}

Deno.test("safe methods always pass", () => {
  for (const method of ["GET", "HEAD", "OPTIONS"]) {
    assert.equal(
      isSameSiteRequest(post({ "Sec-Fetch-Site": "cross-site" }, method), []),
      true,
    );
  }
});

Deno.test("Sec-Fetch-Site decides when a browser sends it", () => {
  assert.equal(
    isSameSiteRequest(post({ "Sec-Fetch-Site": "same-origin" }), []),
    true,
  );
  assert.equal(isSameSiteRequest(post({ "Sec-Fetch-Site": "none" }), []), true);
  assert.equal(
    isSameSiteRequest(post({ "Sec-Fetch-Site": "same-site" }), []),
    false,
  );
  assert.equal(
    isSameSiteRequest(
      post({ "Sec-Fetch-Site": "cross-site", Origin: "https://kith.example" }),
      [],
    ),
    false,
    "the browser's word wins over a matching Origin",
  );
  for (const method of ["PUT", "DELETE", "PATCH"]) {
    assert.equal(
      isSameSiteRequest(post({ "Sec-Fetch-Site": "cross-site" }, method), []),
      false,
    );
  }
});

Deno.test("without Sec-Fetch-Site, Origin must be this site's", () => {
  assert.equal(
    isSameSiteRequest(post({ Origin: "https://kith.example" }), []),
    true,
  );
  assert.equal(
    isSameSiteRequest(post({ Origin: "https://public.example" }), [
      "https://public.example",
    ]),
    true,
  );
  assert.equal(
    isSameSiteRequest(post({ Origin: "https://evil.example" }), []),
    false,
  );
  assert.equal(isSameSiteRequest(post({ Origin: "null" }), []), false);
});

Deno.test("clients that are not browsers send neither header and pass", () => {
  assert.equal(isSameSiteRequest(post({}), []), true);
});
