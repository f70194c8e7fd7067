import assert from "node:assert/strict";
import { Logger, parseLogLevel } from "./logger.ts";

function capture(level?: "debug" | "info" | "warn" | "error") {
  const lines: string[] = [];
  const logger = new Logger({
    level,
    write: (line) => lines.push(line),
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
  });
  return { logger, lines };
}

Deno.test("Logger writes one JSON object per line with time, level, msg and fields", () => {
  const { logger, lines } = capture("debug");
  logger.info("Instance started", { url: "http://127.0.0.1:1", peers: 2 });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes("\n"));
  assert.deepEqual(JSON.parse(lines[0]), {
    time: "2026-01-02T03:04:05.000Z",
    level: "info",
    msg: "Instance started",
    url: "http://127.0.0.1:1",
    peers: 2,
  });
});

Deno.test("Logger is quiet by default: warn and error only", () => {
  const { logger, lines } = capture();
  assert.equal(logger.level, "warn");
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  assert.deepEqual(lines.map((line) => JSON.parse(line).level), [
    "warn",
    "error",
  ]);
  logger.level = "error";
  logger.warn("w2");
  assert.equal(lines.length, 2);
  logger.level = "debug";
  logger.debug("d2");
  assert.equal(JSON.parse(lines[2]).msg, "d2");
});

Deno.test("Logger writes errors with their stack and keeps its own keys", () => {
  const { logger, lines } = capture("error");
  const error = new TypeError("Cannot read x\nsecond line");
  logger.error("Request failed", { error, level: "sneaky", n: 10n });
  const line = JSON.parse(lines[0]);
  assert.equal(line.level, "error");
  assert.equal(line.field_level, "sneaky");
  assert.equal(line.n, "10");
  assert.equal(line.error.name, "TypeError");
  assert.equal(line.error.message, "Cannot read x\nsecond line");
  assert.match(line.error.stack, /logger_test\.ts/);
});

Deno.test("Logger survives fields JSON cannot write", () => {
  const { logger, lines } = capture("warn");
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  logger.warn("odd", { loop });
  assert.deepEqual(JSON.parse(lines[0]).fields, "(not serializable)");
});

Deno.test("parseLogLevel and the level setter refuse unknown levels", () => {
  assert.equal(parseLogLevel("debug"), "debug");
  for (
    const attempt of [() => parseLogLevel("loud"), () => {
      new Logger().level = "loud" as "warn";
    }]
  ) {
    assert.throws(attempt, (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.equal(
        error.message,
        'Cannot set log level "loud": use debug, info, warn or error',
      );
      return true;
    });
  }
});
