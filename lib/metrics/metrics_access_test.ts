import assert from "node:assert/strict";
import { metricsAllowed } from "./metrics_access.ts";

const none = new Headers();
const forwarded = new Headers({ "X-Forwarded-For": "198.51.100.4" });

Deno.test("metricsAllowed: loopback admits loopback sockets that no proxy forwarded", () => {
  for (
    const remote of [
      "127.0.0.1",
      "127.8.9.10",
      "::1",
      "[::1]",
      "::ffff:127.0.0.1",
    ]
  ) {
    assert.equal(
      metricsAllowed("loopback", { remote, headers: none }),
      true,
      remote,
    );
    assert.equal(
      metricsAllowed("loopback", { remote, headers: forwarded }),
      false,
      remote,
    );
  }
  assert.equal(
    metricsAllowed("loopback", {
      remote: "127.0.0.1",
      headers: new Headers({ Forwarded: "for=198.51.100.4" }),
    }),
    false,
  );
  for (
    const remote of ["203.0.113.9", "10.0.0.1", "::2", "1127.0.0.1", undefined]
  ) {
    assert.equal(metricsAllowed("loopback", { remote, headers: none }), false);
  }
});

Deno.test("metricsAllowed: public admits all, off admits none", () => {
  assert.equal(
    metricsAllowed("public", { remote: "203.0.113.9", headers: forwarded }),
    true,
  );
  assert.equal(metricsAllowed("public", { headers: none }), true);
  assert.equal(
    metricsAllowed("off", { remote: "127.0.0.1", headers: none }),
    false,
  );
});
