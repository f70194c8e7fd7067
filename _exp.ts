import { Hono } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { compress } from "hono/compress";
const html = "<!DOCTYPE html>" + "x".repeat(2000);
const mode = Deno.args[0];
let handler: (r: Request) => Response | Promise<Response>;
if (mode === "sync") {
  handler = () =>
    new Response(html, { headers: { "content-type": "text/html" } });
} else if (mode === "async") {
  handler = async () => {
    await null;
    return new Response(html, { headers: { "content-type": "text/html" } });
  };
} else if (mode === "hono") {
  const h = new Hono();
  h.get("/", (c) => c.html(html));
  handler = h.fetch;
} else if (mode === "hono-async") {
  const h = new Hono();
  h.get("/", async (c) => {
    await null;
    return c.html(html);
  });
  handler = h.fetch;
} else if (mode === "secure") {
  const h = new Hono();
  h.use(secureHeaders({ contentSecurityPolicy: { scriptSrc: [NONCE] } }));
  h.get("/", async (c) => {
    await null;
    return c.html(html);
  });
  handler = h.fetch;
} else if (mode === "compress") {
  const h = new Hono();
  h.use(compress());
  h.get("/", async (c) => {
    await null;
    return c.html(html);
  });
  handler = h.fetch;
} else if (mode === "headers-init") {
  const hs = {
    "content-type": "text/html; charset=utf-8",
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",
    "strict-transport-security": "max-age=15552000; includeSubDomains",
    "x-dns-prefetch-control": "off",
    "x-download-options": "noopen",
    "x-permitted-cross-domain-policies": "none",
    "x-xss-protection": "0",
    "cross-origin-resource-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "origin-agent-cluster": "?1",
    "vary": "Accept-Encoding",
  };
  handler = () => {
    const n = crypto.randomUUID();
    return new Response(html, {
      headers: {
        ...hs,
        "content-security-policy": "script-src 'nonce-" + n + "'",
      },
    });
  };
} else if (mode === "headers-set") {
  const hs = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",
    "strict-transport-security": "max-age=15552000; includeSubDomains",
    "x-dns-prefetch-control": "off",
    "x-download-options": "noopen",
    "x-permitted-cross-domain-policies": "none",
    "x-xss-protection": "0",
    "cross-origin-resource-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "origin-agent-cluster": "?1",
    "vary": "Accept-Encoding",
  };
  handler = () => {
    const n = crypto.randomUUID();
    const r = new Response(html, {
      headers: { "content-type": "text/html; charset=utf-8" },
    });
    for (const [k, v] of Object.entries(hs)) r.headers.set(k, v);
    r.headers.set("content-security-policy", "script-src 'nonce-" + n + "'");
    return r;
  };
} else {
  const h = new Hono();
  h.use(secureHeaders({ contentSecurityPolicy: { scriptSrc: [NONCE] } }));
  h.use(compress());
  h.get("/", async (c) => {
    await null;
    return c.html(html);
  });
  handler = h.fetch;
}
Deno.serve({ port: 8400, hostname: "127.0.0.1", onListen() {} }, handler);
setTimeout(() => Deno.exit(0), 6000);
