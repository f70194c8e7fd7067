import assert from "node:assert/strict";
import { join } from "node:path";
import { loadRouteTable } from "./fs_routes.ts";
import { RoutePatternError } from "./route_pattern.ts";

const FIXTURE =
  new URL("../../tests/fixtures/web_app/routes", import.meta.url).pathname;

Deno.test("loadRouteTable finds routes, groups, layouts and middleware in order", async () => {
  const table = await loadRouteTable(FIXTURE);
  const byFile = new Map(table.routes.map((route) => [route.file, route]));
  assert.ok(table.app, "_app is loaded");
  assert.ok(
    table.rootNotFoundPage && table.rootErrorPage,
    "_404 and _error are loaded",
  );
  assert.equal(byFile.get("(marketing)/about.tsx")?.pattern.display, "/about");
  const about = byFile.get("(marketing)/about.tsx")!;
  assert.equal(about.layouts.length, 2, "root and marketing layouts");
  assert.equal(about.middlewares.length, 2, "root and marketing middleware");
  const post = byFile.get("blog/[slug].tsx")!;
  assert.equal(
    post.middlewares.length,
    3,
    "root plus the two blog middlewares",
  );
  assert.equal(post.layouts.length, 2);
  assert.equal(
    byFile.get("bare.tsx")!.layouts.length,
    0,
    "skipInheritedLayouts drops layouts",
  );
  assert.ok(!byFile.has("_404.tsx"), "special files are not routes");
  const order = table.routes.map((route) => route.pattern.display);
  assert.ok(
    order.indexOf("/blog/new") < order.indexOf("/blog/[slug]"),
    "static segment first",
  );
});

async function withRoutes(
  files: Record<string, string>,
  run: (dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "kith_routes_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      const path = join(dir, name);
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await Deno.writeTextFile(path, text);
    }
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const PAGE = "export default function Page() { return null; }\n";

Deno.test("loadRouteTable rejects two files serving one URL", async () => {
  await withRoutes({ "(a)/x.tsx": PAGE, "(b)/x.tsx": PAGE }, async (dir) => {
    await assert.rejects(loadRouteTable(dir), (error: Error) => {
      assert.ok(error instanceof RoutePatternError);
      assert.equal(
        error.message,
        'Cannot load routes: "(a)/x.tsx" and "(b)/x.tsx" both serve /x',
      );
      return true;
    });
  });
});

Deno.test("loadRouteTable rejects misspelled special files and empty modules", async () => {
  await withRoutes({ "_layuot.tsx": PAGE }, async (dir) => {
    await assert.rejects(
      loadRouteTable(dir),
      /"_layuot.tsx" starts with "_" but is not one of _app, _layout/,
    );
  });
  await withRoutes({ "empty.ts": "export const x = 1;\n" }, async (dir) => {
    await assert.rejects(
      loadRouteTable(dir),
      {
        name: "RoutePatternError",
        message:
          'Cannot load route "empty.ts": it exports neither a default page component nor a handler',
      },
    );
  });
  await withRoutes({
    "bad.ts": "export const handler = { get() { return new Response(); } };\n",
  }, async (dir) => {
    await assert.rejects(
      loadRouteTable(dir),
      /handler.get is not one of GET, HEAD, POST, PUT, PATCH, DELETE/,
    );
  });
});

Deno.test("loadRouteTable skips test files and dotfiles", async () => {
  await withRoutes({
    "page.tsx": PAGE,
    "page_test.ts": "throw new Error('imported');\n",
    ".hidden.ts": "throw 1;\n",
  }, async (dir) => {
    const table = await loadRouteTable(dir);
    assert.deepEqual(table.routes.map((route) => route.file), ["page.tsx"]);
  });
});
