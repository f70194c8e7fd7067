/**
 * Instance configuration: flags, environment and the config file
 * (`kith.json`), validated at start.
 *
 * @example
 * ```ts
 * import { prepareDataDir, readConfig } from "./lib/config/mod.ts";
 * const config = await readConfig(Deno.args, Deno.env.toObject());
 * await prepareDataDir(config.dataDir);
 * ```
 *
 * @module
 */
export {
  type Config,
  ConfigError,
  type ConfigFile,
  DEFAULT_RATE_LIMITS,
  parseConfig,
  type ParseConfigOptions,
  prepareDataDir,
  type RateLimits,
} from "./config.ts";
export { USAGE, wantsHelp } from "./flags.ts";
export {
  DEFAULT_CONFIG_FILE,
  loadConfigFile,
  type LoadConfigFileOptions,
  parseConfigFile,
  readConfig,
  type ReadConfigOptions,
} from "./config_file.ts";
