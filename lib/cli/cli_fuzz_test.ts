/**
 * Fuzz suite of the command line (runCli in-process): generated argument
 * lists, malformed key files, NDJSON files to verify and import, post texts
 * and `kith tx` transactions, against a real instance on loopback (or a
 * closed port). The CLI must always return an exit code, never throw, and
 * explain every failure in plain words on stderr without a stack trace;
 * verify and import must agree with a model of the file, and what post
 * and tx publish must be exactly what was given.
 *
 * Generated cases per run: 1,200 (one property, one command per case).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { writeKeyFile } from "./key_file.ts";
import { runCli } from "./mod.ts";
import { generateKeyPair } from "../crypto/mod.ts";
import { contentViolations } from "../protocol/_content_model.ts";
import { canonicalize } from "../protocol/mod.ts";
import { isValidTransaction } from "../ledger/mod.ts";
import {
  captureIo,
  NO_BUDGETS,
  startTestInstance,
  testAuthor,
} from "../../tests/helpers.ts";
import { type CliCase, cliCaseArb, type FileLine } from "./_cli_arbitraries.ts";

const STACK_FRAME = /^\s+at \S.*:\d+:\d+\)?$/m;
/** What JavaScript or fetch say when an error escapes unexplained. */
const RAW_ERROR =
  /^(undefined|null|\[object |Cannot read properties|.* is not a function|Unexpected token|Unexpected end of JSON|fetch failed)/;

Deno.test("fuzz: the CLI answers generated commands and inputs with an exit code and a plain explanation", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kith_cli_fuzz_" });
  // Hundreds of posts from one address: budgets are not under test.
  const instance = await startTestInstance([...NO_BUDGETS]);
  try {
    const key = join(dir, "key.json");
    const { author } = await writeKeyFile(key, generateKeyPair().secretKey);
    const logs = [testAuthor(), testAuthor()].map((writer) => {
      const full = Array.from(
        { length: 4 },
        (_, i) => writer.next("post", { text: `line ${i + 1}` }).line,
      );
      return {
        full,
        bare: full.map((line) =>
          canonicalize({ content: null, entry: JSON.parse(line).entry })
        ),
      };
    });
    const env = {
      KITH_KEY: join(dir, "missing-key.json"),
      KITH_DATA: join(dir, "data"),
      KITH_SERVER: instance.url,
    };
    const paths = {
      dir,
      key,
      author,
      server: instance.url,
      closed: `http://127.0.0.1:${closedPort()}`,
    };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(cliCaseArb(paths), async (input: CliCase) => {
        run++;
        const capture = captureIo(env);
        let args = input.args;
        if (input.file) {
          const path = join(dir, `input-${run}.txt`);
          await Deno.writeTextFile(path, input.file.text(logs));
          // Private, so that a key file is judged by what it holds.
          await Deno.chmod(path, 0o600);
          args = args.map((arg) => arg === "@file" ? path : arg);
        }
        const code = await runCli(args, capture.io);
        assert.ok([0, 1, 2].includes(code), `exit ${code}`);
        for (const text of [...capture.out, ...capture.err]) {
          assert.equal(typeof text, "string");
          assert.doesNotMatch(text, STACK_FRAME, `${args.join(" ")}: ${text}`);
        }
        if (code !== 0) {
          // A broken log is reported on stdout, like a verified one.
          const first = capture.err[0] ?? capture.out[0] ?? "";
          assert.match(first, /^\S.{8,}/s, `${args.join(" ")}: no explanation`);
          assert.doesNotMatch(first, RAW_ERROR, args.join(" "));
        }
        if (code === 2) {
          assert.match([...capture.err, ...capture.out].join("\n"), /Usage:/);
        }
        await checkExpectation(input, { code, capture, server: instance.url });
      }),
      { numRuns: 1_200 },
    );
  } finally {
    await instance.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A loopback port that was free a moment ago: connecting is refused. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Checks what the suite expects of this kind of invocation. */
async function checkExpectation(
  input: CliCase,
  { code, capture, server }: {
    code: number;
    capture: ReturnType<typeof captureIo>;
    server: string;
  },
) {
  const said = [...capture.out, ...capture.err].join("\n");
  switch (input.expect) {
    case "bad key file":
      assert.equal(code, 1, said);
      assert.match(capture.err[0], /^Cannot read key file: /);
      return;
    case "unreachable":
      assert.equal(code, 1, said);
      assert.match(capture.err[0], /^Cannot reach the instance at /);
      return;
    case "not an instance":
      assert.equal(code, 1, said);
      assert.match(capture.err[0], /^(Cannot|The instance refused) /);
      return;
    case "verify": {
      const valid = verifies(input.file!.lines);
      assert.equal(code, valid ? 0 : 1, said);
      if (valid) assert.match(capture.out[0], /^✓ /);
      else assert.match(said, /✗ |No records found|Cannot read /);
      return;
    }
    case "import": {
      const lines = input.file!.lines.filter((line) => line.kind !== "blank");
      const refused = lines.some((line) => line.kind !== "valid");
      assert.equal(code, refused ? 1 : 0, said);
      assert.match(capture.out[0] ?? capture.err[0], /^(Imported |Cannot )/);
      return;
    }
    case "post": {
      const content = { text: input.args[1] };
      const valid = contentViolations("post", content).length === 0 &&
        canonicalizes(content);
      assert.equal(code, valid ? 0 : 1, said);
      if (valid) {
        const record = await fetchRecord(server, capture.out[0]);
        assert.deepEqual(record.content, content);
      } else assert.match(capture.err[0], /^Cannot /);
      return;
    }
    case "tx": {
      if (input.args[2] === "") {
        assert.equal(code, 2, said);
        return;
      }
      let tx: unknown;
      try {
        tx = JSON.parse(input.args[2]);
      } catch {
        tx = undefined;
      }
      const valid = isValidTransaction(tx) && canonicalizes(tx);
      assert.equal(code, valid ? 0 : 1, said);
      if (valid) {
        const record = await fetchRecord(server, capture.out[0]);
        assert.deepEqual(record.content.tx, tx);
      } else {
        assert.match(
          capture.err[0],
          /^Cannot (sign transaction|canonicalize): /,
        );
      }
      return;
    }
  }
}

function canonicalizes(value: unknown): boolean {
  try {
    canonicalize(value);
    return true;
  } catch {
    return false;
  }
}

async function fetchRecord(server: string, id: string) {
  const response = await fetch(`${server}/api/records/${id}`);
  assert.equal(response.status, 200, id);
  return await response.json();
}

/** Whether `verify` must pass a file of these lines: every log whole and in order. */
function verifies(lines: FileLine[]): boolean {
  const heads = new Map<number, number>();
  let records = 0;
  for (const line of lines) {
    if (line.kind === "blank") continue;
    if (line.kind !== "valid") return false;
    if (line.seq !== (heads.get(line.log) ?? 0) + 1) return false;
    heads.set(line.log, line.seq);
    records++;
  }
  return records > 0;
}
