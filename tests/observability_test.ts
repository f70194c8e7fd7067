/**
 * Observability of a real instance: `/metrics` counts what happened
 * (requests by route pattern and status, ingest outcomes and rejections,
 * budget refusals, KV commits, peers), is private to this machine by
 * default, `/readyz` turns 503 when replication stops, and the JSON logs
 * on stderr parse and respect the level.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  loopbackArgs,
  postLines,
  startTestInstance,
  testAuthor,
} from "./helpers.ts";
import { VERSION } from "../lib/instance/mod.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
/** A configured peer nobody listens on: a row in the peer table, never connected. */
const DEAD_PEER = "http://127.0.0.1:9";

/** The samples of an exposition text, by name with labels, e.g. `a{b="c"}`. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    out.set(match[1], Number(match[2]));
  }
  return out;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(
    response.headers.get("Content-Type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  return await response.text();
}

/** GET as another client, through a proxy on loopback. */
async function getAs(url: string, path: string, address: string) {
  const response = await fetch(`${url}${path}`, {
    headers: { "X-Forwarded-For": address, Accept: "application/json" },
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("/metrics counts requests by route pattern, ingest outcomes, refusals and peers", async () => {
  const instance = await startTestInstance([
    "--rate-reads",
    "3/min",
    "--peers",
    DEAD_PEER,
  ]);
  try {
    const { url } = instance;
    const alice = testAuthor();
    const first = alice.next("post", { text: "one" });
    await postLines(url, [
      first.line,
      alice.next("post", { text: "two" }).line,
    ]);
    await postLines(url, [alice.next("post", { text: "three" }).line]);
    await postLines(url, [first.line]); // a duplicate

    const bob = testAuthor();
    const forged = JSON.parse(bob.next("post", { text: "forged" }).line);
    forged.entry.sig =
      JSON.parse(alice.next("post", { text: "x" }).line).entry.sig;
    const rejected = await fetch(`${url}/api/records`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(forged),
    });
    const { reason } = await rejected.json();
    assert.equal(rejected.status, 422);
    assert.equal(reason, "invalid_signature");

    assert.equal(await getAs(url, "/no/such/page", "198.51.100.1"), 404);
    assert.equal(
      await getAs(url, `/authors/${bob.key}`, "198.51.100.2"),
      404,
    );
    const flooder = "198.51.100.3";
    for (let i = 0; i < 3; i++) {
      assert.equal(await getAs(url, "/api/peers", flooder), 200);
    }
    assert.equal(await getAs(url, "/api/peers", flooder), 429);
    assert.equal(await getAs(url, "/readyz", flooder), 200, "never limited");

    const text = await scrape(url);
    const got = samples(text);
    const requests = (route: string, method: string, status: number) =>
      got.get(
        `kith_http_requests_total{route="${route}",method="${method}",status="${status}"}`,
      );
    assert.equal(
      requests("/api/records", "POST", 200),
      2,
      "the batch and the duplicate",
    );
    assert.equal(requests("/api/records", "POST", 201), 1, "the single post");
    assert.equal(requests("/api/records", "POST", 422), 1);
    assert.equal(requests("(not_found)", "GET", 404), 1);
    assert.equal(requests("/authors/:author", "GET", 404), 1);
    assert.equal(requests("/api/peers", "GET", 200), 3);
    assert.equal(requests("(limited)", "GET", 429), 1);
    assert.equal(requests("/readyz", "GET", 200), 1);
    assert.ok(!text.includes(bob.key), "raw paths never become labels");

    assert.equal(got.get('kith_ingest_records_total{outcome="created"}'), 3);
    assert.equal(got.get('kith_ingest_records_total{outcome="duplicate"}'), 1);
    assert.equal(got.get('kith_ingest_records_total{outcome="rejected"}'), 1);
    assert.equal(got.get(`kith_ingest_rejected_total{reason="${reason}"}`), 1);
    assert.equal(got.get('kith_rate_limited_total{budget="reads"}'), 1);
    assert.equal(got.get('kith_rate_limited_total{budget="writes"}'), 0);
    assert.equal(
      got.get(`kith_replication_connected{peer="${DEAD_PEER}"}`),
      0,
    );
    assert.equal(got.get(`kith_replication_lag{peer="${DEAD_PEER}"}`), 0);
    assert.equal(got.get("kith_live_clients"), 0);
    assert.equal(got.get(`kith_build_info{version="${VERSION}"}`), 1);
    assert.ok(got.get("kith_uptime_seconds")! >= 0);
    const commits = got.get("kith_kv_commit_seconds_count")!;
    assert.ok(commits >= 2, `${commits} commits timed`);
    assert.equal(got.get('kith_kv_commit_seconds_bucket{le="+Inf"}'), commits);
    assert.ok(got.get("kith_kv_commit_seconds_sum")! > 0);
    for (
      const [name, type] of [
        ["kith_http_requests_total", "counter"],
        ["kith_ingest_records_total", "counter"],
        ["kith_ingest_rejected_total", "counter"],
        ["kith_replication_lag", "gauge"],
        ["kith_replication_connected", "gauge"],
        ["kith_kv_commit_seconds", "histogram"],
        ["kith_live_clients", "gauge"],
        ["kith_ledger_height", "gauge"],
        ["kith_rate_limited_total", "counter"],
        ["kith_build_info", "gauge"],
        ["kith_uptime_seconds", "gauge"],
      ]
    ) {
      assert.match(text, new RegExp(`^# HELP ${name} \\S`, "m"));
      assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, "m"));
    }
  } finally {
    await instance.close();
  }
});

Deno.test("/metrics is private to loopback by default; --metrics public and off", async () => {
  const loopback = await startTestInstance();
  try {
    const forwarded = await fetch(`${loopback.url}/metrics`, {
      headers: { "X-Forwarded-For": "203.0.113.5", Accept: "application/json" },
    });
    assert.equal(forwarded.status, 403);
    assert.equal((await forwarded.json()).reason, "metrics_private");
    await scrape(loopback.url);
  } finally {
    await loopback.close();
  }
  const open = await startTestInstance(["--metrics", "public"]);
  try {
    const forwarded = await fetch(`${open.url}/metrics`, {
      headers: { "X-Forwarded-For": "203.0.113.5" },
    });
    assert.equal(forwarded.status, 200);
    assert.match(await forwarded.text(), /^# HELP kith_build_info /m);
  } finally {
    await open.close();
  }
  const off = await startTestInstance(["--metrics", "off"]);
  try {
    const response = await fetch(`${off.url}/metrics`, {
      headers: { Accept: "application/json" },
    });
    assert.equal(response.status, 404);
    await response.body?.cancel();
  } finally {
    await off.close();
  }
});

Deno.test("/readyz is 200 while KV and replication run, 503 naming replication once it stops", async () => {
  const instance = await startTestInstance();
  try {
    const ready = await fetch(`${instance.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get("Cache-Control"), "no-store");
    assert.deepEqual(await ready.json(), {
      ready: true,
      checks: { kv: { ok: true }, replication: { ok: true } },
    });
    await instance.info.replication.close();
    const stopped = await fetch(`${instance.url}/readyz`);
    assert.equal(stopped.status, 503);
    assert.deepEqual(await stopped.json(), {
      ready: false,
      checks: {
        kv: { ok: true },
        replication: { ok: false, error: "Replication is not running" },
      },
    });
  } finally {
    await instance.close();
  }
});

/** Starts main.ts, waits for its URL, stops it with SIGTERM; returns stderr. */
async function runAndStop(extraArgs: string[]): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...loopbackArgs(), ...extraArgs],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream());
  const reader = stdout.getReader();
  const deadline = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    let seen = "";
    while (!/is running at (http:\/\/\S+)/.test(seen)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const url = /is running at (http:\/\/\S+)/.exec(seen)?.[1];
    assert.ok(url, `no banner in: ${seen}`);
    const response = await fetch(`${url}/healthz`);
    await response.body?.cancel();
    child.kill("SIGTERM");
    while (!(await reader.read()).done) { /* drain */ }
    assert.equal((await child.status).code, 0);
    return await stderr;
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
}

Deno.test("JSON logs on stderr: start and stop at info, nothing at the default level", async () => {
  const verbose = await runAndStop(["--log-level", "info"]);
  const lines = verbose.split("\n").filter(Boolean).map((line) =>
    JSON.parse(line)
  );
  const started = lines.find((line) => line.msg === "Instance started");
  assert.ok(started, verbose);
  assert.equal(started.level, "info");
  assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(started.version, VERSION);
  assert.ok(!Number.isNaN(Date.parse(started.time)));
  assert.ok(lines.some((line) => line.msg === "Instance stopped"));
  for (const line of lines) {
    assert.ok(["info", "warn", "error"].includes(line.level), line.level);
  }

  const quiet = await runAndStop([]);
  assert.equal(quiet, "", "a healthy instance writes nothing at warn");
});
