import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadIslandBuild } from "./build_snapshot.ts";
import { tempProject } from "../../tests/helpers.ts";

/** A throwaway project with one island file. */
async function project(island: string) {
  const root = await tempProject({ "islands/hello.tsx": island });
  return { root, file: join(root, "islands", "hello.tsx") };
}

const ISLAND = `import { useState } from "preact/hooks";
export function Hello() {
  const [n, setN] = useState(0);
  return <button type="button" onClick={() => setN(n + 1)}>{n}</button>;
}
`;

Deno.test("the island build is kept in _kith/, reused while sources match, rebuilt when they change", async () => {
  const { root, file } = await project(ISLAND);
  try {
    const first = await loadIslandBuild([file], { root });
    const snapshotPath = join(root, "_kith", "islands.json");
    const written = await Deno.stat(snapshotPath);
    const snapshot = JSON.parse(await Deno.readTextFile(snapshotPath));
    assert.equal(snapshot.buildId, first.buildId);
    assert.equal(
      snapshot.entries["islands/hello.tsx"],
      first.entryUrls.get(file),
    );

    const second = await loadIslandBuild([file], { root });
    assert.equal(second.buildId, first.buildId);
    assert.deepEqual(second.files, first.files);
    assert.equal(
      (await Deno.stat(snapshotPath)).mtime?.getTime(),
      written.mtime?.getTime(),
      "not rewritten",
    );

    const js = new TextDecoder().decode(
      first.files.get(first.entryUrls.get(file)!)!,
    );
    assert.ok(
      !js.includes("jsxTemplate"),
      "browser code uses jsx() calls, not server templates",
    );

    await Deno.writeTextFile(file, ISLAND.replace("{n}", "{n * 2}"));
    const third = await loadIslandBuild([file], { root });
    assert.notEqual(third.buildId, first.buildId);
    assert.equal(
      JSON.parse(await Deno.readTextFile(snapshotPath)).buildId,
      third.buildId,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a bundler error names the file and line", async () => {
  const { root, file } = await project(
    "export function Broken() { return <div>; }\n",
  );
  try {
    await assert.rejects(loadIslandBuild([file], { root }), (error: Error) => {
      assert.equal(error.name, "BundleError");
      assert.match(error.message, /^Cannot bundle islands:\n/);
      assert.match(error.message, /hello\.tsx:\d+:\d+/);
      assert.ok(!error.message.includes("Stack backtrace"));
      return true;
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("without permission to run the bundler a stale build says to run deno task build", async () => {
  const { root, file } = await project(ISLAND);
  try {
    const module = new URL("./build_snapshot.ts", import.meta.url).href;
    const script = join(root, "start.ts");
    await Deno.writeTextFile(
      script,
      `import { loadIslandBuild } from ${JSON.stringify(module)};
try { await loadIslandBuild([${JSON.stringify(file)}], { root: ${
        JSON.stringify(root)
      } }); console.log("built"); }
catch (error) { console.log(error.name + ": " + error.message); }
`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--config",
        join(root, "deno.json"),
        script,
      ],
      cwd: fileURLToPath(new URL("../../", import.meta.url)),
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdin: "null",
    }).output();
    assert.equal(
      new TextDecoder().decode(output.stdout).trim(),
      "BundleError: Cannot bundle islands: this process may not run `deno bundle`; run `deno task build` first (it writes _kith/), then start",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
