/**
 * `deno task bench social`: the home timeline's server time and the
 * signed-in home page's JavaScript, written to docs/benchmarks.md.
 *
 * @module
 */
import { buildApp } from "../lib/web/mod.ts";
import { measureHomeTimeline, measureSignedInJs } from "./social.ts";
import { kb, machine, ok, writeSection } from "./_report.ts";

/** Runs the social web app benchmarks and rewrites their doc section. */
export async function benchSocial(): Promise<void> {
  await buildApp(new URL("../", import.meta.url));
  const shape = { authors: 10_000, follows: 1_000, requests: 300 };
  console.log("social: home timeline, 100,000 posts…");
  const small = await measureHomeTimeline({ posts: 100_000, ...shape });
  console.log("social: home timeline, 1,000,000 posts…");
  const large = await measureHomeTimeline({ posts: 1_000_000, ...shape });
  console.log("social: signed-in home page JavaScript…");
  const js = await measureSignedInJs();
  const ms = (value: number) => value.toFixed(1);
  const files = js.files.map((file) => `${file.url} ${kb(file.gzipBytes)} KB`)
    .join("; ");
  await writeSection(
    "social",
    `
Measured ${machine()} with \`deno task bench social\`.

| Target | Measured | |
| --- | --- | --- |
| Home timeline (50 posts), reader following 1,000 authors, 100,000 posts: server time p50 ≤ 10 ms | **${
      ms(small.p50Ms)
    } ms** | ${ok(small.p50Ms <= 10)} |
| Same, p99 ≤ 50 ms | **${ms(small.p99Ms)} ms** | ${ok(small.p99Ms <= 50)} |
| Same with 1,000,000 posts: p99 ≤ 100 ms | **${ms(large.p99Ms)} ms** (p50 ${
      ms(large.p50Ms)
    } ms) | ${ok(large.p99Ms <= 100)} |
| Total JavaScript on the home page for a signed-in reader ≤ 40 KB gzipped | **${
      kb(js.totalGzipBytes)
    } KB** (${kb(js.totalBytes)} KB raw, ${js.files.length} files) | ${
      ok(js.totalGzipBytes <= 40 * 1024)
    } |

- Store: ${
      shape.authors.toLocaleString("en")
    } authors posting in turn (one post each per
  minute of their clock), written straight into an on-disk Deno KV through
  \`RecordStore.commit\` (filled in ${small.fillSeconds.toFixed(0)} s and ${
      large.fillSeconds.toFixed(0)
    } s; records are well formed but carry
  a stand-in signature, since pages never verify). The reader follows every tenth
  author, so nine posts in ten on the federated timeline are not theirs.
- Server time: \`GET /\` with the reader's \`kith_author\` cookie, straight into the
  instance's fetch handler (no network), ${shape.requests} requests after 20 warm-up
  ones, each read to the end. The page renders ${small.postsShown} posts with their
  authors' profiles, like/repost/reaction counts and an actions island each,
  plus the header's unread badge.
- How: the follow set is cached per reader (dropped when they follow or
  unfollow), the federated timeline index is scanned newest first keeping the
  followed authors' entries, profiles and one packed counter per post are read ten
  keys at a time.
- JavaScript: what the browser loads for that page (a reader following an author
  with 5 posts): the boot module, the compose box, the live banner, the actions
  island and their shared chunks, each gzipped on its own: ${files}. The backup
  code (scrypt, XChaCha20-Poly1305) loads only when used.
`,
  );
  console.log(
    `social: 100k p50 ${ms(small.p50Ms)} ms p99 ${ms(small.p99Ms)} ms; 1M p99 ${
      ms(large.p99Ms)
    } ms; JS ${kb(js.totalGzipBytes)} KB gz`,
  );
}
