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

/** What `kith admin` accepts, for the usage text. */
export const ADMIN_USAGE =
  `  admin name <text>      set the instance's name (owner's --key; "" for --name's)
  admin description <t>  set the instance's description
  admin ledgers honour|drop <id>
                         honour a moderation ledger, or stop honouring it
${BLOCKS_USAGE}`;

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
  options: { key: KeyFile; body: unknown; method?: string; what?: string },
): Promise<Record<string, unknown>> {
  const method = options.method ?? "POST";
  const body = new TextEncoder().encode(JSON.stringify(options.body));
  const headers = signRequestHeaders({ method, path, body }, {
    author: options.key.author,
    sign: (bytes) => sign(options.key.secretKey, bytes),
  });
  const response = await fetchInstance(server, path, {
    method,
    headers: { ...headers, "Content-Type": "application/json" },
    body,
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
  },
): Promise<number | { usage: string }> {
  const [what, ...rest] = args;
  const blocked = await runBlockCommand(args, options);
  if (blocked !== null) return blocked;
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
