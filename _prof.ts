import { parseConfig } from "./lib/config/mod.ts";
import { startInstance } from "./lib/instance/mod.ts";
const i = await startInstance(
  parseConfig(
    ["--port", "0", "--hostname", "127.0.0.1", "--data", ":memory:"],
    {},
  ),
);
for (
  const path
    of (Deno.args.length
      ? Deno.args
      : ["/", "/healthz", "/favicon.svg", "/nope"])
) {
  for (let k = 0; k < 2000; k++) {
    await (await i.app.fetch(new Request("http://x" + path))).text();
  }
  const t = performance.now();
  const N = 10000;
  for (let k = 0; k < N; k++) {
    await (await i.app.fetch(new Request("http://x" + path))).text();
  }
  console.log(path, ((performance.now() - t) / N * 1000).toFixed(1), "µs/req");
}
await i.close();
