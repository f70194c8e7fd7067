import assert from "node:assert/strict";
import {
  compareRoutePatterns,
  parseRoutePath,
  RoutePatternError,
} from "./route_pattern.ts";

Deno.test("parseRoutePath maps Fresh file names to Hono paths", () => {
  const cases: [string, string, string][] = [
    ["index", "/", "/"],
    ["about", "/about", "/about"],
    ["blog/index", "/blog", "/blog"],
    ["blog/[slug]", "/blog/:slug", "/blog/[slug]"],
    [
      "(public)/authors/[author]/index",
      "/authors/:author",
      "/authors/[author]",
    ],
    ["(a)/(b)/deep", "/deep", "/deep"],
    ["files/[...path]", "/files/:path{.+}", "/files/[...path]"],
    ["tags/[tag]/feed.atom", "/tags/:tag/feed.atom", "/tags/[tag]/feed.atom"],
  ];
  for (const [file, path, display] of cases) {
    const pattern = parseRoutePath(file);
    assert.equal(pattern.path, path, file);
    assert.equal(pattern.display, display, file);
  }
});

Deno.test("parseRoutePath rejects file names that cannot be routes", () => {
  const cases: [string, string][] = [
    [
      "posts/[id].json",
      'Cannot route "posts/[id].json": segment "[id].json" mixes a parameter with text; use a whole segment like "[id]"',
    ],
    [
      "[1bad]",
      'Cannot route "[1bad]": parameter name "1bad" must be an identifier (letters, digits, _)',
    ],
    [
      "[...rest]/more",
      'Cannot route "[...rest]/more": rest parameter "[...rest]" must be the last segment',
    ],
    ["[id]/x/[id]", 'Cannot route "[id]/x/[id]": parameter "id" appears twice'],
    [
      "a b",
      'Cannot route "a b": segment "a b" has characters that are not allowed in a URL path',
    ],
  ];
  for (const [file, message] of cases) {
    assert.throws(() => parseRoutePath(file), (error: unknown) => {
      assert.ok(error instanceof RoutePatternError);
      assert.equal(error.message, message);
      return true;
    });
  }
});

Deno.test("compareRoutePatterns puts static before params before rest", () => {
  const files = [
    "[...all]",
    "blog/[slug]",
    "blog/new",
    "[page]",
    "index",
    "blog/[...rest]",
    "about",
  ];
  const sorted = files.map(parseRoutePath).sort(compareRoutePatterns).map((p) =>
    p.display
  );
  assert.deepEqual(sorted, [
    "/",
    "/about",
    "/blog/new",
    "/blog/[slug]",
    "/blog/[...rest]",
    "/[page]",
    "/[...all]",
  ]);
});
