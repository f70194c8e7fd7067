import assert from "node:assert/strict";
import { LiveHub, MAX_STREAMS } from "./live.ts";

Deno.test("the live hub refuses streams beyond its cap and ends all on close", () => {
  const hub = new LiveHub(() => false);
  let ended = 0;
  const stops = Array.from(
    { length: MAX_STREAMS },
    () => hub.subscribe({ kind: "federated" }, () => {}, () => ended++),
  );
  assert.ok(stops.every((stop) => stop !== null));
  assert.equal(hub.subscribe({ kind: "federated" }, () => {}, () => {}), null);
  stops[0]!();
  assert.notEqual(
    hub.subscribe({ kind: "local" }, () => {}, () => ended++),
    null,
    "a stopped stream frees its place",
  );
  hub.close();
  assert.equal(ended, MAX_STREAMS);
  assert.equal(hub.size, 0);
  assert.equal(hub.subscribe({ kind: "federated" }, () => {}, () => {}), null);
});
