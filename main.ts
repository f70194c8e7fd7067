/**
 * Starts a Kith instance: `deno task start` (or `deno task dev`).
 * Configuration comes from flags, environment and the config file
 * (`--config`, `KITH_CONFIG` or `./kith.json`), in that order; see README.md.
 *
 * @module
 */
import { ConfigError, readConfig, USAGE, wantsHelp } from "./lib/config/mod.ts";
import { startInstance } from "./lib/instance/mod.ts";

if (import.meta.main) {
  if (wantsHelp(Deno.args)) {
    console.log(USAGE);
    Deno.exit(0);
  }
  try {
    const config = await readConfig(Deno.args, Deno.env.toObject());
    const instance = await startInstance(config);
    const where = config.dataDir === ":memory:"
      ? "in memory (nothing is kept)"
      : `in ${config.dataDir}`;
    console.log(
      `Kith "${config.name}" ${instance.info.version} is running at ${instance.url} (data ${where})`,
    );
    // The claim token is printed here and nowhere else: it is in a URL
    // fragment, so browsers never send it in a request line.
    const { admin } = instance.info;
    console.log(
      admin.claimToken
        ? `Claim this instance: ${instance.info.origin}/admin/claim#${admin.claimToken}`
        : `Owner: ${admin.owner}${
          admin.configured
            ? " (set by --owner, KITH_OWNER or the config file)"
            : ""
        }`,
    );
    if (config.dev) {
      console.log("Development mode: pages reload when files change.");
    }
    const stop = async (signal: string) => {
      console.log(
        `Received ${signal}: finishing requests in flight, then closing the database.`,
      );
      await instance.close();
      console.log("Stopped.");
      Deno.exit(0);
    };
    Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
    Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  }
}
