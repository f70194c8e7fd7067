/**
 * Baseline for the framework-overhead benchmark: a bare Deno.serve that
 * answers every request with the HTML in the file given as first argument,
 * on the port given as second.
 *
 * @module
 */
const [file, port] = Deno.args;
const html = await Deno.readTextFile(file);
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen() {} },
  () =>
    new Response(html, {
      headers: { "Content-Type": "text/html; charset=utf-8" },
    }),
);
