/**
 * Signed admin API calls of any method, as `kith admin` makes them, for
 * the admin pages' suites.
 *
 * @module
 */
import { signRequestHeaders } from "../lib/app/admin_messages.ts";
import { sign } from "../lib/crypto/mod.ts";
import type { Instance } from "../lib/instance/mod.ts";
import type { KeyHolder } from "./owner_helpers.ts";

/**
 * Sends `method` to `path` signed by `who` (a GET carries no body); returns
 * the status and the JSON answer.
 */
export async function signedCall(
  instance: Instance,
  requestPath: string,
  options: { who: KeyHolder; method?: string; body?: unknown },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const method = options.method ??
    (options.body === undefined ? "GET" : "POST");
  let path = requestPath;
  if (method === "GET") {
    // Two reads in one second would sign alike and the second be refused
    // as a replay.
    path += `?n=${crypto.randomUUID()}`;
  }
  const body = method === "GET"
    ? new Uint8Array(0)
    : new TextEncoder().encode(JSON.stringify(options.body));
  const headers = signRequestHeaders({ method, path, body }, {
    author: options.who.key,
    sign: (bytes) => sign(options.who.secretKey, bytes),
  });
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: method === "GET"
      ? headers
      : { ...headers, "Content-Type": "application/json" },
    body: method === "GET" ? undefined : body,
  });
  return { status: response.status, body: await response.json() };
}

/** Posts a form as a browser on the instance's own admin page would. */
export function postAdminForm(
  instance: Instance,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${instance.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: instance.url, ...headers },
    body: new URLSearchParams(fields),
  });
}
