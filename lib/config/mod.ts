/**
 * Instance configuration: flags and environment, validated at start.
 *
 * @example
 * ```ts
 * import { parseConfig, prepareDataDir } from "./lib/config/mod.ts";
 * const config = parseConfig(Deno.args, Deno.env.toObject());
 * await prepareDataDir(config.dataDir);
 * ```
 *
 * @module
 */
export {
  type Config,
  ConfigError,
  DEFAULT_RATE_LIMITS,
  parseConfig,
  prepareDataDir,
  type RateLimits,
  USAGE,
  wantsHelp,
} from "./config.ts";
