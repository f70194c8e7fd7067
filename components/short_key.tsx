/** The first 8 characters of a key or id, for display next to the full value in a title. */
export function shortKey(key: string): string {
  return `${key.slice(0, 8)}…`;
}
