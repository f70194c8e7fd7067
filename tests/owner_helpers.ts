/**
 * Claiming an instance and signing in as its owner over HTTP, as the claim
 * and login islands do in a browser, and signed admin API calls as the
 * CLI makes them.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  claimMessage,
  loginMessage,
  signRequestHeaders,
  tokenHash,
} from "../lib/app/admin_messages.ts";
import { sign } from "../lib/crypto/mod.ts";
import type { Instance } from "../lib/instance/mod.ts";
import { encodeBase64Url } from "../lib/protocol/mod.ts";

/** Someone with a key pair (e.g. from `testAuthor()`). */
export interface KeyHolder {
  key: string;
  secretKey: Uint8Array;
}

/** Posts JSON to `path` as this instance's own page would. */
export function postJson(
  instance: Instance,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${instance.url}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "Sec-Fetch-Site": "same-origin",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** The body a claim island posts for `who` with `token`. */
export function claimBody(instance: Instance, who: KeyHolder, token: string) {
  const origin = instance.url;
  const message = claimMessage(origin, {
    tokenHash: tokenHash(token),
    author: who.key,
  });
  return {
    token,
    author: who.key,
    origin,
    signature: encodeBase64Url(sign(who.secretKey, message)),
  };
}

/**
 * Claims `instance` for `who` with the token it printed; returns the
 * session cookie (`kith_admin=…`).
 */
export async function claimInstance(
  instance: Instance,
  who: KeyHolder,
): Promise<string> {
  const token = instance.info.admin.claimToken;
  assert.ok(token, "the instance is unclaimed");
  const response = await postJson(
    instance,
    "/admin/claim",
    claimBody(instance, who, token),
  );
  assert.equal(response.status, 200, await response.clone().text());
  await response.body?.cancel();
  return (response.headers.get("Set-Cookie") ?? "").split(";")[0];
}

/** The nonce the login page gives its island. */
export async function loginNonce(instance: Instance): Promise<string> {
  const html = await (await fetch(`${instance.url}/admin/login`)).text();
  // The islands' props are a JSON payload; the nonce is its only key-sized
  // string.
  const payload =
    /<script type="application\/json" id="__kith_islands">(.*?)<\/script>/s
      .exec(html)?.[1];
  const nonce = (JSON.parse(payload ?? "[]") as unknown[]).find((item) =>
    typeof item === "string" && /^[A-Za-z0-9_-]{43}$/.test(item)
  ) as string | undefined;
  assert.ok(nonce, "the login page carries a nonce");
  return nonce;
}

/** Signs the login nonce as `who`; returns the answer. */
export async function logIn(
  instance: Instance,
  who: KeyHolder,
  nonce?: string,
): Promise<Response> {
  const origin = instance.url;
  const fresh = nonce ?? await loginNonce(instance);
  const signature = encodeBase64Url(
    sign(
      who.secretKey,
      loginMessage(origin, { nonce: fresh, author: who.key }),
    ),
  );
  return await postJson(instance, "/admin/login", {
    nonce: fresh,
    author: who.key,
    origin,
    signature,
  });
}

/** Sends an admin API request signed by `who`. */
export function signedFetch(
  instance: Instance,
  path: string,
  options: { who: KeyHolder; body: unknown; now?: number },
): Promise<Response> {
  const body = new TextEncoder().encode(JSON.stringify(options.body));
  const headers = signRequestHeaders({ method: "POST", path, body }, {
    author: options.who.key,
    sign: (bytes) => sign(options.who.secretKey, bytes),
    now: options.now,
  });
  return fetch(`${instance.url}${path}`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body,
  });
}
