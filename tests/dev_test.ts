import assert from "node:assert/strict";
import { join } from "node:path";
import { tempProject } from "./helpers.ts";

const REPO = new URL("../", import.meta.url);
const island = (text: string) =>
  `export function Greet() {\n  return <p class="greet">${text}</p>;\n}\n`;

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function firstEvent(url: string): Promise<string> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  while (!/data: .*\n/.test(text)) text += (await reader.read()).value ?? "";
  abort.abort();
  await reader.cancel().catch(() => {});
  return /data: (.*)\n/.exec(text)![1];
}

Deno.test("dev mode: an edited island is rebuilt, served uncached, and pages are told to reload", async () => {
  const root = await tempProject({
    "islands/greet.tsx": island("version one"),
    "routes/index.tsx": `import { Greet } from "../islands/greet.tsx";
export default function Home() {
  return <html><body><Greet /></body></html>;
}
`,
  });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await Deno.writeTextFile(
    join(root, "server.ts"),
    `import { createWebApp } from ${
      JSON.stringify(new URL("lib/web/mod.ts", REPO).href)
    };
const app = await createWebApp({ root: ${JSON.stringify(root)}, dev: true });
Deno.serve({ hostname: "127.0.0.1", port: ${port}, onListen() {} }, app.fetch);
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      `--watch=${join(root, "islands")}`,
      "--config",
      join(root, "deno.json"),
      join(root, "server.ts"),
    ],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const origin = `http://127.0.0.1:${port}`;
  const bundleOf = async () => {
    const html = await (await fetch(`${origin}/`)).text();
    return /from"(\/_kith\/js\/[^"]+\/greet\.js)"/.exec(html)?.[1];
  };
  try {
    const firstUrl = await waitFor(bundleOf, "the dev server");
    const page = await (await fetch(`${origin}/`)).text();
    assert.match(
      page,
      /new EventSource\("\/_kith\/dev\/reload"\)/,
      "pages carry the live-reload script",
    );
    const first = await fetch(`${origin}${firstUrl}`);
    assert.equal(first.headers.get("cache-control"), "no-cache");
    const firstCode = await first.text();
    assert.ok(firstCode.includes("version one"));
    assert.ok(firstCode.includes("\n"), "development bundles are not minified");
    const firstToken = await firstEvent(`${origin}/_kith/dev/reload`);

    await Deno.writeTextFile(
      join(root, "islands", "greet.tsx"),
      island("version two"),
    );
    const secondUrl = await waitFor(async () => {
      const url = await bundleOf();
      return url && url !== firstUrl ? url : undefined;
    }, "the rebuilt island");
    assert.ok(
      (await (await fetch(`${origin}${secondUrl}`)).text()).includes(
        "version two",
      ),
    );
    assert.notEqual(
      await firstEvent(`${origin}/_kith/dev/reload`),
      firstToken,
      "a new token makes open pages reload",
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(root, { recursive: true });
  }
});
