/**
 * Prometheus text exposition format (version 0.0.4), written by hand: the
 * few metric kinds Kith needs (counters, gauges, histograms) and the
 * escaping rules, so `/metrics` needs no dependency.
 *
 * @module
 */

/** The `Content-Type` of a scrape answer. */
export const EXPOSITION_CONTENT_TYPE =
  "text/plain; version=0.0.4; charset=utf-8";

/** The kinds of metric written here. */
export type MetricType = "counter" | "gauge" | "histogram";

/** Label names to values of one sample. */
export type Labels = Record<string, string>;

/** One line of a family: `name{labels} value`. */
export interface Sample {
  /** Appended to the family name, e.g. `_bucket`; none for plain samples. */
  suffix?: string;
  labels?: Labels;
  value: number;
}

/** A metric with its HELP and TYPE lines and its samples. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** Error thrown for a metric or label that cannot be written. */
export class MetricError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "MetricError";
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Escapes a label value: backslash, double quote and line feed.
 *
 * @example
 * ```ts
 * escapeLabelValue('a"b'); // 'a\\"b'
 * ```
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`);
}

/**
 * Escapes HELP text: backslash and line feed (quotes stay as they are).
 *
 * @example
 * ```ts
 * escapeHelp("one\ntwo"); // "one\\ntwo"
 * ```
 */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => c === "\n" ? "\\n" : "\\\\");
}

/**
 * A sample value as the format writes it: `NaN`, `+Inf`, `-Inf` or a
 * JavaScript number.
 *
 * @example
 * ```ts
 * formatValue(Infinity); // "+Inf"
 * ```
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/**
 * Writes metric families as one scrape answer, each with its HELP and TYPE
 * lines, ending with a line feed.
 *
 * @throws {MetricError} For an invalid metric or label name, e.g.
 * `Cannot write metric "1x": the name must match [a-zA-Z_:][a-zA-Z0-9_:]*`.
 *
 * @example
 * ```ts
 * renderExposition([{ name: "up", help: "Up.", type: "gauge",
 *   samples: [{ value: 1 }] }]);
 * // "# HELP up Up.\n# TYPE up gauge\nup 1\n"
 * ```
 */
export function renderExposition(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    checkName(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const name = family.name + (sample.suffix ?? "");
      lines.push(
        `${name}${formatLabels(name, sample.labels ?? {})} ${
          formatValue(sample.value)
        }`,
      );
    }
  }
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

function checkName(name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new MetricError(
      `Cannot write metric "${name}": the name must match [a-zA-Z_:][a-zA-Z0-9_:]*`,
    );
  }
}

function formatLabels(metric: string, labels: Labels): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith("__")) {
      throw new MetricError(
        `Cannot write metric "${metric}": label "${name}" must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __`,
      );
    }
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/**
 * A counter with a fixed set of label names; each distinct set of values
 * is one sample.
 *
 * @example
 * ```ts
 * const hits = new Counter("hits_total", "Hits.", { labels: ["route"] });
 * hits.inc({ route: "/" });
 * renderExposition([hits.family()]);
 * ```
 */
export class Counter {
  readonly name: string;
  readonly help: string;
  readonly #labels: string[];
  readonly #values = new Map<string, { labels: Labels; value: number }>();

  /** A counter named `name`; `labels` are its label names (none by default). */
  constructor(name: string, help: string, options: { labels?: string[] } = {}) {
    checkName(name);
    this.name = name;
    this.help = help;
    this.#labels = options.labels ?? [];
  }

  /**
   * Adds `by` (default 1) to the sample of `labels`.
   *
   * @throws {MetricError} When `by` is negative or not finite, or `labels`
   * lacks or adds a label name.
   */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) {
      throw new MetricError(
        `Cannot increase counter "${this.name}" by ${by}: use a finite number of 0 or more`,
      );
    }
    const keys = Object.keys(labels);
    if (
      keys.length !== this.#labels.length ||
      this.#labels.some((name) => typeof labels[name] !== "string")
    ) {
      throw new MetricError(
        `Cannot increase counter "${this.name}": give exactly the labels ${
          this.#labels.join(", ") || "(none)"
        }`,
      );
    }
    const ordered: Labels = {};
    for (const name of this.#labels) ordered[name] = labels[name];
    const key = JSON.stringify(this.#labels.map((name) => labels[name]));
    const sample = this.#values.get(key);
    if (sample) sample.value += by;
    else this.#values.set(key, { labels: ordered, value: by });
  }

  /** The current value of the sample of `labels` (0 when never increased). */
  get(labels: Labels = {}): number {
    const key = JSON.stringify(this.#labels.map((name) => labels[name]));
    return this.#values.get(key)?.value ?? 0;
  }

  /** The counter as a family to render. */
  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: "counter",
      samples: [...this.#values.values()].map(({ labels, value }) => ({
        labels: { ...labels },
        value,
      })),
    };
  }
}

/**
 * A histogram without labels: cumulative buckets (upper bounds, `le`),
 * their sum and count.
 *
 * @example
 * ```ts
 * const commits = new Histogram("commit_seconds", "Commit time.", {
 *   buckets: [0.001, 0.01, 0.1],
 * });
 * commits.observe(0.004);
 * ```
 */
export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  /**
   * A histogram named `name` with the upper bounds `buckets` (+Inf is
   * added).
   *
   * @throws {MetricError} When the bounds are not finite and strictly
   * increasing.
   */
  constructor(name: string, help: string, options: { buckets: number[] }) {
    checkName(name);
    const { buckets } = options;
    if (
      buckets.some((bound, i) =>
        !Number.isFinite(bound) || (i > 0 && bound <= buckets[i - 1])
      )
    ) {
      throw new MetricError(
        `Cannot make histogram "${name}": buckets must be finite and strictly increasing`,
      );
    }
    this.name = name;
    this.help = help;
    this.buckets = [...buckets];
    this.#counts = buckets.map(() => 0);
  }

  /** Records one observation (NaN is ignored). */
  observe(value: number): void {
    if (Number.isNaN(value)) return;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) this.#counts[i]++;
    }
    this.#sum += value;
    this.#count++;
  }

  /** Observations so far. */
  get count(): number {
    return this.#count;
  }

  /** The histogram as a family to render. */
  family(): MetricFamily {
    const samples: Sample[] = this.buckets.map((bound, i) => ({
      suffix: "_bucket",
      labels: { le: formatValue(bound) },
      value: this.#counts[i],
    }));
    samples.push(
      { suffix: "_bucket", labels: { le: "+Inf" }, value: this.#count },
      { suffix: "_sum", value: this.#sum },
      { suffix: "_count", value: this.#count },
    );
    return { name: this.name, help: this.help, type: "histogram", samples };
  }
}
