/**
 * The JSON config file (`kith.json`): found through `--config`,
 * `KITH_CONFIG` or the working directory, read, and checked key by key
 * before {@linkcode parseConfig} checks the values themselves.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  type Config,
  ConfigError,
  type ConfigFile,
  parseConfig,
} from "./config.ts";
import { fileKey, FLAGS, glueFlagValues } from "./flags.ts";

/** The file read when neither `--config` nor `KITH_CONFIG` names one. */
export const DEFAULT_CONFIG_FILE = "kith.json";

/** Keys that also take an array of strings (joined as a comma list). */
const LIST_KEYS = new Set(["peers", "ledgers", "genesis"]);

/** Flags with no config file key: where the file is, and help. */
const NOT_IN_FILE = new Set(["config", "help"]);

/** A config file key: its flag, and what JSON types it takes. */
interface FileKey {
  flag: string;
  isSwitch: boolean;
  isList: boolean;
}

/** Every config file key, derived from the flags so none is forgotten. */
function fileKeys(): Map<string, FileKey> {
  const keys = new Map<string, FileKey>();
  for (const [flag, option] of Object.entries(FLAGS)) {
    if (NOT_IN_FILE.has(flag)) continue;
    const key = fileKey(flag);
    keys.set(key, {
      flag,
      isSwitch: option.type === "boolean",
      isList: LIST_KEYS.has(key),
    });
  }
  return keys;
}

/**
 * Checks the text of a config file: a JSON object whose keys are the long
 * flag names in camelCase. Values must have the right JSON type (a switch
 * takes true or false; other keys a string or a number, and `peers`,
 * `ledgers` and `genesis` also an array of strings); the values themselves
 * are checked by {@linkcode parseConfig}, with the same rules as flags.
 *
 * @throws {ConfigError} For invalid JSON (with line and column), anything
 * but an object, an unknown key or a value of the wrong type, e.g.
 * `Cannot start: kith.json key "prot" is not a setting; use one of port, …`.
 *
 * @example
 * ```ts
 * const file = parseConfigFile('{"port": 8080}', "kith.json");
 * const config = parseConfig([], {}, { file });
 * ```
 */
export function parseConfigFile(text: string, path: string): ConfigFile {
  let data: unknown;
  try {
    // Editors on Windows may start the file with a byte order mark.
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const reason = (error as Error).message
      .replace(/ in JSON at position \d+ \((line \d+ column \d+)\)/, " at $1")
      .replace(/\s+/g, " ");
    throw new ConfigError(
      `Cannot start: ${path} is not valid JSON (${reason})`,
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(
      `Cannot start: ${path} must hold a JSON object of settings, like {"port": 8000}, not ${
        describe(data)
      }`,
    );
  }
  const keys = fileKeys();
  const values = new Map<string, string | boolean>();
  for (const [key, value] of Object.entries(data)) {
    const known = keys.get(key);
    if (known === undefined) {
      throw new ConfigError(
        `Cannot start: ${path} key ${
          JSON.stringify(key)
        } is not a setting; use one of ${[...keys.keys()].join(", ")}`,
      );
    }
    values.set(known.flag, fileValue(value, known, `${path} key "${key}"`));
  }
  return { path, values };
}

function fileValue(
  value: unknown,
  { isSwitch, isList }: FileKey,
  source: string,
): string | boolean {
  if (isSwitch) {
    if (typeof value === "boolean") return value;
    throw new ConfigError(
      `Cannot start: ${source} must be true or false, not ${describe(value)}`,
    );
  }
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (isList && Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== "string") {
        throw new ConfigError(
          `Cannot start: ${source} must list strings, not ${describe(item)}`,
        );
      }
    }
    return value.join(",");
  }
  throw new ConfigError(
    `Cannot start: ${source} must be a string${
      isList ? ", an array of strings" : ""
    } or a number, not ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "boolean") return String(value);
  return typeof value === "string" ? "a string" : "a number";
}

/** Options of {@linkcode loadConfigFile}. */
export interface LoadConfigFileOptions {
  /**
   * A missing file, or one the process has no permission to read, is no
   * error, just no settings (the default file).
   */
  optional?: boolean;
}

/**
 * Reads and checks a config file (see {@linkcode parseConfigFile}).
 *
 * @returns The file's settings, or undefined when `optional` and missing.
 * @throws {ConfigError} When the file cannot be read, e.g.
 * `Cannot start: config file "kith.json" cannot be read (Is a directory); …`,
 * or does not check.
 *
 * @example
 * ```ts
 * const file = await loadConfigFile("/etc/kith/kith.json");
 * ```
 */
export async function loadConfigFile(
  path: string,
  options: LoadConfigFileOptions = {},
): Promise<ConfigFile | undefined> {
  if (
    options.optional &&
    (await Deno.permissions.query({ name: "read", path })).state !== "granted"
  ) {
    // A start allowed to read only its data folder must not stop, or prompt,
    // for a file nobody asked for.
    return undefined;
  }
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (options.optional && error instanceof Deno.errors.NotFound) {
      return undefined;
    }
    const reason = (error as Error).message.replace(/ \(os error.*$/s, "")
      .replace(/:.*$/s, "");
    const hint = options.optional
      ? "make it readable, or name another file with --config or KITH_CONFIG"
      : "check --config or KITH_CONFIG";
    throw new ConfigError(
      `Cannot start: config file "${path}" cannot be read (${reason}); ${hint}`,
    );
  }
  return parseConfigFile(text, path);
}

/** Options of {@linkcode readConfig}. */
export interface ReadConfigOptions {
  /** Folder holding the default `kith.json` (default: the working directory). */
  cwd?: string;
}

/**
 * Reads the whole configuration as `deno task start` does: flags from
 * `args`, variables from `env`, and the config file named by `--config` or
 * `KITH_CONFIG`, or else `kith.json` in the working directory when it
 * exists. Flags win over the environment, the environment over the file.
 *
 * @throws {ConfigError} For anything {@linkcode parseConfig} or
 * {@linkcode loadConfigFile} refuses.
 *
 * @example
 * ```ts
 * const config = await readConfig(Deno.args, Deno.env.toObject());
 * ```
 */
export async function readConfig(
  args: string[],
  env: Record<string, string | undefined>,
  options: ReadConfigOptions = {},
): Promise<Config> {
  let fromFlag: string | undefined;
  try {
    fromFlag = parseArgs({
      args: glueFlagValues(args),
      strict: true,
      allowPositionals: false,
      options: FLAGS,
    }).values.config;
  } catch {
    // parseConfig says what is wrong with the flags.
    return parseConfig(args, env);
  }
  const [named, source] = fromFlag !== undefined
    ? [fromFlag, "--config"]
    : [env.KITH_CONFIG, "KITH_CONFIG"];
  if (named !== undefined && named.trim() === "") {
    throw new ConfigError(
      `Cannot start: ${source} is empty; give the path of a JSON config file, or leave it unset to read ./${DEFAULT_CONFIG_FILE} when it exists`,
    );
  }
  const file = named === undefined
    ? await loadConfigFile(
      options.cwd === undefined
        ? DEFAULT_CONFIG_FILE
        : join(options.cwd, DEFAULT_CONFIG_FILE),
      { optional: true },
    )
    : await loadConfigFile(named);
  return parseConfig(args, env, { file });
}
