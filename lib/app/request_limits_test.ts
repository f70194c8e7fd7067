import assert from "node:assert/strict";
import { RequestLimits } from "./request_limits.ts";

const ONE_PER_MINUTE = { count: 1, windowMs: 60_000 };

function limits() {
  return new RequestLimits({
    reads: ONE_PER_MINUTE,
    writes: null,
    authorRecords: null,
    gunMessages: null,
  }, { trustProxy: "never" });
}

const get = (path = "/local") => new Request(`http://kith.test${path}`);

Deno.test("a refused request is held before its 429, at most 1,024 at once", async () => {
  const requestLimits = limits();
  assert.equal(requestLimits.check(get(), "203.0.113.1"), undefined);
  const held = Array.from(
    { length: 1_024 },
    () => requestLimits.check(get(), "203.0.113.1")!,
  );
  const settled = new Set<number>();
  held.forEach((answer, i) => answer.then(() => settled.add(i)));
  // Past the cap the answer goes out at once, while the others still wait.
  const overflow = await requestLimits.check(get(), "203.0.113.1")!;
  assert.equal(overflow.status, 429);
  assert.equal(settled.size, 0, "the held ones are still held");
  const answers = await Promise.all(held);
  assert.ok(answers.every((answer) => answer.status === 429));
  assert.equal(answers[0].headers.get("Retry-After"), "60");
  assert.equal(requestLimits.refused.reads, 1_025);
});

Deno.test("writes without a budget and liveness probes are never limited", () => {
  const requestLimits = limits();
  for (let i = 0; i < 5; i++) {
    assert.equal(
      requestLimits.check(
        new Request("http://kith.test/api/records", {
          method: "POST",
        }),
        "203.0.113.1",
      ),
      undefined,
    );
    assert.equal(
      requestLimits.check(get("/healthz"), "203.0.113.1"),
      undefined,
    );
    assert.equal(requestLimits.check(get("/readyz"), "203.0.113.1"), undefined);
  }
});
