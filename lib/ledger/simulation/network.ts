/**
 * The simulator's model of time and the network: a seeded PRNG, an event
 * queue in virtual milliseconds, and a fault model (delays, drops,
 * reordering, partitions). Deterministic: one seed, one history.
 *
 * @module
 */

/** A seeded PRNG (mulberry32): floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A window in which messages between nodes of different groups are lost. */
export interface Partition {
  from: number;
  to: number;
  groups: number[][];
}

/** What the network does to messages. Times are virtual ms. */
export interface Faults {
  /** Delay range of one message. */
  delay: [number, number];
  /** Probability that a message is lost. */
  drop: number;
  /**
   * Probability that a message is held back by up to five more delay
   * ranges, so that it arrives after later ones.
   */
  reorder: number;
  partitions: Partition[];
}

interface Event {
  at: number;
  order: number;
  run: () => void;
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

/** A min-heap of events by (time, insertion order). */
export class Queue {
  #items: Event[] = [];
  #order = 0;

  /** Number of pending events. */
  get size(): number {
    return this.#items.length;
  }

  /** Schedules `run` at virtual time `at`. */
  push(at: number, run: () => void): void {
    const items = this.#items;
    items.push({ at, order: this.#order++, run });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  /** The earliest event, removed; undefined when empty. */
  pop(): Event | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < items.length && before(items[l], items[m])) m = l;
        if (r < items.length && before(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Virtual time, the event queue and the fault model of one run. */
export class Network {
  now = 0;
  /** Messages put on the wire (not dropped or cut). */
  sent = 0;
  readonly #queue = new Queue();
  readonly #random: () => number;
  readonly #faults: Faults;

  constructor(random: () => number, faults: Faults) {
    this.#random = random;
    this.#faults = faults;
  }

  /** Runs `run` at virtual time `at` (not before now). */
  at(at: number, run: () => void): void {
    this.#queue.push(Math.max(at, this.now), run);
  }

  /** Whether a partition separates `a` and `b` now. */
  cut(a: number, b: number): boolean {
    for (const p of this.#faults.partitions) {
      if (this.now < p.from || this.now >= p.to) continue;
      const ga = p.groups.findIndex((g) => g.includes(a));
      const gb = p.groups.findIndex((g) => g.includes(b));
      if (ga !== gb) return true;
    }
    return false;
  }

  /** Sends from `from` to `to`: `arrive` runs later, unless lost. */
  send(from: number, to: number, arrive: () => void): void {
    if (from === to) return;
    const random = this.#random;
    const { delay: [min, max], drop, reorder } = this.#faults;
    if (random() < drop || this.cut(from, to)) return;
    this.sent++;
    let delay = min + random() * (max - min);
    if (reorder > 0 && random() < reorder) delay += random() * 5 * (max + 1);
    this.#queue.push(this.now + delay, arrive);
  }

  /** Runs events in order until `done()` holds or time passes `until`. */
  run(done: () => boolean, until: number): void {
    while (!done()) {
      const event = this.#queue.pop();
      if (!event || event.at > until) return;
      this.now = event.at;
      event.run();
    }
  }
}
