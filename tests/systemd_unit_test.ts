/**
 * The systemd units in docs/examples: `systemd-analyze verify` accepts them
 * without a single warning (with the paths they name made to exist in a temp
 * folder), and the command and environment of kith.service really start an
 * instance that serves and stops cleanly on SIGTERM. What needs a running
 * systemd (User=, the sandbox, StateDirectory=) cannot be exercised in a
 * container; docs/operations.md says so.
 */
import assert from "node:assert/strict";
import { freePort, ROOT, waitFor200 } from "../bench/_process.ts";

const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
const EXAMPLES = `${ROOT}docs/examples`;
/** The absolute paths the units name, moved under the temp folder. */
const PATHS = [
  "/usr/local/bin/deno",
  "/opt/kith",
  "/var/lib/kith",
  "/etc/kith",
];

async function requireSystemdAnalyze(): Promise<void> {
  try {
    await Deno.stat(SYSTEMD_ANALYZE);
  } catch {
    throw new Error(
      `Cannot verify the units: ${SYSTEMD_ANALYZE} is missing; install it with apt-get install systemd`,
    );
  }
}

/** Copies `unit` into a fresh temp root with every named path existing there. */
async function stageUnit(unit: string, edit = (text: string) => text) {
  const root = await Deno.makeTempDir({ prefix: "kith_unit_" });
  let text = await Deno.readTextFile(`${EXAMPLES}/${unit}`);
  for (const path of PATHS) text = text.replaceAll(path, root + path);
  await Deno.mkdir(`${root}/usr/local/bin`, { recursive: true });
  await Deno.symlink(Deno.execPath(), `${root}/usr/local/bin/deno`);
  for (const dir of ["/opt/kith", "/var/lib/kith/garden", "/etc/kith"]) {
    await Deno.mkdir(root + dir, { recursive: true });
  }
  await Deno.writeTextFile(
    `${root}/etc/kith/garden.env`,
    "PORT=8001\nKITH_ORIGIN=https://garden.example\n",
  );
  await Deno.writeTextFile(`${root}/${unit}`, edit(text));
  return root;
}

/** Runs `systemd-analyze verify` on `name` in `root`; its code and output. */
async function verify(root: string, name: string) {
  const output = await new Deno.Command(SYSTEMD_ANALYZE, {
    args: ["verify", "--man=no", `${root}/${name}`],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    messages: (decoder.decode(output.stdout) + decoder.decode(output.stderr))
      .trim(),
  };
}

for (
  const [unit, name] of [
    ["kith.service", "kith.service"],
    ["kith@.service", "kith@garden.service"],
  ]
) {
  Deno.test(`${unit} passes systemd-analyze verify without warnings`, async () => {
    await requireSystemdAnalyze();
    const root = await stageUnit(unit);
    try {
      assert.deepEqual(await verify(root, name), { code: 0, messages: "" });
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });

  Deno.test(`a broken copy of ${unit} makes systemd-analyze warn`, async () => {
    // The check above is only worth something if verify speaks up.
    await requireSystemdAnalyze();
    const root = await stageUnit(
      unit,
      (text) => text.replace("PrivateTmp=yes", "PrivateTmp=maybe"),
    );
    try {
      const { messages } = await verify(root, name);
      assert.match(messages, /Failed to parse boolean value.*maybe/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}

/** What a checkout needs to build and run (tests and docs left out). */
const CHECKOUT = [
  "main.ts",
  "build.ts",
  "deno.json",
  "deno.lock",
  "lib",
  "routes",
  "islands",
  "components",
  "static",
];

/** Runs `program` in `cwd`; throws with its output when it fails. */
async function run(program: string, args: string[], cwd: string) {
  const output = await new Deno.Command(program, {
    args,
    cwd,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
  }).output();
  if (!output.success) {
    throw new Error(
      `${program} ${args.join(" ")} failed: ${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
}

/** The unit's `Key=value` lines of `[Service]`, in order. */
function serviceLines(text: string): [string, string][] {
  return text.split("\n")
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

Deno.test("kith.service's command and environment serve and stop on SIGTERM", async () => {
  const lines = serviceLines(
    await Deno.readTextFile(`${EXAMPLES}/kith.service`),
  );
  const value = (key: string) => lines.find(([k]) => k === key)?.[1];
  const env: Record<string, string> = {};
  for (const [key, setting] of lines) {
    if (key !== "Environment") continue;
    const at = setting.indexOf("=");
    env[setting.slice(0, at)] = setting.slice(at + 1);
  }
  assert.equal(value("KillSignal"), "SIGTERM");
  assert.equal(env.KITH_HOSTNAME, "127.0.0.1");
  assert.equal(env.KITH_ORIGIN, "https://kith.example");
  const [program, ...args] = value("ExecStart")!.split(" ");
  assert.equal(program, "/usr/local/bin/deno");

  // The install steps of docs/operations.md: a checkout (a copy of this
  // one), built with `deno task build`, which the service only reads.
  const root = await Deno.makeTempDir({ prefix: "kith_unit_" });
  const checkout = `${root}/opt/kith`;
  await Deno.mkdir(checkout, { recursive: true });
  await run("cp", ["-R", ...CHECKOUT, checkout], ROOT);
  await run(Deno.execPath(), ["task", "build"], checkout);

  // Only the machine-specific values change: the port, the data folder and
  // Deno's cache (a fresh cache would download every module again).
  const port = freePort();
  delete env.DENO_DIR;
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: checkout,
    env: { ...env, PORT: String(port), KITH_DATA: `${root}/var/lib/kith` },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    await waitFor200(`http://127.0.0.1:${port}/healthz`, 60_000);
    const stat = await Deno.stat(`${root}/var/lib/kith/kith.kv`);
    assert.ok(stat.isFile);
    child.kill("SIGTERM");
    const status = await child.status;
    const printed = new TextDecoder().decode(
      await new Response(child.stdout).arrayBuffer(),
    );
    assert.equal(status.code, 0, printed);
    assert.match(
      printed,
      /Claim this instance: https:\/\/kith\.example\/admin\/claim#/,
    );
    assert.match(printed, /Received SIGTERM: finishing requests in flight/);
    assert.match(printed, /Stopped\./);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await child.status;
    await Deno.remove(root, { recursive: true });
  }
});
