import assert from "node:assert/strict";
import { parseConfig } from "../lib/config/mod.ts";
import { startInstance } from "../lib/instance/mod.ts";
import { startTestInstance } from "./helpers.ts";

Deno.test("home page shows the instance name, its address and an empty timeline", async () => {
  const instance = await startTestInstance(["--name", "Garden <club>"]);
  try {
    const response = await fetch(`${instance.url}/`);
    const html = await response.text();
    assert.equal(response.status, 200);
    assert.match(html, /<title>Garden &lt;club><\/title>/);
    assert.match(html, /<h1 id="instance-name">Garden &lt;club><\/h1>/);
    assert.match(html, /<h3>No posts yet<\/h3>/);
    assert.ok(
      html.includes(`value="${instance.url}"`),
      "the peer address is shown",
    );
    assert.match(
      html,
      /<kith-island data-island="0"><button type="button" class="button copy-button" disabled/,
    );
  } finally {
    await instance.close();
  }
});

Deno.test("/healthz answers JSON with ok, version and uptime", async () => {
  const instance = await startTestInstance();
  try {
    const response = await fetch(`${instance.url}/healthz`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const body = await response.json();
    assert.equal(body.ok, true);
    assert.equal(body.version, instance.info.version);
    assert.equal(body.name, "Kith");
    assert.equal(typeof body.uptime, "number");
    assert.ok(body.uptime >= 0);
  } finally {
    await instance.close();
  }
});

Deno.test("unknown pages get the styled 404 inside the site chrome", async () => {
  const instance = await startTestInstance();
  try {
    const response = await fetch(`${instance.url}/no/such/page?x=<script>`);
    const html = await response.text();
    assert.equal(response.status, 404);
    assert.match(html, /<title>Not found<\/title>/);
    assert.match(html, /<p class="error-code">404<\/p>/);
    assert.match(html, /There is no page at <code>\/no\/such\/page<\/code>/);
    assert.match(html, /<header class="site-header">/);
    assert.ok(!html.includes("<script>"));
  } finally {
    await instance.close();
  }
});

Deno.test("the first start is recorded in KV and kept across restarts", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kith_instance_" });
  try {
    const first = await startTestInstance([], { dataDir, now: () => 111 });
    await first.close();
    const second = await startTestInstance([], { dataDir, now: () => 222 });
    assert.equal(second.info.createdAt, 111);
    assert.equal(second.info.startedAt, 222);
    await second.close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a taken port is a clear ConfigError and leaves nothing open", async () => {
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (blocker.addr as Deno.NetAddr).port;
    const config = parseConfig([
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
      "--data",
      ":memory:",
    ], {});
    await assert.rejects(startInstance(config), {
      name: "ConfigError",
      message:
        `Cannot start: port ${port} on 127.0.0.1 is already in use; choose another with PORT or --port`,
    });
  } finally {
    blocker.close();
  }
});

Deno.test("a method a page does not accept gets the styled error page with 405", async () => {
  const instance = await startTestInstance();
  try {
    const response = await fetch(`${instance.url}/`, {
      method: "POST",
      body: "x",
    });
    const html = await response.text();
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "GET, HEAD");
    assert.match(html, /<p class="error-code">405<\/p>/);
    assert.match(html, /<p>\/ accepts GET, HEAD<\/p>/);
  } finally {
    await instance.close();
  }
});
