import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type BudgetVerdict,
  DEFAULT_MESSAGE_BUDGET,
  MessageBudget,
} from "./message_budget.ts";

/** A budget on a clock the test moves by hand. */
function onClock(options: ConstructorParameters<typeof MessageBudget>[0]) {
  const clock = { now: 1_000_000 };
  const budget = new MessageBudget<object>({
    ...options,
    now: () => clock.now,
  });
  return { clock, budget };
}

function charges(
  budget: MessageBudget<object>,
  key: object,
  count: number,
): BudgetVerdict[] {
  return Array.from({ length: count }, () => budget.charge(key));
}

Deno.test("a fresh connection may send a burst, then nothing until tokens refill", () => {
  const { clock, budget } = onClock({ perSecond: 10, burst: 5 });
  const peer = {};
  assert.deepEqual(charges(budget, peer, 7), [
    ...Array(5).fill("pass"),
    "drop",
    "drop",
  ]);
  clock.now += 100; // 10 a second: one token back.
  assert.deepEqual(charges(budget, peer, 2), ["pass", "drop"]);
  clock.now += 60_000; // Refills up to the burst, never beyond.
  assert.deepEqual(
    charges(budget, peer, 6).filter((verdict) => verdict === "pass").length,
    5,
  );
});

Deno.test("each connection has its own bucket", () => {
  const { budget } = onClock({ perSecond: 1, burst: 2 });
  const [honest, flooder] = [{}, {}];
  assert.deepEqual(charges(budget, flooder, 4), [
    "pass",
    "pass",
    "drop",
    "drop",
  ]);
  assert.deepEqual(charges(budget, honest, 2), ["pass", "pass"]);
});

Deno.test("a batch frame costs nothing but needs a token left", () => {
  const { budget } = onClock({ perSecond: 1, burst: 2 });
  const peer = {};
  assert.equal(budget.charge(peer, 0), "pass");
  assert.equal(budget.charge(peer, 0), "pass");
  assert.deepEqual(charges(budget, peer, 3), ["pass", "pass", "drop"]);
  assert.equal(budget.charge(peer, 0), "drop");
});

Deno.test("more than cutOffAfter drops within the window cut the peer off, once", () => {
  const { budget } = onClock({
    perSecond: 1,
    burst: 1,
    cutOffAfter: 3,
    windowMs: 1_000,
  });
  const peer = {};
  assert.deepEqual(charges(budget, peer, 7), [
    "pass",
    "drop",
    "drop",
    "drop",
    "cut",
    "gone",
    "gone",
  ]);
  assert.equal(budget.charge(peer, 0), "gone");
});

Deno.test("drops spread over more than the window never cut a peer off", () => {
  const { clock, budget } = onClock({
    perSecond: 0.001, // No refill worth speaking of within the test.
    burst: 1,
    cutOffAfter: 3,
    windowMs: 1_000,
  });
  const peer = {};
  assert.equal(budget.charge(peer), "pass");
  for (let window = 0; window < 10; window++) {
    assert.deepEqual(charges(budget, peer, 3), ["drop", "drop", "drop"]);
    clock.now += 1_000;
  }
  assert.deepEqual(charges(budget, peer, 4), ["drop", "drop", "drop", "cut"]);
});

Deno.test("a peer within its budget is never dropped, whatever its rhythm", () => {
  // Gaps of at least 1000 / perSecond ms keep a peer inside its budget.
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000 }),
      fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 200 }),
      (perSecond, extra) => {
        const { clock, budget } = onClock({ perSecond, burst: 1 });
        const peer = {};
        for (const gap of extra) {
          assert.equal(budget.charge(peer), "pass");
          clock.now += Math.ceil(1_000 / perSecond) + gap;
        }
      },
    ),
  );
});

Deno.test("a clock that steps back refills nothing", () => {
  const { clock, budget } = onClock({ perSecond: 1_000, burst: 1 });
  const peer = {};
  assert.equal(budget.charge(peer), "pass");
  clock.now -= 60_000;
  assert.equal(budget.charge(peer), "drop");
});

Deno.test("unset limits take the defaults", () => {
  assert.deepEqual(new MessageBudget().limits, DEFAULT_MESSAGE_BUDGET);
  assert.deepEqual(new MessageBudget({ burst: 7 }).limits, {
    ...DEFAULT_MESSAGE_BUDGET,
    burst: 7,
  });
});

Deno.test("limits that are not positive numbers are refused", () => {
  for (
    const [options, message] of [
      [{ perSecond: 0 }, "perSecond must be a positive number, got 0"],
      [{ burst: -1 }, "burst must be a positive number, got -1"],
      [{ windowMs: NaN }, "windowMs must be a positive number, got NaN"],
      [
        { cutOffAfter: Infinity },
        "cutOffAfter must be a positive number, got Infinity",
      ],
      [{ burst: 0.5 }, "burst must be at least 1, got 0.5"],
    ] as const
  ) {
    assert.throws(() => new MessageBudget(options), {
      name: "RangeError",
      message: `Cannot use message budget: ${message}`,
    });
  }
});
