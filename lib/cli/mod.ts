/**
 * `deno task kith <command>`: keys, posting, following, verifying,
 * exporting and importing logs. See docs/protocol.md ("Command line").
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateKeyPair, verifyEd25519 } from "../crypto/mod.ts";
import { Ingest } from "../ingest/mod.ts";
import { decodeBase64Url, type PostContent } from "../protocol/mod.ts";
import { RecordStore } from "../store/mod.ts";
import { fetchInstance, readJson } from "./instance_http.ts";
import { configuredDataDir } from "./data_folder.ts";
import { readKeyFile, writeKeyFile } from "./key_file.ts";
import { OPERATOR_COMMANDS, runOperatorCommand } from "./operator.ts";
import { ADMIN_USAGE, runAdminCommand } from "./admin.ts";
import { publish } from "./publish.ts";
import { makeGenesis, parseTransaction, writeGenesis } from "./ledger.ts";
import { exportLog, importLines } from "./transfer.ts";
import { verifyLines } from "./verify_log.ts";

/** What `deno task kith` (or `--help`) prints. */
export const CLI_USAGE = `Usage: deno task kith <command> [options]

Commands:
  keygen                 create a key file (0600) for a new author
  post <text>            sign and publish a post on your instance
  follow <author>        sign and publish a follow
  verify <author|file>   verify a whole log (from the data folder, or an NDJSON file)
  export <author>        write an author's log as NDJSON to stdout (or --out)
  import <file>          verify and import an NDJSON file of records
  genesis                write a moderation ledger's genesis (--out) and print its id
  tx <ledger> <json>     sign and publish a ledger transaction, e.g.
                         '{"type":"transfer","to":"<key>","amount":5}'

Operator commands (admin ones signed by the owner's --key):
${ADMIN_USAGE}
  status                 the instance's name, version, uptime, readiness,
                         replicated authors, peers and ledgers (--server)
  peers                  the peer table: direction, connected, last seen, lag,
                         records in/out, rejected by reason (--server)
  backup                 write every log and ledger of --data to --out as a
                         verified NDJSON archive (works while it runs)
  restore                check the archive --in, then restore it into --data,
                         a new, empty folder
  reindex                rebuild every index of --data from its stored
                         entries (stop the instance first)

Options:
  --key <path>      key file (default ./kith-key.json, or KITH_KEY)
  --server <url>    your instance (default http://localhost:8000, or KITH_SERVER)
  --data <dir>      the instance's data folder (default: KITH_DATA, the
                    config file's "data", then ./data)
  --reply-to <id>   with post: the entry replied to (its thread root is looked up)
  --cw <text>       with post: content warning
  --out <path>      with export: write to a file instead of stdout;
                    with backup: the archive to write (never overwritten);
                    with genesis: the file to write (default genesis.json)
  --name <text>     with genesis: the ledger's name
  --validator <v>   with genesis, repeatable: <key or key file>[=stake], stake 100
  --account <a>     with genesis, repeatable: <key or key file>=<balance>
  --note <text>     with admin block: a note kept with the block
  --in <path>       with restore: the archive to restore
  --json            with status, peers and admin peers|storage|rejections:
                    print JSON for scripts
`;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
}

function consoleIo(): CliIo {
  return {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    env: Deno.env.toObject(),
  };
}

/**
 * Runs one CLI command and returns the exit code: 0 done, 1 refused or
 * broken, 2 usage error.
 *
 * @example
 * ```ts
 * Deno.exit(await runCli(Deno.args));
 * ```
 */
export async function runCli(
  args: string[],
  io: CliIo = consoleIo(),
): Promise<number> {
  let parsed;
  // A base64url key may start with "-"; keep it from being read as an option.
  // Keys and ids are base64url and may start with "-": glue option values
  // to their option, and move bare keys after "--", so neither reads as a flag.
  const valued = [
    "--key",
    "--server",
    "--data",
    "--reply-to",
    "--cw",
    "--out",
    "--name",
    "--validator",
    "--account",
    "--in",
    "--note",
  ];
  const glued: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (valued.includes(args[i]) && i + 1 < args.length) {
      glued.push(`${args[i]}=${args[++i]}`);
    } else glued.push(args[i]);
  }
  const isKey = (arg: string) => /^-[A-Za-z0-9_-]{42}$/.test(arg);
  try {
    parsed = parseArgs({
      args: glued.includes("--")
        ? glued
        : [...glued.filter((arg) => !isKey(arg)), "--", ...glued.filter(isKey)],
      allowPositionals: true,
      strict: true,
      options: {
        key: { type: "string" },
        server: { type: "string" },
        data: { type: "string" },
        "reply-to": { type: "string" },
        cw: { type: "string" },
        out: { type: "string" },
        name: { type: "string" },
        validator: { type: "string", multiple: true },
        account: { type: "string", multiple: true },
        in: { type: "string" },
        note: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message.split(". ")[0]}\n\n${CLI_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, argument] = positionals;
  if (values.help) {
    io.out(CLI_USAGE);
    return 0;
  }
  if (!command) {
    // A mistake, not a request for help: usage goes where errors go.
    io.err(`No command given\n\n${CLI_USAGE}`);
    return 2;
  }
  const keyPath = values.key ?? io.env.KITH_KEY ?? "kith-key.json";
  const server =
    (values.server ?? io.env.KITH_SERVER ?? "http://localhost:8000").replace(
      /\/$/,
      "",
    );
  try {
    // The same folder the instance would use: flag, variable, config file.
    const dataDir = values.data ?? io.env.KITH_DATA ??
      await configuredDataDir(io.env) ?? "./data";
    switch (command) {
      case "keygen": {
        const { author } = await writeKeyFile(
          keyPath,
          generateKeyPair().secretKey,
        );
        io.out(
          `Created ${keyPath} (readable by you only) for author ${author}`,
        );
        return 0;
      }
      case "post": {
        if (!argument) return usage(io, "post needs the text to publish");
        const key = await readKeyFile(keyPath);
        const content: PostContent = {
          text: argument,
          ...(values.cw ? { cw: values.cw } : {}),
        };
        if (values["reply-to"]) {
          Object.assign(content, await replyFields(server, values["reply-to"]));
        }
        io.out(await publish(key, { type: "post", content }, { server }));
        return 0;
      }
      case "follow": {
        if (!argument || !decodeBase64Url(argument, { expectedBytes: 32 })) {
          return usage(
            io,
            "follow needs an author key (43 base64url characters)",
          );
        }
        io.out(
          await publish(await readKeyFile(keyPath), {
            type: "follow",
            content: { target: argument },
          }, { server }),
        );
        return 0;
      }
      case "verify":
        if (!argument) {
          return usage(io, "verify needs an author key or an NDJSON file");
        }
        return await verify(argument, dataDir, io);
      case "export": {
        if (!argument || !decodeBase64Url(argument, { expectedBytes: 32 })) {
          return usage(io, "export needs an author key");
        }
        return await withStore(dataDir, async (store) => {
          const file = values.out
            ? await Deno.open(values.out, { write: true, createNew: true })
            : undefined;
          const encoder = new TextEncoder();
          let count = 0;
          for await (const line of exportLog(store, argument)) {
            if (file) await file.write(encoder.encode(line + "\n"));
            else io.out(line);
            count++;
          }
          file?.close();
          if (file) io.err(`Exported ${count} records to ${values.out}`);
          return 0;
        });
      }
      case "import": {
        if (!argument) return usage(io, "import needs an NDJSON file");
        return await withStore(dataDir, async (store) => {
          const ingest = new Ingest(store, {
            verify: verifyEd25519,
            now: Date.now,
            workers: Math.max(1, navigator.hardwareConcurrency - 1),
          });
          let summary;
          try {
            summary = await importLines(ingest, readLines(argument));
          } finally {
            ingest.close();
          }
          io.out(
            `Imported ${argument}: ${summary.created} created, ${summary.duplicates} duplicates, ${summary.held} held (gaps), ${summary.rejected} refused`,
          );
          for (const problem of summary.problems) io.err(problem);
          return summary.rejected > 0 ? 1 : 0;
        }, { create: true });
      }
      case "genesis": {
        if (!values.name) return usage(io, "genesis needs --name");
        const genesis = await makeGenesis({
          name: values.name,
          validators: values.validator ?? [],
          accounts: values.account ?? [],
        }, Date.now());
        const path = values.out ?? "genesis.json";
        const id = await writeGenesis(path, genesis);
        io.out(`Wrote ${path} for ledger ${id}`);
        return 0;
      }
      case "tx": {
        // The ledger id may have been moved after "--" (see above).
        const rest = positionals.slice(1);
        const ledger = rest.find((arg) =>
          decodeBase64Url(arg, { expectedBytes: 32 }) !== undefined
        );
        const json = rest.find((arg) => arg !== ledger);
        if (
          !ledger || !decodeBase64Url(ledger, { expectedBytes: 32 }) || !json
        ) {
          return usage(io, "tx needs a ledger id and the transaction as JSON");
        }
        const tx = parseTransaction(json);
        io.out(
          await publish(await readKeyFile(keyPath), {
            type: "ledger",
            content: { ledger, tx },
          }, { server }),
        );
        return 0;
      }
      case "admin": {
        const code = await runAdminCommand(positionals.slice(1), {
          server,
          key: () => readKeyFile(keyPath),
          out: io.out,
          note: values.note,
          json: values.json,
        });
        return typeof code === "number" ? code : usage(io, code.usage);
      }
      default: {
        if (!OPERATOR_COMMANDS.includes(command)) {
          return usage(io, `Unknown command "${command}"`);
        }
        const code = await runOperatorCommand(command, {
          server,
          dataDir,
          out: values.out,
          in: values.in,
          json: values.json,
        }, io);
        return typeof code === "number" ? code : usage(io, code.usage);
      }
    }
  } catch (error) {
    io.err((error as Error).message);
    return 1;
  }
}

function usage(io: CliIo, message: string): number {
  io.err(`${message}\n\n${CLI_USAGE}`);
  return 2;
}

async function verify(
  target: string,
  dataDir: string,
  io: CliIo,
): Promise<number> {
  const started = performance.now();
  const isAuthor =
    decodeBase64Url(target, { expectedBytes: 32 }) !== undefined &&
    !(await exists(target));
  const reports = isAuthor
    ? await withStore(
      dataDir,
      async (store) => await verifyLines(exportLog(store, target)),
    )
    : await verifyLines(readLines(target));
  const seconds = (performance.now() - started) / 1000;
  const total = reports.reduce((sum, report) => sum + report.entries, 0);
  if (reports.length === 0) {
    io.err(`No records found for ${target}`);
    return 1;
  }
  let failed = false;
  for (const report of reports) {
    if (report.broken) {
      failed = true;
      const where = report.broken.seq
        ? `seq ${report.broken.seq} (line ${report.broken.line})`
        : `line ${report.broken.line}`;
      io.out(
        `✗ ${report.author}: ${report.entries} entries verify, then it breaks at ${where}: ${report.broken.reason}`,
      );
    } else {
      io.out(`✓ ${report.author}: ${report.entries} entries verified`);
    }
  }
  io.out(
    `${total} entries in ${seconds.toFixed(2)} s (${
      Math.round(total / Math.max(seconds, 1e-9))
    } entries/s)`,
  );
  return failed ? 1 : 0;
}

async function replyFields(
  server: string,
  parentId: string,
): Promise<{ root: string; parent: string }> {
  const response = await fetchInstance(
    server,
    `/api/records/${encodeURIComponent(parentId)}`,
  );
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(
      `Cannot reply: the instance has no entry ${parentId} (${response.status})`,
    );
  }
  const parent = await readJson(response, server) as {
    entry?: { type?: unknown };
    content?: { root?: string } | null;
  };
  if (parent.entry?.type !== "post" || !parent.content) {
    throw new Error(
      `Cannot reply: ${parentId} is not a post whose content this instance holds, so its thread is unknown`,
    );
  }
  return { root: parent.content.root ?? parentId, parent: parentId };
}

async function withStore<T>(
  dataDir: string,
  run: (store: RecordStore) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  if (options.create) await Deno.mkdir(dataDir, { recursive: true });
  else if (!(await exists(join(dataDir, "kith.kv")))) {
    throw new Error(
      `Cannot open the data folder ${dataDir}: it holds no instance; pass --data or set KITH_DATA`,
    );
  }
  const kv = await Deno.openKv(join(dataDir, "kith.kv"));
  try {
    return await run(new RecordStore(kv));
  } finally {
    kv.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function* readLines(path: string): AsyncGenerator<string> {
  const file = await Deno.open(path).catch(() => {
    throw new Error(`Cannot read ${path}: no such file`);
  });
  let rest = "";
  for await (
    const chunk of file.readable.pipeThrough(new TextDecoderStream())
  ) {
    const parts = (rest + chunk).split(/\r?\n/);
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest.replace(/\r$/, "");
}
