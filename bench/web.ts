/**
 * Foundation benchmarks (issue 2): framework overhead against bare
 * Deno.serve, island JavaScript size, and cold start. Run by bench/run.ts.
 *
 * @module
 */
import { startTestInstance, testAuthor } from "../tests/helpers.ts";
import {
  freePort,
  median,
  NO_BUDGETS,
  spawnDeno,
  spawnInstance,
  stop,
  waitFor200,
} from "./_process.ts";

/** Requests/s of one wrk run against `url`. */
async function wrk(
  url: string,
  seconds: number,
  connections: number,
): Promise<number> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("wrk", {
      args: ["-t1", `-c${connections}`, `-d${seconds}s`, url],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    throw new Error("wrk is missing: apt-get install -y wrk");
  }
  const text = new TextDecoder().decode(output.stdout);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!match || /Non-2xx/.test(text)) throw new Error(`wrk failed:\n${text}`);
  return Number(match[1]);
}

/** Result of {@linkcode measureOverhead}. */
export interface OverheadResult {
  kithRate: number;
  /** Bare Deno.serve returning the same HTML as a constant string. */
  bareRate: number;
  /** The same, also sending the page's response headers. */
  headersRate: number;
  /** Bare Deno.serve rendering the same components per request. */
  renderRate: number;
  kithRates: number[];
  bareRates: number[];
  headersRates: number[];
  renderRates: number[];
  htmlBytes: number;
  /** Requests/s of lighter paths on the same instance. */
  ladder: [string, number][];
}

/**
 * Serves the home page through lib/web (a real instance in its own
 * process) and the same HTML from a bare Deno.serve (another process), then
 * loads each with the same wrk settings, alternating rounds.
 */
export async function measureOverhead(
  options: { seconds: number; connections: number; rounds: number },
): Promise<OverheadResult> {
  const kithPort = freePort();
  const kith = spawnInstance(kithPort);
  const kithUrl = `http://127.0.0.1:${kithPort}/`;
  const htmlFile = await Deno.makeTempFile({ suffix: ".html" });
  const headersFile = await Deno.makeTempFile({ suffix: ".json" });
  const baselines: Deno.ChildProcess[] = [];
  try {
    await waitFor200(kithUrl);
    const page = await fetch(kithUrl);
    const html = await page.text();
    await Deno.writeTextFile(htmlFile, html);
    const headers = Object.fromEntries(
      [...page.headers].filter(([name]) =>
        !["date", "content-length"].includes(name)
      ),
    );
    await Deno.writeTextFile(headersFile, JSON.stringify(headers));
    const headersPort = freePort();
    baselines.push(
      spawnDeno([
        "bench/servers/bare.ts",
        htmlFile,
        String(headersPort),
        headersFile,
      ]),
    );
    const headersUrl = `http://127.0.0.1:${headersPort}/`;
    const barePort = freePort();
    baselines.push(
      spawnDeno(["bench/servers/bare.ts", htmlFile, String(barePort)]),
    );
    const renderPort = freePort();
    baselines.push(spawnDeno([
      "bench/servers/bare_render.ts",
      String(renderPort),
      `http://127.0.0.1:${kithPort}`,
    ]));
    const bareUrl = `http://127.0.0.1:${barePort}/`;
    const renderUrl = `http://127.0.0.1:${renderPort}/`;
    await waitFor200(bareUrl);
    await waitFor200(headersUrl);
    await waitFor200(renderUrl);
    for (const url of [kithUrl, bareUrl, headersUrl, renderUrl]) {
      await wrk(url, 2, options.connections);
    }
    const kithRates: number[] = [];
    const bareRates: number[] = [];
    const headersRates: number[] = [];
    const renderRates: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const { seconds, connections } = options;
      bareRates.push(await wrk(bareUrl, seconds, connections));
      headersRates.push(await wrk(headersUrl, seconds, connections));
      renderRates.push(await wrk(renderUrl, seconds, connections));
      kithRates.push(await wrk(kithUrl, seconds, connections));
    }
    // Where the time goes: the same instance answering less and less work.
    const ladder: [string, number][] = [];
    const steps = [
      ["a static file, `/favicon.svg` (no route)", "favicon.svg"],
      ["a route answering small JSON, `/healthz`", "healthz"],
    ];
    for (const [label, path] of steps) {
      ladder.push([
        label,
        await wrk(kithUrl + path, options.seconds, options.connections),
      ]);
    }
    return {
      ladder,
      kithRate: median(kithRates),
      bareRate: median(bareRates),
      headersRate: median(headersRates),
      renderRate: median(renderRates),
      kithRates,
      bareRates,
      headersRates,
      renderRates,
      htmlBytes: html.length,
    };
  } finally {
    await stop(kith);
    for (const baseline of baselines) await stop(baseline);
    await Deno.remove(htmlFile);
    await Deno.remove(headersFile);
  }
}

/** Result of {@linkcode measureIslandJs}. */
export interface IslandJsResult {
  files: { url: string; bytes: number; gzipBytes: number }[];
  totalBytes: number;
  totalGzipBytes: number;
}

/**
 * Sums the JavaScript a browser loads for the home page (one small
 * island): the inline boot module plus every file it imports, followed
 * transitively, each gzipped on its own as a server would send it.
 */
export async function measureIslandJs(
  options: { signedIn?: boolean } = {},
): Promise<IslandJsResult> {
  const instance = await startTestInstance([...NO_BUDGETS]);
  try {
    const headers = new Headers();
    if (options.signedIn) {
      // A reader following an author with posts: the home timeline with
      // the compose box, the live banner and every card's actions.
      const author = testAuthor();
      const reader = testAuthor();
      const lines = [
        ...Array.from(
          { length: 5 },
          (_, i) => author.next("post", { text: `post ${i}` }).line,
        ),
        reader.next("follow", { target: author.key }).line,
      ];
      for (const line of lines) {
        const response = await fetch(`${instance.url}/api/records`, {
          method: "POST",
          body: line,
        });
        if (!response.ok) throw new Error(await response.text());
      }
      headers.set("Cookie", `kith_author=${reader.key}`);
    }
    const html = await (await fetch(`${instance.url}/`, { headers })).text();
    const inline = /<script type="module" nonce="[^"]+">(.*?)<\/script>/.exec(
      html,
    )?.[1];
    if (!inline) throw new Error("the home page has no island script");
    const files: IslandJsResult["files"] = [{
      url: "(inline boot module)",
      ...await sizes(inline),
    }];
    const seen = new Set<string>();
    const queue = importsOf(inline, `${instance.url}/`);
    while (queue.length > 0) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const text = await (await fetch(url)).text();
      files.push({ url: new URL(url).pathname, ...await sizes(text) });
      queue.push(...importsOf(text, url));
    }
    return {
      files,
      totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
      totalGzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
    };
  } finally {
    await instance.close();
  }
}

function importsOf(code: string, base: string): string[] {
  return [...code.matchAll(/(?:from|import)\s*"([^"]+\.js)"/g)].map((match) =>
    new URL(match[1], base).href
  );
}

async function sizes(
  text: string,
): Promise<{ bytes: number; gzipBytes: number }> {
  const bytes = new TextEncoder().encode(text);
  const gzipped = await new Response(
    new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  return { bytes: bytes.length, gzipBytes: gzipped.byteLength };
}

/** Result of {@linkcode measureColdStart}. */
export interface ColdStartResult {
  medianMs: number;
  samplesMs: number[];
}

/**
 * Spawns `deno run main.ts` on an empty data folder `runs` times and
 * measures from spawn to the first 200 on `/`.
 */
export async function measureColdStart(runs: number): Promise<ColdStartResult> {
  const samplesMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const dataDir = await Deno.makeTempDir({ prefix: "kith_cold_" });
    const port = freePort();
    const started = performance.now();
    const child = spawnInstance(port, dataDir);
    try {
      await waitFor200(`http://127.0.0.1:${port}/`);
      samplesMs.push(performance.now() - started);
    } finally {
      await stop(child);
      await Deno.remove(dataDir, { recursive: true });
    }
  }
  return { medianMs: median(samplesMs), samplesMs };
}
