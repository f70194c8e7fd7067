/**
 * Starting and stopping a Kith instance.
 *
 * @example
 * ```ts
 * import { startInstance } from "./lib/instance/mod.ts";
 * const instance = await startInstance(config);
 * ```
 *
 * @module
 */
export {
  type AppState,
  type Instance,
  type InstanceInfo,
  startInstance,
  VERSION,
} from "./instance.ts";
