/**
 * Island props travel from the server to the browser in this format: a
 * flat JSON array of slots where containers refer to other slots by index,
 * so shared references (two islands given one signal) and cycles survive,
 * and values JSON lacks (undefined, NaN, -0, bigint, Date, URL, Map, Set,
 * Uint8Array, Preact signals) come back as themselves.
 *
 * Slot forms: a JSON primitive is itself; `[i, j, …]` is an array of
 * slots; `{key: i}` is a plain object; `["Tag", …]` (first item a string)
 * is a tagged value. Negative indices stand for values with no slot.
 *
 * @module
 */
import { Signal, signal } from "@preact/signals";

/** Error thrown when a value has no serialized form. */
export class SerializeError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "SerializeError";
  }
}

const UNDEFINED = -1;
const NAN = -2;
const POSITIVE_INFINITY = -3;
const NEGATIVE_INFINITY = -4;
const NEGATIVE_ZERO = -5;

type Slot = unknown;

/**
 * Serializes `value` to JSON text that is safe to embed in an HTML
 * `<script type="application/json">` element.
 *
 * @throws {SerializeError} When `value` holds a function, symbol, JSX
 * element or class instance other than the supported ones; the message
 * names the path, e.g. `props.onClick is a function`.
 *
 * @example
 * ```ts
 * const text = serialize({ count: signal(1), at: new Date(0) });
 * ```
 */
export function serialize(
  value: unknown,
  options: { label?: string } = {},
): string {
  const slots: Slot[] = [];
  const indices = new Map<unknown, number>();
  const label = options.label ?? "value";

  const encode = (item: unknown, path: string): number => {
    if (item === undefined) return UNDEFINED;
    if (typeof item === "number") {
      if (Number.isNaN(item)) return NAN;
      if (item === Infinity) return POSITIVE_INFINITY;
      if (item === -Infinity) return NEGATIVE_INFINITY;
      if (Object.is(item, -0)) return NEGATIVE_ZERO;
    }
    if (item === null || typeof item !== "object") {
      return push(encodePrimitive(item, path));
    }
    const known = indices.get(item);
    if (known !== undefined) return known;
    const index = slots.push(null) - 1;
    indices.set(item, index);
    slots[index] = encodeObject(item, path, encode);
    return index;
  };
  const push = (slot: Slot) => slots.push(slot) - 1;

  // The root lives in slot 0; a root with no slot of its own gets one.
  const root = encode(value, label);
  if (root < 0) slots.push(["Value", root]);
  return JSON.stringify(slots).replace(
    /[<\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Sets an own property; `"__proto__"` stays a key instead of a prototype. */
function setOwn(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

function encodePrimitive(item: unknown, path: string): Slot {
  switch (typeof item) {
    case "string":
    case "number":
    case "boolean":
      return item;
    case "bigint":
      return ["BigInt", item.toString()];
    case "object":
      return null;
    default:
      throw new SerializeError(
        `Cannot serialize ${path}: it is a ${typeof item}; island props must be data`,
      );
  }
}

function encodeObject(
  item: object,
  path: string,
  encode: (item: unknown, path: string) => number,
): Slot {
  if (Array.isArray(item)) {
    return Array.from(item, (element, i) => encode(element, `${path}[${i}]`));
  }
  if (item instanceof Signal) {
    return ["Signal", encode(item.peek(), `${path}.value`)];
  }
  if (item instanceof Date) return ["Date", item.getTime()];
  if (item instanceof URL) return ["URL", item.href];
  if (item instanceof Uint8Array) return ["Uint8Array", ...item];
  if (item instanceof Map) {
    const slot: Slot[] = ["Map"];
    let i = 0;
    for (const [key, entry] of item) {
      slot.push(
        encode(key, `${path}.key(${i})`),
        encode(entry, `${path}.get(${i})`),
      );
      i++;
    }
    return slot;
  }
  if (item instanceof Set) {
    return [
      "Set",
      ...Array.from(item, (entry, i) => encode(entry, `${path}.entry(${i})`)),
    ];
  }
  const prototype = Object.getPrototypeOf(item);
  if (
    "__k" in item ||
    ("type" in item && "props" in item && item.constructor === undefined)
  ) {
    throw new SerializeError(
      `Cannot serialize ${path}: it is a JSX element; render it inside the island instead`,
    );
  }
  if (prototype !== Object.prototype && prototype !== null) {
    const name = prototype?.constructor?.name ?? "unknown";
    throw new SerializeError(
      `Cannot serialize ${path}: it is a ${name} instance; pass plain objects, arrays, Date, URL, Map, Set, Uint8Array or signals`,
    );
  }
  const slot: Record<string, number> = {};
  for (const key in item) {
    if (!Object.hasOwn(item, key)) continue;
    setOwn(
      slot,
      key,
      encode((item as Record<string, unknown>)[key], `${path}.${key}`),
    );
  }
  return slot;
}

/**
 * Rebuilds a value from `serialize`'s output. Signals come back as fresh
 * Preact signals, one per serialized signal, shared where the original was.
 *
 * @throws {SerializeError} When `text` is not JSON of the expected shape.
 *
 * @example
 * ```ts
 * const props = deserialize(script.textContent) as Record<string, unknown>;
 * ```
 */
export function deserialize(text: string): unknown {
  let slots: unknown;
  try {
    slots = JSON.parse(text);
  } catch (error) {
    throw new SerializeError(
      `Cannot deserialize: not JSON (${(error as Error).message})`,
    );
  }
  if (!Array.isArray(slots) || slots.length === 0) {
    throw new SerializeError(
      "Cannot deserialize: expected a non-empty array of slots",
    );
  }
  const table = slots;
  const values = new Map<number, unknown>();

  const decode = (index: unknown): unknown => {
    switch (index) {
      case UNDEFINED:
        return undefined;
      case NAN:
        return NaN;
      case POSITIVE_INFINITY:
        return Infinity;
      case NEGATIVE_INFINITY:
        return -Infinity;
      case NEGATIVE_ZERO:
        return -0;
    }
    if (
      !Number.isInteger(index) || (index as number) < 0 ||
      (index as number) >= table.length
    ) {
      throw new SerializeError(
        `Cannot deserialize: slot reference ${String(index)} is out of range`,
      );
    }
    const i = index as number;
    if (values.has(i)) return values.get(i);
    const slot = table[i];
    if (slot === null || typeof slot !== "object") {
      values.set(i, slot);
      return slot;
    }
    if (Array.isArray(slot) && typeof slot[0] === "string") {
      return decodeTagged(i, slot);
    }
    if (Array.isArray(slot)) {
      const array: unknown[] = [];
      values.set(i, array);
      for (const element of slot) array.push(decode(element));
      return array;
    }
    const object: Record<string, unknown> = {};
    values.set(i, object);
    for (const [key, element] of Object.entries(slot)) {
      setOwn(object, key, decode(element));
    }
    return object;
  };

  const decodeTagged = (i: number, slot: unknown[]): unknown => {
    const [tag, ...rest] = slot;
    switch (tag) {
      case "Value":
        return remember(i, decode(rest[0]));
      case "BigInt":
        return remember(i, BigInt(String(rest[0])));
      case "Date":
        return remember(i, new Date(Number(rest[0])));
      case "URL":
        return remember(i, new URL(String(rest[0])));
      case "Uint8Array":
        return remember(i, Uint8Array.from(rest as number[]));
      case "Signal": {
        const created = signal<unknown>(undefined);
        values.set(i, created);
        created.value = decode(rest[0]);
        return created;
      }
      case "Map": {
        const map = new Map();
        values.set(i, map);
        for (let k = 0; k < rest.length; k += 2) {
          map.set(decode(rest[k]), decode(rest[k + 1]));
        }
        return map;
      }
      case "Set": {
        const set = new Set();
        values.set(i, set);
        for (const element of rest) set.add(decode(element));
        return set;
      }
      default:
        throw new SerializeError(
          `Cannot deserialize: unknown tag "${String(tag)}"`,
        );
    }
  };
  const remember = (i: number, value: unknown) => {
    values.set(i, value);
    return value;
  };

  return decode(0);
}
