/**
 * The instance's command-line flags: the table parseArgs reads (also the
 * keys of the config file), the `--help` text, and the small helpers around
 * them.
 *
 * @module
 */

/** What `--help` prints. */
export const USAGE = `Usage: deno task start [options]

Options (each also read from the environment variable shown, and from the
config file's key of the same name in camelCase, e.g. followDepth; flags win
over the environment, the environment over the file):
  --config <file>   KITH_CONFIG    JSON config file (default ./kith.json when
                                   it exists)
  --port <n>        PORT           TCP port, 0 for any free one (default 8000)
  --hostname <h>    KITH_HOSTNAME  interface to listen on (default 0.0.0.0)
  --data <dir>      KITH_DATA      data folder, or :memory: (default ./data)
  --peers <urls>    KITH_PEERS     comma-separated peer origins (default none)
  --follow-depth <n> KITH_FOLLOW_DEPTH
                                   1: replicate whom local authors follow;
                                   2: also whom they follow (default 1)
  --ledgers <ids>   KITH_LEDGERS   comma-separated ids of honoured moderation
                                   ledgers (default none); their genesis is
                                   fetched from peers and checked by its hash
  --genesis <files> KITH_GENESIS   comma-separated ledger genesis files to
                                   honour (default none)
  --validator-key <file> KITH_VALIDATOR_KEY
                                   key file of this instance's validator: it
                                   votes in honoured ledgers that list its key
  --name <text>     KITH_NAME      instance name (default "Kith")
  --origin <url>    KITH_ORIGIN    public origin, e.g. https://kith.example
  --dev             KITH_DEV=1     development mode
  --owner <key>     KITH_OWNER     the owner's author key (43 characters);
                                   unset, an unclaimed instance prints a
                                   one-time link to claim it in the browser
  --rate-reads <b>  KITH_RATE_READS
                                   GET/HEAD requests per client address, as
                                   <count>/<s|min|h>[,<burst>] or off
                                   (default 20/s,200; the burst defaults to
                                   the count)
  --rate-writes <b> KITH_RATE_WRITES
                                   other requests per client address
                                   (default 600/min)
  --rate-author <b> KITH_RATE_AUTHOR
                                   records per author published over HTTP
                                   (default 3600/h,10000: a whole log can
                                   move here at once, then one a second)
  --rate-gun <b>    KITH_RATE_GUN  GUN messages per peer connection, in bursts
                                   of twice the rate per second (default
                                   1000/s); a peer far over it is hung up on
  --trust-proxy <t> KITH_TRUST_PROXY
                                   whose X-Forwarded-For names the client:
                                   loopback (a proxy on this machine, the
                                   default), always (a proxy elsewhere) or never
  --metrics <m>     KITH_METRICS   who may read /metrics: loopback (clients
                                   on this machine not forwarded by a proxy,
                                   the default), public or off
  --log-level <l>   KITH_LOG_LEVEL least severe JSON log line written to
                                   stderr: debug, info, warn (default) or error
  --help                           show this help
`;

/**
 * The command-line options. Each but `config` and `help` is also a key of
 * the config file, in camelCase (see {@linkcode fileKey}).
 */
export const FLAGS = {
  config: { type: "string" },
  port: { type: "string" },
  hostname: { type: "string" },
  data: { type: "string" },
  peers: { type: "string" },
  "follow-depth": { type: "string" },
  ledgers: { type: "string" },
  genesis: { type: "string" },
  "validator-key": { type: "string" },
  name: { type: "string" },
  origin: { type: "string" },
  dev: { type: "boolean" },
  owner: { type: "string" },
  "rate-reads": { type: "string" },
  "rate-writes": { type: "string" },
  "rate-author": { type: "string" },
  "rate-gun": { type: "string" },
  "trust-proxy": { type: "string" },
  metrics: { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean" },
} as const;

/**
 * A flag's key in the config file.
 *
 * @example
 * ```ts
 * fileKey("follow-depth"); // "followDepth"
 * ```
 */
export function fileKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * `args` with each valued flag joined to its value (`--owner X` becomes
 * `--owner=X`). Keys and ledger ids are base64url and may start with "-",
 * which parseArgs would otherwise take for another flag.
 *
 * @example
 * ```ts
 * glueFlagValues(["--owner", "-abc"]); // ["--owner=-abc"]
 * ```
 */
export function glueFlagValues(args: string[]): string[] {
  const glued: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = /^--([a-z-]+)$/.exec(args[i])?.[1];
    const valued = flag !== undefined &&
      (FLAGS as Record<string, { type: string }>)[flag]?.type === "string";
    if (valued && i + 1 < args.length) glued.push(`${args[i]}=${args[++i]}`);
    else glued.push(args[i]);
  }
  return glued;
}

/** Whether the arguments ask for help rather than a start. */
export function wantsHelp(args: string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}
