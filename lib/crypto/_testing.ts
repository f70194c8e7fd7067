/**
 * Test helper shared by the verifier suites: runs both verifiers and
 * requires that they agree before the caller checks the verdict.
 *
 * @module
 */
import assert from "node:assert/strict";
import { verifyEd25519Sync } from "./verify_browser.ts";
import { verifyEd25519 } from "./verify_server.ts";

/** Runs the server and browser verifiers; fails unless they agree; returns the verdict. */
export async function verifyBoth(
  key: Uint8Array,
  msg: Uint8Array,
  sig: Uint8Array,
  label: string,
) {
  const server = await verifyEd25519(key, msg, sig);
  const browser = verifyEd25519Sync(key, msg, sig);
  assert.equal(
    server,
    browser,
    `${label}: server ${server}, browser ${browser}`,
  );
  return server;
}
