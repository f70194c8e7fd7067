/**
 * `deno task kith`: the command line of a Kith instance. See lib/cli/.
 *
 * @module
 */
import { runCli } from "./lib/cli/mod.ts";

if (import.meta.main) Deno.exit(await runCli(Deno.args));
