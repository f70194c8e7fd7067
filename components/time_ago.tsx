const UNITS: [number, string][] = [
  [60, "s"],
  [60, "min"],
  [24, "h"],
  [7, "d"],
];

/**
 * How long ago `time` was, as people read it ("5 min ago"), with the exact
 * UTC time on hover and in the machine-readable attribute.
 */
export function TimeAgo(props: { time: number; now: number }) {
  const iso = new Date(props.time).toISOString();
  return (
    <time dateTime={iso} title={iso.replace("T", " ").slice(0, 19) + " UTC"}>
      {relative(props.time, props.now)}
    </time>
  );
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "6 d ago", else the date. */
export function relative(time: number, now: number): string {
  let value = Math.round((now - time) / 1000);
  if (value < 0) return "just now";
  if (value < 10) return "just now";
  for (const [size, unit] of UNITS) {
    if (value < size) return `${value} ${unit} ago`;
    value = Math.floor(value / size);
  }
  return new Date(time).toISOString().slice(0, 10);
}
