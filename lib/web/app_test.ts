import assert from "node:assert/strict";
import { createWebApp } from "./mod.ts";

const ROOT = new URL("../../tests/fixtures/web_app/", import.meta.url);
const errors: unknown[] = [];
const app = await createWebApp({
  root: ROOT,
  onError: (error) => errors.push(error),
});

async function get(path: string, init?: RequestInit) {
  const response = await app.fetch(
    new Request(`http://kith.test${path}`, init),
  );
  return { response, text: await response.text() };
}

Deno.test("pages render inside _app and nested layouts with middleware in order", async () => {
  const { response, text } = await get("/blog/hello");
  assert.equal(response.status, 200);
  assert.equal(
    response.headers.get("content-type"),
    "text/html; charset=utf-8",
  );
  assert.equal(response.headers.get("x-trail"), "root>blog1>blog2");
  assert.ok(text.startsWith('<!DOCTYPE html><html lang="en">'));
  assert.match(
    text,
    /<main class="root-layout"><article class="blog-layout"><h1 data-slug="hello">Post HELLO<\/h1><\/article><\/main>/,
  );
});

Deno.test("route groups add layouts and middleware but no URL segment", async () => {
  const { response, text } = await get("/about");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-trail"), "root>marketing");
  assert.match(
    text,
    /<main class="root-layout"><div class="marketing-layout"><p>About us, via root>marketing<\/p>/,
  );
});

Deno.test("static segments win over params, rest params take the remainder", async () => {
  assert.match((await get("/blog/new")).text, /New post form/);
  assert.match((await get("/blog")).text, /All posts/);
  assert.match(
    (await get("/files/a/b/c.txt")).text,
    /<p class="path">a\/b\/c.txt<\/p>/,
  );
});

Deno.test("skipAppWrapper and skipInheritedLayouts render the page alone", async () => {
  assert.equal((await get("/bare")).text, "<p>bare</p>");
});

Deno.test("a page without islands ships no script at all", async () => {
  const { text } = await get("/");
  assert.ok(!/<script/i.test(text), text);
});

Deno.test("islands are marked, their props serialized, and a nonce'd boot script added", async () => {
  const { response, text } = await get("/counter");
  const csp = response.headers.get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce, csp);
  assert.match(csp, /script-src 'nonce-[^']+' 'strict-dynamic'/);
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /base-uri 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  const markers = [...text.matchAll(/<kith-island data-island="(\d+)">/g)].map((
    match,
  ) => match[1]);
  assert.deepEqual(
    markers,
    ["0", "1", "2", "3"],
    "four top-level islands; the nested one is not marked",
  );
  assert.match(text, /<title>Counter page<\/title>/);
  assert.ok(
    !text.includes("<title>Fixture</title>"),
    "Head title replaces the app's",
  );
  const payload =
    /<script type="application\/json" id="__kith_islands">(.*?)<\/script>/.exec(
      text,
    )?.[1];
  assert.ok(payload);
  const boot = /<script type="module" nonce="([^"]+)">(.*?)<\/script>/.exec(
    text,
  );
  assert.equal(boot?.[1], nonce);
  const build = await app.build();
  assert.ok(boot?.[2].includes(build.bootUrl));
  assert.match(boot![2], /"counter:Counter":i0\["Counter"\]/);
  const { deserialize } = await import("./serialize.ts");
  const islands = deserialize(payload) as [string, Record<string, unknown>][];
  assert.deepEqual(islands.map(([id]) => id), [
    "counter:Counter",
    "counter:SharedView",
    "counter:SharedView",
    "counter:Nested",
  ]);
  assert.equal(
    islands[1][1].count,
    islands[2][1].count,
    "the shared signal stays one signal",
  );
});

Deno.test("island bundles are served with immutable caching and ETags", async () => {
  const build = await app.build();
  const { response, text } = await get(build.bootUrl);
  assert.equal(response.status, 200);
  assert.equal(
    response.headers.get("content-type"),
    "text/javascript; charset=utf-8",
  );
  assert.equal(
    response.headers.get("cache-control"),
    "public, max-age=31536000, immutable",
  );
  assert.ok(text.length > 0 && !text.includes("\n  "), "minified");
  const etag = response.headers.get("etag")!;
  const again = await get(build.bootUrl, {
    headers: { "if-none-match": etag },
  });
  assert.equal(again.response.status, 304);
  assert.equal(
    (await get(build.bootUrl.replace(build.buildId, "0000"))).response.status,
    404,
  );
});

Deno.test("static files carry strong ETags, answer 304 and cache-bust with ?v=", async () => {
  const home = (await get("/")).text;
  const href = /href="(\/style\.css\?v=[0-9a-f]{16})"/.exec(home)?.[1];
  assert.ok(href, "asset() adds the content hash");
  const { response, text } = await get(href!);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/css/);
  assert.equal(
    response.headers.get("cache-control"),
    "public, max-age=31536000, immutable",
  );
  assert.match(text, /kith-island/);
  const plain = await get("/style.css");
  assert.equal(
    plain.response.headers.get("cache-control"),
    "public, max-age=0, must-revalidate",
  );
  const etag = plain.response.headers.get("etag")!;
  const cached = await get("/style.css", {
    headers: { "if-none-match": etag },
  });
  assert.equal(cached.response.status, 304);
  assert.equal(cached.text, "");
});

Deno.test("unknown URLs get the styled 404 page, or JSON for API clients", async () => {
  const page = await get("/nowhere");
  assert.equal(page.response.status, 404);
  assert.match(
    page.text,
    /<div class="not-found"><h1>Not here: \/nowhere<\/h1>/,
  );
  assert.match(
    page.text,
    /<main class="root-layout">/,
    "wrapped in the root layout",
  );
  const api = await get("/api/nowhere");
  assert.equal(api.response.status, 404);
  assert.deepEqual(JSON.parse(api.text), {
    error: "There is nothing at this address.",
    reason: "not_found",
  });
});

Deno.test("HttpError(404) from a handler renders the nearest 404 page inside its layouts", async () => {
  const { response, text } = await get("/blog/missing");
  assert.equal(response.status, 404);
  assert.match(
    text,
    /<article class="blog-layout"><div class="not-found"><h1>Not here: \/blog\/missing<\/h1><p>No such post<\/p>/,
  );
});

Deno.test("a thrown error renders _error with 500 and hides details", async () => {
  errors.length = 0;
  const page = await get("/boom");
  assert.equal(page.response.status, 500);
  assert.match(page.text, /<h1 class="error-page">Error 500<\/h1>/);
  assert.equal(
    (errors[0] as Error).message,
    "render failed",
    "reported to onError",
  );
  const api = await get("/api/fail");
  assert.equal(api.response.status, 500);
  assert.deepEqual(JSON.parse(api.text), {
    error: "Something went wrong on this instance.",
    reason: "internal_error",
  });
  assert.ok(!api.text.includes("secret"));
});

Deno.test("island props that cannot be serialized fail with the island named", async () => {
  errors.length = 0;
  const { response } = await get("/bad-props");
  assert.equal(response.status, 500);
  assert.equal(
    (errors[0] as Error).message,
    'Cannot serialize island "counter:Counter" props.onPick: it is a function; island props must be data',
  );
});

Deno.test("methods: per-method handlers, HEAD from GET, 405 with Allow", async () => {
  const head = await get("/blog/hello", { method: "HEAD" });
  assert.equal(head.response.status, 200);
  assert.equal(head.text, "");
  const post = await get("/blog/hello", { method: "POST" });
  assert.equal(post.response.status, 405);
  assert.equal(post.response.headers.get("allow"), "GET, HEAD");
  const api = await get("/api/echo", { method: "DELETE" });
  assert.equal(api.response.status, 405);
  assert.deepEqual(JSON.parse(api.text), {
    error: "/api/echo accepts GET, HEAD, POST",
    reason: "method_not_allowed",
  });
});

Deno.test("request bodies over the route's limit get 413 and reach no handler", async () => {
  const small = await get("/api/echo", {
    method: "POST",
    body: "x".repeat(64),
  });
  assert.equal(small.response.status, 201);
  assert.deepEqual(JSON.parse(small.text), { length: 64 });
  const big = await get("/api/echo", { method: "POST", body: "x".repeat(65) });
  assert.equal(big.response.status, 413);
  assert.deepEqual(JSON.parse(big.text), {
    error: "The request body is larger than the 64 bytes this address accepts",
    reason: "body_too_large",
  });
});

Deno.test("secure headers are on every answer", async () => {
  for (const path of ["/", "/nowhere", "/api/echo"]) {
    const { response } = await get(path);
    assert.equal(
      response.headers.get("x-content-type-options"),
      "nosniff",
      path,
    );
    assert.equal(response.headers.get("x-frame-options"), "SAMEORIGIN", path);
    assert.equal(response.headers.get("referrer-policy"), "same-origin", path);
    assert.ok(response.headers.get("content-security-policy"), path);
    assert.equal(response.headers.get("vary"), "Accept-Encoding", path);
  }
});

Deno.test("large text answers are compressed when the client accepts gzip", async () => {
  const build = await app.build();
  const largest =
    [...build.files.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  const response = await app.fetch(
    new Request(`http://kith.test${largest[0]}`, {
      headers: { "accept-encoding": "gzip" },
    }),
  );
  assert.equal(response.headers.get("content-encoding"), "gzip");
  const plain = new Uint8Array(
    await new Response(
      response.body!.pipeThrough(new DecompressionStream("gzip")),
    ).arrayBuffer(),
  );
  assert.deepEqual(plain, largest[1]);
});
