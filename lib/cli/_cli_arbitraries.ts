/**
 * Test helper: fast-check generators of CLI invocations for the CLI fuzz
 * suite, each with what the suite expects of it. Every path it names lies
 * in the suite's temporary folder, and every server is on loopback.
 *
 * @module
 */
import { join } from "node:path";
import fc from "fast-check";
import {
  edgeStringArb,
  hashArb,
  jsonishArb,
} from "../protocol/_arbitraries.ts";

/** A line of a generated NDJSON file. */
export type FileLine =
  | { kind: "valid"; log: number; seq: number; bare: boolean }
  /** Signed, then its signature (or its content) changed. */
  | { kind: "forged"; log: number; seq: number; content: boolean }
  | { kind: "garbage"; text: string }
  | { kind: "blank" };

/** A generated input file: its lines, and its text given the signed logs. */
export interface InputFile {
  lines: FileLine[];
  text: (logs: { full: string[]; bare: string[] }[]) => string;
}

/** One invocation; `@file` in `args` stands for the generated file. */
export interface CliCase {
  args: string[];
  file?: InputFile;
  expect:
    | "any"
    | "bad key file"
    | "unreachable"
    | "not an instance"
    | "verify"
    | "import"
    | "post"
    | "tx";
}

/** Where the suite's files and servers are. */
export interface CliPaths {
  dir: string;
  /** A valid key file. */
  key: string;
  /** Its author key. */
  author: string;
  /** A running instance. */
  server: string;
  /** A loopback port nothing listens on. */
  closed: string;
}

const lineArb: fc.Arbitrary<FileLine> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("valid" as const),
      log: fc.nat(1),
      seq: fc.integer({ min: 1, max: 4 }),
      bare: fc.boolean(),
    }),
  },
  fc.record({
    kind: fc.constant("forged" as const),
    log: fc.nat(1),
    seq: fc.integer({ min: 1, max: 4 }),
    content: fc.boolean(),
  }),
  fc.oneof(edgeStringArb, fc.jsonValue().map((value) => JSON.stringify(value)))
    .map((text) => ({
      kind: "garbage" as const,
      // Never blank, never read as part of a line break or a leading BOM.
      text: `#${text.replace(/[\r\n]/g, " ")}`,
    })),
  fc.constant({ kind: "blank" as const }),
);

/** An NDJSON file: a log in order, or lines of any kind in any order. */
const fileArb: fc.Arbitrary<InputFile> = fc.record({
  lines: fc.oneof(
    fc.record({ log: fc.nat(1), count: fc.integer({ min: 1, max: 4 }) }).map((
      { log, count },
    ) =>
      Array.from({ length: count }, (_, i): FileLine => ({
        kind: "valid",
        log,
        seq: i + 1,
        bare: false,
      }))
    ),
    fc.array(lineArb, { maxLength: 8 }),
  ),
  breaks: fc.array(fc.constantFrom("\n", "\r\n"), {
    minLength: 8,
    maxLength: 8,
  }),
  final: fc.boolean(),
}).map(({ lines, breaks, final }) => ({
  lines,
  text: (logs) =>
    lines.map((line, i) => {
      const text = line.kind === "blank"
        ? ""
        : line.kind === "garbage"
        ? line.text
        : line.kind === "forged"
        ? forge(logs[line.log].full[line.seq - 1], line.content)
        : (line.bare ? logs[line.log].bare : logs[line.log].full)[
          line.seq - 1
        ];
      return text + (i < lines.length - 1 || final ? breaks[i] : "");
    }).join(""),
}));

function forge(line: string, content: boolean): string {
  if (content) return line.replace('"text":"', '"text":"re');
  const at = line.indexOf('"sig":"') + 7 + 40;
  return line.slice(0, at) + (line[at] === "A" ? "B" : "A") +
    line.slice(at + 1);
}

/** Text of a key file that is not a valid one. */
const badKeyFileArb = fc.oneof(
  edgeStringArb,
  jsonishArb.map((value) => JSON.stringify(value) ?? ""),
  fc.record({
    kith: fc.constantFrom("key", "Key", undefined),
    author: fc.oneof(hashArb, jsonishArb),
    secretKey: fc.oneof(
      fc.uint8Array({ minLength: 31, maxLength: 33 }).filter((bytes) =>
        bytes.length !== 32
      ).map((bytes) => btoa(String.fromCharCode(...bytes))),
      hashArb,
      jsonishArb,
    ),
  }).map((data) => JSON.stringify(data)),
);

/** Text that must not start with "-", or the option parser takes it. */
const positional = (text: string) => text.startsWith("-") ? ` ${text}` : text;

const txArb = fc.oneof(
  fc.record({
    type: fc.constantFrom("transfer", "delegate", "undelegate"),
    key: hashArb,
    amount: fc.oneof(
      fc.integer({ min: 1, max: 1_000 }),
      jsonishArb,
      fc.constant({ toString: 1 }),
    ),
  }).map(({ type, key, amount }) =>
    JSON.stringify({
      type,
      [type === "transfer" ? "to" : "validator"]: key,
      amount,
    })
  ),
  fc.record({
    type: fc.constant("flag"),
    subject: fc.record({ post: hashArb, author: hashArb }, {
      requiredKeys: ["author"],
    }),
    category: fc.constantFrom("spam", "abuse", "other", "nonsense"),
    bond: fc.integer({ min: 0, max: 50 }),
    note: fc.option(edgeStringArb, { nil: undefined }),
  }).map((tx) => JSON.stringify(tx)),
  fc.record({ type: fc.constantFrom("vote", "retract"), appeal: hashArb })
    .map((tx) => JSON.stringify(tx)),
  jsonishArb.map((value) => JSON.stringify(value) ?? "undefined"),
  edgeStringArb,
).map(positional);

/**
 * Every kind of invocation the suite makes.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(cliCaseArb(paths), async ({ args, expect }) => {}));
 * ```
 */
export function cliCaseArb(paths: CliPaths): fc.Arbitrary<CliCase> {
  const { dir, key, author, server, closed } = paths;
  const ledger = hashArb;
  const keyCommand = fc.oneof(
    fc.constant(["post", "hello"]),
    fc.constant(["follow", author]),
    ledger.map((id) => [
      "tx",
      id,
      JSON.stringify({ type: "transfer", to: author, amount: 1 }),
    ]),
  );
  const textArb = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: 1 }) },
    edgeStringArb,
  ).map(positional).filter((text) => text !== "");

  const tokenArb: fc.Arbitrary<string[]> = fc.oneof(
    fc.constantFrom(
      "keygen",
      "post",
      "follow",
      "verify",
      "export",
      "import",
      "genesis",
      "tx",
      "frobnicate",
      "--help",
      "-h",
      "--",
      "-",
      "--unknown",
      "-x",
    ).map((token) => [token]),
    // Path options always come with a path in the temp folder: a bare one
    // would take the next token as a path in the working directory.
    fc.constantFrom("--key", "--out").chain((option) =>
      fc.nat(5).map((n) => [option, join(dir, `new-${n}.json`)])
    ),
    fc.constantFrom(key, join(dir, "missing-key.json")).map((path) => [
      "--key",
      path,
    ]),
    fc.constantFrom(
      server,
      closed,
      "not a url",
      `${closed}/`,
      "ftp://127.0.0.1:9",
    )
      .map((value) => ["--server", value]),
    fc.constantFrom("data", "import-data", "nowhere").map((name) => [
      "--data",
      join(dir, name),
    ]),
    fc.tuple(
      fc.constantFrom(
        "--reply-to",
        "--cw",
        "--name",
        "--validator",
        "--account",
      ),
      fc.oneof(
        edgeStringArb,
        hashArb,
        fc.constantFrom(key, `${key}=5`, `${author}=0`, `-${"A".repeat(42)}`),
      ),
    ).map((pair) => [...pair]),
    fc.oneof(edgeStringArb, hashArb, txArb).map((text) => [text]),
  );

  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(tokenArb, { maxLength: 6 }).map((tokens) => {
        const args = tokens.flat();
        // Every file the CLI writes goes to the temporary folder.
        if (args.includes("genesis") && !args.includes("--out")) {
          args.push("--out", join(dir, "genesis.json"));
        }
        return { args, expect: "any" as const };
      }),
    },
    fc.tuple(keyCommand, badKeyFileArb).map(([command, text]) => ({
      args: [...command, "--key", "@file"],
      file: { lines: [], text: () => text },
      expect: "bad key file" as const,
    })),
    fc.tuple(keyCommand, fc.boolean(), hashArb).map(([command, reply, id]) => ({
      args: [
        ...command,
        "--key",
        key,
        "--server",
        closed,
        ...(reply && command[0] === "post" ? ["--reply-to", id] : []),
      ],
      expect: "unreachable" as const,
    })),
    fc.tuple(
      keyCommand,
      fc.boolean(),
      hashArb,
      fc.constantFrom("/federated", "/api/records", "/healthz", "/api/peers"),
    ).map(([command, reply, id, path]) => ({
      args: [
        ...command,
        "--key",
        key,
        "--server",
        server + path,
        ...(reply && command[0] === "post" ? ["--reply-to", id] : []),
      ],
      expect: "not an instance" as const,
    })),
    {
      weight: 3,
      arbitrary: fileArb.map((file) => ({
        args: ["verify", "@file"],
        file,
        expect: "verify" as const,
      })),
    },
    fileArb.map((file) => ({
      args: ["import", "@file", "--data", join(dir, "import-data")],
      file,
      expect: "import" as const,
    })),
    {
      weight: 2,
      arbitrary: textArb.map((text) => ({
        args: ["post", text, "--key", key],
        expect: "post" as const,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(ledger, txArb).map(([id, tx]) => ({
        args: ["tx", id, tx, "--key", key],
        expect: "tx" as const,
      })),
    },
  );
}
