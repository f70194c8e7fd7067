import assert from "node:assert/strict";
import {
  Counter,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  Histogram,
  MetricError,
  renderExposition,
} from "./exposition.ts";

function throwsMetric(fn: () => unknown, message: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MetricError);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("escapeLabelValue escapes backslash, quote and line feed only", () => {
  assert.equal(escapeLabelValue('a\\b"c\nd\te'), 'a\\\\b\\"c\\nd\te');
  assert.equal(escapeLabelValue("/authors/:author"), "/authors/:author");
});

Deno.test("escapeHelp escapes backslash and line feed, not quotes", () => {
  assert.equal(escapeHelp('say "hi"\\\nbye'), 'say "hi"\\\\\\nbye');
});

Deno.test("formatValue writes infinities and NaN as the format spells them", () => {
  assert.equal(formatValue(Infinity), "+Inf");
  assert.equal(formatValue(-Infinity), "-Inf");
  assert.equal(formatValue(NaN), "NaN");
  assert.equal(formatValue(0.25), "0.25");
  assert.equal(formatValue(12), "12");
});

Deno.test("renderExposition writes HELP, TYPE and samples with escaped labels", () => {
  const text = renderExposition([
    {
      name: "kith_up",
      help: "Whether it is up.\nReally.",
      type: "gauge",
      samples: [{ value: 1 }],
    },
    {
      name: "kith_things_total",
      help: "Things.",
      type: "counter",
      samples: [{ labels: { peer: 'http://a"b' }, value: 3 }],
    },
  ]);
  assert.equal(
    text,
    "# HELP kith_up Whether it is up.\\nReally.\n" +
      "# TYPE kith_up gauge\n" +
      "kith_up 1\n" +
      "# HELP kith_things_total Things.\n" +
      "# TYPE kith_things_total counter\n" +
      'kith_things_total{peer="http://a\\"b"} 3\n',
  );
  assert.equal(renderExposition([]), "");
});

Deno.test("renderExposition refuses invalid metric and label names", () => {
  throwsMetric(
    () =>
      renderExposition([{ name: "1x", help: "", type: "gauge", samples: [] }]),
    'Cannot write metric "1x": the name must match [a-zA-Z_:][a-zA-Z0-9_:]*',
  );
  throwsMetric(
    () =>
      renderExposition([{
        name: "x",
        help: "",
        type: "gauge",
        samples: [{ labels: { "a-b": "1" }, value: 1 }],
      }]),
    'Cannot write metric "x": label "a-b" must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __',
  );
});

Deno.test("Counter keeps one sample per label set, in label-name order", () => {
  const counter = new Counter("hits_total", "Hits.", {
    labels: ["route", "status"],
  });
  counter.inc({ route: "/", status: "200" });
  counter.inc({ status: "200", route: "/" }, 2);
  counter.inc({ route: "/a/:b", status: "404" });
  assert.equal(counter.get({ route: "/", status: "200" }), 3);
  assert.equal(counter.get({ route: "/x", status: "200" }), 0);
  assert.equal(
    renderExposition([counter.family()]),
    "# HELP hits_total Hits.\n# TYPE hits_total counter\n" +
      'hits_total{route="/",status="200"} 3\n' +
      'hits_total{route="/a/:b",status="404"} 1\n',
  );
});

Deno.test("Counter refuses negative steps and wrong label sets", () => {
  const counter = new Counter("c_total", "C.", { labels: ["a"] });
  throwsMetric(
    () => counter.inc({ a: "x" }, -1),
    'Cannot increase counter "c_total" by -1: use a finite number of 0 or more',
  );
  throwsMetric(
    () => counter.inc({ b: "x" }),
    'Cannot increase counter "c_total": give exactly the labels a',
  );
  throwsMetric(
    () => new Counter("bad name", "B."),
    'Cannot write metric "bad name": the name must match [a-zA-Z_:][a-zA-Z0-9_:]*',
  );
});

Deno.test("Histogram counts cumulatively, with +Inf, sum and count", () => {
  const histogram = new Histogram("commit_seconds", "Commits.", {
    buckets: [0.01, 0.1, 1],
  });
  for (const value of [0.005, 0.01, 0.5, 3, NaN]) histogram.observe(value);
  assert.equal(histogram.count, 4);
  assert.equal(
    renderExposition([histogram.family()]),
    "# HELP commit_seconds Commits.\n# TYPE commit_seconds histogram\n" +
      'commit_seconds_bucket{le="0.01"} 2\n' +
      'commit_seconds_bucket{le="0.1"} 2\n' +
      'commit_seconds_bucket{le="1"} 3\n' +
      'commit_seconds_bucket{le="+Inf"} 4\n' +
      "commit_seconds_sum 3.515\n" +
      "commit_seconds_count 4\n",
  );
  throwsMetric(
    () => new Histogram("h", "H.", { buckets: [1, 1] }),
    'Cannot make histogram "h": buckets must be finite and strictly increasing',
  );
});
