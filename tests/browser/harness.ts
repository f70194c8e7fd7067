/**
 * Reusable browser-test harness: Debian's Chromium driven by
 * playwright-core, and a throwaway HTTP server on 127.0.0.1.
 *
 * Under CI (`CI=true`) a missing Chromium fails the test instead of
 * skipping it, so browser coverage can never silently vanish.
 *
 * @module
 */
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
} from "playwright-core";

/** Where Chromium is expected; override with `KITH_CHROMIUM`. */
export const CHROMIUM_PATH = Deno.env.get("KITH_CHROMIUM") ??
  "/usr/bin/chromium";

/** Flags that keep Chromium headless and off the network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/**
 * Registers a Deno test that gets a fresh Chromium. Skipped locally when
 * Chromium is missing; fails under CI. Sanitizers are off because
 * playwright-core keeps its pipe to the browser process in its own
 * bookkeeping until `browser.close()` settles.
 *
 * @example
 * ```ts
 * browserTest("clicks", async (browser) => { const page = await browser.newPage(); });
 * ```
 */
export function browserTest(
  name: string,
  run: (browser: Browser) => Promise<void>,
): void {
  const missing = !chromiumInstalled();
  const inCi = Deno.env.get("CI") === "true";
  Deno.test({
    name,
    ignore: missing && !inCi,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      if (missing) {
        throw new Error(
          `Chromium is not at ${CHROMIUM_PATH}: apt-get install -y chromium (or set KITH_CHROMIUM)`,
        );
      }
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        timeout: 30_000,
      });
      try {
        await run(browser);
      } finally {
        await browser.close();
      }
    },
  });
}

/** A server started for one test. */
export interface TestServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `fetch` on a free port of 127.0.0.1 until `close()`.
 *
 * @example
 * ```ts
 * const server = serve(app.fetch);
 * await page.goto(server.url + "/");
 * await server.close();
 * ```
 */
export function serve(
  fetch: (
    req: Request,
    info: Deno.ServeHandlerInfo,
  ) => Response | Promise<Response>,
): TestServer {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    fetch,
  );
  const address = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await server.shutdown();
    },
  };
}

/**
 * Puts a known key into the browser's identity store (IndexedDB `kith`,
 * as the identity island keeps it) and sets the reader cookie, as a restore
 * from a backup would. Returns a page of `context` left on `/healthz`.
 *
 * @example
 * ```ts
 * const page = await signInAs(context, url, testAuthor());
 * ```
 */
export async function signInAs(
  context: BrowserContext,
  url: string,
  person: { key: string; secretKey: Uint8Array },
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/healthz`);
  await page.evaluate(async (secret) => {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open("kith", 1);
      request.onupgradeneeded = () =>
        request.result.createObjectStore("identity");
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const tx = request.result.transaction("identity", "readwrite");
        tx.objectStore("identity").put(new Uint8Array(secret), "current");
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      };
    });
  }, [...person.secretKey]);
  await context.addCookies([{
    name: "kith_author",
    value: `${new URL(url).port}:${person.key}`,
    url,
  }]);
  return page;
}
