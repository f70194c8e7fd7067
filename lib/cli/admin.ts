/**
 * `kith admin …`: the owner's actions over the instance's API, each
 * request signed with the owner's key file (see lib/app/admin_messages.ts).
 *
 * @module
 */
import { signRequestHeaders } from "../app/admin_messages.ts";
import { sign } from "../crypto/mod.ts";
import { decodeBase64Url } from "../protocol/mod.ts";
import { fetchInstance, readJson } from "./instance_http.ts";
import type { KeyFile } from "./key_file.ts";
import { BLOCKS_USAGE, runBlockCommand } from "./admin_blocks.ts";
import { runAdminReport } from "./admin_reports.ts";

/** What `kith admin` accepts, for the usage text. */
export const ADMIN_USAGE =
  `  admin name <text>      set the instance's name (owner's --key; "" for --name's)
  admin description <t>  set the instance's description
  admin ledgers honour|drop <id>
                         honour a moderation ledger, or stop honouring it
${BLOCKS_USAGE}
  admin peers [add|remove <origin>]
                         list peers, add an outgoing one (kept) or remove one
  admin storage          bytes on disk, entries per type, authors, ledgers
  admin rejections       recently rejected records with reasons (--json)`;

/**
 * Sends one admin API request signed with `key` and returns its JSON
 * answer.
 *
 * @throws {Error} `Cannot <what>: <the instance's reason>` when refused,
 * or as {@linkcode fetchInstance} and {@linkcode readJson}.
 * @example
 * ```ts
 * await signedAdminRequest(server, "/api/admin/instance", { key, body: { name: "Garden" } });
 * ```
 */
export async function signedAdminRequest(
  server: string,
  path: string,
  options: { key: KeyFile; body?: unknown; method?: string; what?: string },
): Promise<Record<string, unknown>> {
  const method = options.method ?? "POST";
  // Signatures are deterministic and a repeated one is refused as a replay:
  // a random query keeps two like requests in one second apart.
  path += `${path.includes("?") ? "&" : "?"}n=${crypto.randomUUID()}`;
  // A GET carries no body; its signature covers the empty one.
  const body = method === "GET"
    ? new Uint8Array(0)
    : new TextEncoder().encode(JSON.stringify(options.body));
  const headers = signRequestHeaders({ method, path, body }, {
    author: options.key.author,
    sign: (bytes) => sign(options.key.secretKey, bytes),
  });
  const response = await fetchInstance(server, path, {
    method,
    headers: method === "GET"
      ? headers
      : { ...headers, "Content-Type": "application/json" },
    body: method === "GET" ? undefined : body,
  });
  const answer = await readJson(response, server);
  if (!response.ok) {
    throw new Error(
      `Cannot ${options.what ?? "do that"}: ${
        typeof answer.error === "string"
          ? answer.error
          : `the instance answered ${response.status}`
      }`,
    );
  }
  return answer;
}

/**
 * Runs `kith admin <args>` with the owner's `key`; returns the exit code,
 * or `{ usage }` for a usage error.
 *
 * @throws {Error} As {@linkcode signedAdminRequest}.
 * @example
 * ```ts
 * await runAdminCommand(["name", "Garden"], { server, key, out: console.log });
 * ```
 */
export async function runAdminCommand(
  args: string[],
  options: {
    server: string;
    key: () => Promise<KeyFile>;
    out: (text: string) => void;
    /** `--note`, kept with a block. */
    note?: string;
    /** Print the instance's JSON answer rather than text. */
    json?: boolean;
  },
): Promise<number | { usage: string }> {
  const [what, ...rest] = args;
  const blocked = await runBlockCommand(args, options);
  if (blocked !== null) return blocked;
  if (what === "peers" || what === "storage" || what === "rejections") {
    return await runAdminReport(what, rest, {
      ...options,
      request: (path, request) =>
        signedAdminRequest(options.server, path, request),
    });
  }
  if ((what === "name" || what === "description") && rest.length === 1) {
    const answer = await signedAdminRequest(
      options.server,
      "/api/admin/instance",
      {
        key: await options.key(),
        body: { [what]: rest[0] },
        what: `set the instance's ${what}`,
      },
    );
    options.out(
      what === "name"
        ? `The instance is now called ${JSON.stringify(answer.name)}`
        : `The instance's description is now ${
          JSON.stringify(answer.description)
        }`,
    );
    return 0;
  }
  if (what === "ledgers") {
    const action = rest.find((arg) => arg === "honour" || arg === "drop");
    const id = rest.find((arg) => arg !== action);
    if (
      !action || !id || rest.length !== 2 ||
      !decodeBase64Url(id, { expectedBytes: 32 })
    ) {
      return { usage: "admin ledgers needs honour or drop and a ledger id" };
    }
    const answer = await signedAdminRequest(
      options.server,
      `/api/admin/ledgers/${id}`,
      {
        key: await options.key(),
        body: { honour: action === "honour" },
        what: `${action} ledger ${id}`,
      },
    );
    const ledger = answer.ledger as { name?: string; honoured?: boolean };
    options.out(
      `${ledger?.honoured ? "Honouring" : "No longer honouring"} ${
        ledger?.name ?? id
      }`,
    );
    return 0;
  }
  return {
    usage:
      'admin needs name "<text>", description "<text>" or ledgers honour|drop <id>',
  };
}
