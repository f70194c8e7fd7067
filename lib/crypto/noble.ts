/**
 * The one place that wires @noble/ed25519's synchronous API. Version 3 ships
 * without a synchronous SHA-512 (it only has the async WebCrypto one), so
 * `sign`, `getPublicKey` and `hash` throw "hashes.sha512 not set" until a
 * hash is installed. Importing this module installs @noble/hashes' SHA-512.
 * Browser-safe: no Deno APIs.
 *
 * @module
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

ed.hashes.sha512 = sha512;

/** @noble/ed25519 with its synchronous SHA-512 installed. */
export { ed };
