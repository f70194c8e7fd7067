import assert from "node:assert/strict";
import fc from "fast-check";
import { BudgetError, parseBudget, RateLimiter } from "./rate_limit.ts";

Deno.test("parseBudget reads count per second, minute or hour, and off", () => {
  assert.deepEqual(parseBudget("600/min"), { count: 600, windowMs: 60_000 });
  assert.deepEqual(parseBudget(" 10/S "), { count: 10, windowMs: 1_000 });
  assert.deepEqual(parseBudget("5000/h"), {
    count: 5_000,
    windowMs: 3_600_000,
  });
  assert.equal(parseBudget("off"), null);
  assert.deepEqual(parseBudget("20/s,200"), {
    count: 20,
    windowMs: 1_000,
    burst: 200,
  });
  for (
    const text of [
      "fast",
      "0/s",
      "-1/min",
      "10/day",
      "1.5/s",
      "10",
      "",
      "5/s,0",
    ]
  ) {
    assert.throws(() => parseBudget(text), {
      name: "BudgetError",
      message:
        `Cannot parse budget "${text}": write it as <count>/<s|min|h>[,<burst>] with counts of at least 1, e.g. 600/min or 20/s,200, or off`,
    });
  }
  assert.ok(new BudgetError("x") instanceof Error);
});

Deno.test("a bucket allows a burst of count, then refills at count per window", () => {
  const limiter = new RateLimiter({ count: 3, windowMs: 3_000 });
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.take("a", { now: 0 }).ok, true);
  }
  assert.deepEqual(limiter.take("a", { now: 0 }), {
    ok: false,
    retryAfterMs: 1_000,
  });
  assert.equal(limiter.take("b", { now: 0 }).ok, true, "keys are separate");
  assert.deepEqual(limiter.take("a", { now: 500 }), {
    ok: false,
    retryAfterMs: 500,
  });
  assert.deepEqual(limiter.take("a", { now: 1_000 }), {
    ok: true,
    remaining: 0,
  });
  assert.equal(limiter.available("a", 60_000), 3, "never more than count");
});

Deno.test("a burst smaller than the count caps what a quiet key can take at once", () => {
  const limiter = new RateLimiter({ count: 20, windowMs: 1_000, burst: 5 });
  let taken = 0;
  while (limiter.take("a", { now: 0 }).ok) taken++;
  assert.equal(taken, 5);
  assert.equal(limiter.available("a", 100_000), 5);
  assert.equal(limiter.available("a", 100_050), 5);
  limiter.take("a", { now: 100_050, cost: 5 });
  assert.equal(limiter.available("a", 100_100), 1, "refills at 20/s");
});

Deno.test("takeUpTo grants what is there and says when the next comes", () => {
  const limiter = new RateLimiter({ count: 10, windowMs: 10_000 });
  assert.deepEqual(limiter.takeUpTo("a", 4, { now: 0 }), {
    granted: 4,
    retryAfterMs: 0,
  });
  assert.deepEqual(limiter.takeUpTo("a", 9, { now: 0 }), {
    granted: 6,
    retryAfterMs: 1_000,
  });
  assert.equal(limiter.available("a", 0), 0);
  assert.equal(limiter.available("a", 2_500), 2);
});

Deno.test("memory is bounded: past maxKeys the oldest key starts afresh", () => {
  const limiter = new RateLimiter({ count: 1, windowMs: 60_000 }, {
    maxKeys: 2,
  });
  assert.equal(limiter.take("a", { now: 0 }).ok, true);
  assert.equal(limiter.take("a", { now: 0 }).ok, false);
  limiter.take("b", { now: 0 });
  limiter.take("c", { now: 0 });
  assert.equal(limiter.take("a", { now: 0 }).ok, true, "a was forgotten");
});

Deno.test("a bad budget cannot make a limiter", () => {
  assert.throws(() => new RateLimiter({ count: 0, windowMs: 1 }), {
    name: "RangeError",
    message:
      "Cannot create rate limiter: count, windowMs and burst must be positive integers, got 0, 1 and 0",
  });
});

Deno.test("property: what a key is granted never exceeds count plus what the window refilled", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1, max: 10_000 }),
      fc.array(
        fc.record({
          gap: fc.nat(2_000),
          cost: fc.integer({ min: 1, max: 5 }),
        }),
        { maxLength: 200 },
      ),
      (count, windowMs, takes) => {
        const limiter = new RateLimiter({ count, windowMs });
        let now = 0;
        let granted = 0;
        for (const { gap, cost } of takes) {
          now += gap;
          if (limiter.take("k", { now, cost }).ok) granted += cost;
        }
        assert.ok(granted <= count + (now * count) / windowMs + 1e-9);
      },
    ),
    { numRuns: 300 },
  );
});
