/** Writing benchmark figures into docs/benchmarks.md. @module */

const DOC = new URL("../docs/benchmarks.md", import.meta.url);

/** Replaces the `name` section of docs/benchmarks.md with `body`. */
export async function writeSection(name: string, body: string): Promise<void> {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const doc = await Deno.readTextFile(DOC);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1) {
    throw new Error(`docs/benchmarks.md has no ${start} … ${end} section`);
  }
  const updated = doc.slice(0, from + start.length) + "\n" + body.trim() +
    "\n" + doc.slice(to);
  await Deno.writeTextFile(DOC, updated);
  // Figures make long lines; keep the file as `deno fmt --check` wants it.
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", DOC.pathname],
  }).output();
}

/** The date, cores and Deno version of this run. */
export function machine(): string {
  return `${
    new Date().toISOString().slice(0, 10)
  }, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ${Deno.build.os}/${Deno.build.arch}`;
}

/** Bytes as KB with one decimal. */
export const kb = (bytes: number) => (bytes / 1024).toFixed(1);
/** Whether a target was met, as the table shows it. */
export const ok = (pass: boolean) => (pass ? "met" : "**missed**");
/** Numbers rounded and joined by commas. */
export const list = (values: number[]) =>
  values.map((value) => value.toFixed(0)).join(", ");
