/**
 * Structured logs: one JSON object per line on stderr, with `time`,
 * `level`, `msg` and any fields. Quiet by default (warnings and errors
 * only), so a healthy instance writes nothing; `--log-level` opens it up.
 * Modules log through the shared {@linkcode log}; an instance sets its
 * level at start.
 *
 * @module
 */

/** Log levels, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Extra fields of a log line. */
export type LogFields = Record<string, unknown>;

/** Options of {@linkcode Logger}. */
export interface LoggerOptions {
  /** Least severe level written (default "warn"). */
  level?: LogLevel;
  /** Where each line goes, without its line feed (default: stderr). */
  write?: (line: string) => void;
  /** Clock (ms since the epoch). */
  now?: () => number;
}

const encoder = new TextEncoder();

function stderr(line: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(line + "\n"));
  } catch {
    // A closed stderr must not take the instance down.
  }
}

/**
 * Writes JSON log lines at or above its level.
 *
 * @example
 * ```ts
 * const logger = new Logger({ level: "info" });
 * logger.info("Instance started", { url: "http://127.0.0.1:8000" });
 * // {"time":"2026-…","level":"info","msg":"Instance started","url":"http://…"}
 * ```
 */
export class Logger {
  #level: LogLevel;
  readonly #write: (line: string) => void;
  readonly #now: () => number;

  /** A logger; see {@linkcode LoggerOptions} for the defaults. */
  constructor(options: LoggerOptions = {}) {
    this.#level = options.level ?? "warn";
    this.#write = options.write ?? stderr;
    this.#now = options.now ?? Date.now;
  }

  /** The least severe level written. */
  get level(): LogLevel {
    return this.#level;
  }

  set level(level: LogLevel) {
    if (!LOG_LEVELS.includes(level)) {
      throw new RangeError(
        `Cannot set log level "${level}": use debug, info, warn or error`,
      );
    }
    this.#level = level;
  }

  /** Whether lines of `level` are written. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.#level);
  }

  /** Writes a debug line. */
  debug(msg: string, fields?: LogFields): void {
    this.#log("debug", msg, fields);
  }

  /** Writes an info line. */
  info(msg: string, fields?: LogFields): void {
    this.#log("info", msg, fields);
  }

  /** Writes a warning line. */
  warn(msg: string, fields?: LogFields): void {
    this.#log("warn", msg, fields);
  }

  /** Writes an error line; an `error` field is written with its stack. */
  error(msg: string, fields?: LogFields): void {
    this.#log("error", msg, fields);
  }

  #log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
    const line: LogFields = {
      time: new Date(this.#now()).toISOString(),
      level,
      msg,
    };
    for (const [key, value] of Object.entries(fields)) {
      // The fixed keys keep their meaning whatever a caller passes.
      if (key in line) line[`field_${key}`] = plain(value);
      else line[key] = plain(value);
    }
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({
        time: line.time,
        level,
        msg,
        fields: "(not serializable)",
      });
    }
    this.#write(text);
  }
}

/** Errors as their name, message and stack; the rest as JSON sees them. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * The process's logger: library modules log through it, and
 * `startInstance` sets its level from the configuration.
 *
 * @example
 * ```ts
 * log.error("Replication failed", { error });
 * ```
 */
export const log: Logger = new Logger();

/**
 * Parses a log level name.
 *
 * @throws {RangeError} For anything but debug, info, warn or error.
 *
 * @example
 * ```ts
 * parseLogLevel("info"); // "info"
 * ```
 */
export function parseLogLevel(value: string): LogLevel {
  if ((LOG_LEVELS as readonly string[]).includes(value)) {
    return value as LogLevel;
  }
  throw new RangeError(
    `Cannot set log level "${value}": use debug, info, warn or error`,
  );
}
