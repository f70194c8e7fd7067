/**
 * docs/examples/nginx.conf in front of a real instance: Debian's nginx runs
 * the example (only its ports and certificate paths changed) as this user on
 * loopback with a self-signed certificate, and every check goes through it
 * over https: pages, posting, server-sent events, the GUN WebSocket, body
 * limits and the client address Kith takes from X-Forwarded-For.
 *
 * Needs /usr/sbin/nginx and openssl (.ci/run installs them); it fails, never
 * skips, when they are missing.
 */
import assert from "node:assert/strict";
import { freePort, ROOT, waitFor200 } from "../bench/_process.ts";
import { type Node, startNode } from "./cluster.ts";
import { logSoul } from "../lib/replication/layout.ts";

const NGINX = "/usr/sbin/nginx";
const EXAMPLE = `${ROOT}docs/examples/nginx.conf`;
const MiB = 1024 * 1024;
/** Read budget of the instance: small, so a flood is short. */
const READ_BURST = 20;

async function runOk(program: string, args: string[], cwd: string) {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(program, {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new Error(
      `Cannot run ${program} (${error}); install nginx and openssl: apt-get install nginx openssl`,
    );
  }
  if (!output.success) {
    throw new Error(
      `${program} ${args.join(" ")} failed: ${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
}

/** A test CA and a certificate it signed for localhost, 127.0.0.1 and ::1. */
async function makeCertificates(dir: string): Promise<string> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
  await runOk("openssl", [
    "req",
    "-x509",
    ...ec,
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=Kith test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  ], dir);
  await runOk("openssl", [
    "req",
    ...ec,
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "site.key",
    "-out",
    "site.csr",
  ], dir);
  await Deno.writeTextFile(
    `${dir}/site.ext`,
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n" +
      "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  await runOk("openssl", [
    "x509",
    "-req",
    "-in",
    "site.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "site.ext",
    "-out",
    "site.pem",
  ], dir);
  return await Deno.readTextFile(`${dir}/ca.pem`);
}

/** `text` with `from` replaced by `to`; throws when `from` is not there. */
function substitute(text: string, from: string, to: string): string {
  if (!text.includes(from)) {
    throw new Error(`Cannot adapt the example: it has no "${from}"`);
  }
  return text.replaceAll(from, to);
}

/** Starts nginx on the example, listening on loopback `port` (https). */
async function startNginx(dir: string, port: number, kithPort: number) {
  let site = await Deno.readTextFile(EXAMPLE);
  const httpPort = freePort();
  for (
    const [from, to] of [
      ["listen 80;", `listen 127.0.0.1:${httpPort};`],
      ["listen [::]:80;", `listen [::1]:${httpPort};`],
      ["listen 443 ", `listen 127.0.0.1:${port} `],
      ["listen [::]:443 ", `listen [::1]:${port} `],
      ["/etc/letsencrypt/live/kith.example/fullchain.pem", `${dir}/site.pem`],
      ["/etc/letsencrypt/live/kith.example/privkey.pem", `${dir}/site.key`],
      ["http://127.0.0.1:8000", `http://127.0.0.1:${kithPort}`],
    ]
  ) site = substitute(site, from, to);
  await Deno.writeTextFile(`${dir}/kith.conf`, site);
  // What Debian's /etc/nginx/nginx.conf provides, with every path in `dir`.
  await Deno.writeTextFile(
    `${dir}/nginx.conf`,
    `${Deno.uid() === 0 ? "user root;\n" : ""}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/kith.conf;
}
`,
  );
  const args = ["-p", dir, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`];
  try {
    await Deno.stat(NGINX);
  } catch {
    throw new Error(
      `Cannot run the reverse proxy test: ${NGINX} is missing; install it with apt-get install nginx`,
    );
  }
  await runOk(NGINX, [...args, "-t"], dir);
  return new Deno.Command(NGINX, {
    args: [...args, "-g", "daemon off;"],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}

/**
 * Sends only the head of a POST whose Content-Length is `length` and
 * returns the status line nginx answers with.
 */
async function statusForDeclaredLength(
  port: number,
  caCert: string,
  length: number,
): Promise<string> {
  const conn = await Deno.connectTls({
    hostname: "127.0.0.1",
    port,
    caCerts: [caCert],
    alpnProtocols: ["http/1.1"],
  });
  try {
    await conn.write(new TextEncoder().encode(
      `POST /api/records HTTP/1.1\r\nHost: localhost\r\n` +
        `Content-Type: application/x-ndjson\r\nContent-Length: ${length}\r\n\r\n`,
    ));
    const buffer = new Uint8Array(4096);
    const read = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0))
      .split("\r\n")[0];
  } finally {
    conn.close();
  }
}

/**
 * Reads server-sent events from `response`: `next(until)` resolves with the
 * first event block `until` accepts.
 */
function eventReader(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  return {
    async next(until: (block: string) => boolean): Promise<string> {
      while (true) {
        const blocks = text.split("\n\n");
        const at = blocks.slice(0, -1).findIndex(until);
        if (at >= 0) {
          text = blocks.slice(at + 1).join("\n\n");
          return blocks[at];
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`The event stream ended: ${text}`);
        text += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** Asks the instance's `/gun` through the proxy, from a process trusting `ca`. */
async function gunLogThroughProxy(
  origin: string,
  ca: string,
  soul: string,
): Promise<string> {
  const client = new URL("./gun_client.ts", import.meta.url).href;
  const script = `
import { rawGunClient } from ${JSON.stringify(client)};
const gun = await rawGunClient(${JSON.stringify(origin)});
const parts = await gun.get(${JSON.stringify(soul)}, 10_000);
await gun.close();
const values = parts.flatMap((part) => Object.entries(part[${
    JSON.stringify(soul)
  }] ?? {}).filter(([key]) => key !== "_").map(([, value]) => value));
console.log(JSON.stringify(values));
`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--cert", ca, script],
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assert.ok(output.success, decoder.decode(output.stderr));
  return decoder.decode(output.stdout).trim();
}

Deno.test("the nginx example proxies a real instance over https", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_nginx_" });
  const port = freePort();
  const origin = `https://127.0.0.1:${port}`;
  let node: Node | undefined;
  let nginx: Deno.ChildProcess | undefined;
  const caCert = await makeCertificates(dir);
  const client = Deno.createHttpClient({ caCerts: [caCert] });
  const get = (url: string, init: RequestInit = {}) =>
    fetch(url, { ...init, client } as RequestInit);
  try {
    node = await startNode("proxied", {
      args: [
        "--origin",
        `https://localhost:${port}`,
        "--rate-reads",
        `${READ_BURST}/h,${READ_BURST}`,
      ],
    });
    nginx = await startNginx(dir, port, node.port);
    // /healthz is never rate limited, so waiting costs no budget.
    await waitFor200(`http://127.0.0.1:${node.port}/healthz`);
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      try {
        const response = await get(`${origin}/healthz`);
        await response.body?.cancel();
        up = response.status === 200;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.ok(up, "nginx never answered /healthz over https");

    // Pages.
    const home = await get(`${origin}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<title>[^<]*proxied/);

    // The live stream, open before the post so it must deliver the entry.
    const live = await get(`${origin}/api/live?stream=federated`);
    assert.equal(live.status, 200);
    assert.match(live.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = eventReader(live);
    await events.next((block) => block.includes("event: ready"));

    const record = node.user.next("post", { text: "through the proxy" });
    const posted = await get(`${origin}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: record.line,
    });
    assert.equal(posted.status, 201);
    assert.equal((await posted.json()).status, "created");

    const event = await events.next(
      (block) => block.includes("event: entry") && block.includes(record.id),
    );
    assert.match(event, /through the proxy|event: entry/);
    await events.cancel();

    // GUN over wss:// through the proxy serves the stored log.
    const values = await gunLogThroughProxy(
      origin,
      `${dir}/ca.pem`,
      logSoul(node.user.key, 0),
    );
    assert.deepEqual(JSON.parse(values), [record.line]);

    // Bodies: nginx refuses over 16 MiB before Kith sees a byte; 10 MiB of
    // junk reaches Kith, which answers with its own reason.
    assert.equal(
      await statusForDeclaredLength(port, caCert, 20 * MiB),
      "HTTP/1.1 413 Request Entity Too Large",
    );
    const junk = await get(`${origin}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/x-ndjson" },
      body: new Uint8Array(10 * MiB).fill(0x7a),
    });
    // Kith read it all: one 10 MiB line, refused by the per-record limit.
    assert.equal(junk.status, 200);
    const junkAnswer = await junk.json();
    assert.equal(junkAnswer.rejected, 1, JSON.stringify(junkAnswer));
    assert.equal(junkAnswer.results[0].reason, "record_too_large");

    // Metrics stay private: a forwarded request is not "this machine".
    const metrics = await get(`${origin}/metrics`);
    assert.equal(metrics.status, 403);
    await metrics.body?.cancel();

    // The client address is the last X-Forwarded-For hop nginx adds, not the
    // proxy's own 127.0.0.1: a flood from ::1 (claiming other addresses in
    // its own X-Forwarded-For, which do not count) runs out of its budget...
    let limited: Response | undefined;
    for (let i = 0; i < READ_BURST + 5 && !limited; i++) {
      const response = await get(
        `https://[::1]:${port}/api/peers`,
        {
          headers: { "X-Forwarded-For": `203.0.113.${i}` },
        },
      );
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }
    assert.ok(limited, "a flood through the proxy was never limited");
    assert.equal((await limited.json()).reason, "rate_limited");
    // ...while a client on 127.0.0.1, behind the same proxy, still reads.
    const other = await get(`${origin}/api/peers`);
    assert.equal(other.status, 200);
    await other.body?.cancel();
  } finally {
    client.close();
    if (nginx) {
      // Fast shutdown: a graceful one would wait for open streams.
      nginx.kill("SIGTERM");
      await nginx.status;
    }
    await node?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
