import assert from "node:assert/strict";
import { clientKey } from "./client_address.ts";

const none = new Headers();

Deno.test("IPv4 clients are keyed by address, IPv6 clients by their /64", () => {
  assert.equal(clientKey("203.0.113.7", none), "203.0.113.7");
  assert.equal(clientKey("::ffff:203.0.113.7", none), "203.0.113.7");
  assert.equal(clientKey("2001:db8:1:2::1", none), "2001:db8:1:2::/64");
  assert.equal(
    clientKey("2001:0db8:0001:0002:ffff:0:0:9", none),
    "2001:db8:1:2::/64",
  );
  assert.equal(clientKey("[::1]", none), "0:0:0:0::/64");
  assert.equal(clientKey("fe80::1%eth0", none), "fe80:0:0:0::/64");
});

Deno.test("X-Forwarded-For counts only from a trusted proxy, and only its last hop", () => {
  const headers = new Headers({
    "X-Forwarded-For": "198.51.100.1, 192.0.2.9",
  });
  assert.equal(clientKey("127.0.0.1", headers), "192.0.2.9", "loopback");
  assert.equal(clientKey("::1", headers), "192.0.2.9", "loopback");
  assert.equal(clientKey("203.0.113.5", headers), "203.0.113.5");
  assert.equal(
    clientKey("203.0.113.5", headers, { trustProxy: "always" }),
    "192.0.2.9",
  );
  assert.equal(
    clientKey("127.0.0.1", headers, { trustProxy: "never" }),
    "127.0.0.1",
  );
  const junk = new Headers({ "X-Forwarded-For": "not an address" });
  assert.equal(clientKey("127.0.0.1", junk), "127.0.0.1");
});

Deno.test("what is not an address is its own key", () => {
  assert.equal(clientKey("unix-socket", none), "unix-socket");
  assert.equal(clientKey("1:2:3:4:5:6:7:8:9", none), "1:2:3:4:5:6:7:8:9");
  assert.equal(clientKey("1::2::3", none), "1::2::3");
});
