/**
 * Baseline for the framework-overhead benchmark: a bare Deno.serve that
 * answers every request with the HTML in the file given as first argument,
 * on the port given as second. With a third argument, a JSON file of
 * response headers, it sends those headers too (the same bytes on the wire
 * as the page it copies).
 *
 * @module
 */
const [file, port, headersFile] = Deno.args;
const html = await Deno.readTextFile(file);
const headers: Record<string, string> = headersFile
  ? JSON.parse(await Deno.readTextFile(headersFile))
  : { "Content-Type": "text/html; charset=utf-8" };
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen() {} },
  () => new Response(html, { headers }),
);
