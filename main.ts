/**
 * Starts a Kith instance: `deno task start` (or `deno task dev`).
 * Configuration comes from flags and environment; see README.md.
 *
 * @module
 */
import {
  ConfigError,
  parseConfig,
  USAGE,
  wantsHelp,
} from "./lib/config/mod.ts";
import { startInstance } from "./lib/instance/mod.ts";

if (import.meta.main) {
  if (wantsHelp(Deno.args)) {
    console.log(USAGE);
    Deno.exit(0);
  }
  try {
    const config = parseConfig(Deno.args, Deno.env.toObject());
    const instance = await startInstance(config);
    const where = config.dataDir === ":memory:"
      ? "in memory (nothing is kept)"
      : `in ${config.dataDir}`;
    console.log(
      `Kith "${config.name}" ${instance.info.version} is running at ${instance.url} (data ${where})`,
    );
    // Once per start: the operator needs it to open /admin.
    console.log(
      instance.info.admin.configured
        ? "Admin token: the one set by --admin-token or KITH_ADMIN_TOKEN"
        : `Admin token: ${instance.info.admin.token}`,
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
