/**
 * `kith admin block|unblock author|peer <subject>` and `kith admin
 * blocks`: the owner's local blocks over the signed admin API.
 *
 * @module
 */
import { signedAdminRequest } from "./admin.ts";
import type { KeyFile } from "./key_file.ts";

/** What the block commands accept, for the usage text. */
export const BLOCKS_USAGE = `  admin block author <key|@handle> [--note <text>]
  admin block peer <origin> [--note <text>]
                         refuse and hide an author, or refuse a peer, here
  admin unblock author|peer <subject>
                         lift a block (an author's log is fetched again)
  admin blocks           list the blocks`;

/** A block as the API lists it. */
interface ListedBlock {
  kind: string;
  subject: string;
  at: number;
  note: string;
}

/**
 * Runs one block command (`args` after `admin`); returns the exit code, a
 * usage error, or null when `args` is not a block command.
 *
 * @throws {Error} As {@linkcode signedAdminRequest}, e.g. `Cannot block
 * author x: Cannot block author: "x" is not an author key …`.
 * @example
 * ```ts
 * await runBlockCommand(["blocks"], { server, key, out: console.log });
 * ```
 */
export async function runBlockCommand(
  args: string[],
  options: {
    server: string;
    key: () => Promise<KeyFile>;
    out: (text: string) => void;
    note?: string;
  },
): Promise<number | { usage: string } | null> {
  const [what, kind, subject, ...extra] = args;
  if (what === "blocks") {
    if (args.length !== 1) return { usage: "admin blocks takes no arguments" };
    const blocks = (await listBlocks(options.server, await options.key()))
      .blocks as ListedBlock[];
    if (blocks.length === 0) options.out("Nothing is blocked");
    for (const block of blocks) {
      options.out(
        [
          block.kind,
          block.subject,
          new Date(block.at).toISOString(),
          block.note,
        ].join("\t").trimEnd(),
      );
    }
    return 0;
  }
  if (what !== "block" && what !== "unblock") return null;
  if (
    (kind !== "author" && kind !== "peer") || !subject || extra.length > 0
  ) {
    return { usage: `admin ${what} needs author or peer and one subject` };
  }
  if (what === "unblock" && options.note !== undefined) {
    return { usage: "--note goes with admin block only" };
  }
  const answer = await signedAdminRequest(
    options.server,
    "/api/admin/blocks",
    {
      key: await options.key(),
      body: { action: what, kind, subject, note: options.note },
      what: `${what} ${kind} ${subject}`,
    },
  );
  options.out(String(answer.notice));
  return 0;
}

/** `GET /api/admin/blocks`, signed with `key`. */
function listBlocks(
  server: string,
  key: KeyFile,
): Promise<Record<string, unknown>> {
  return signedAdminRequest(server, "/api/admin/blocks", {
    key,
    method: "GET",
    what: "list the blocks",
  });
}
