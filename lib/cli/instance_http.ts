/**
 * Talking to the author's instance over HTTP: every failure (nothing
 * listening, a bad address, an answer that is not Kith's JSON) becomes one
 * plain message naming the instance.
 *
 * @module
 */

/**
 * Fetches `path` from the instance at `server`.
 *
 * @throws {Error} `Cannot reach the instance at <server>: <why>` when no
 * answer comes (refused, bad URL, unsupported scheme).
 *
 * @example
 * ```ts
 * const response = await fetchInstance("http://localhost:8000", "/api/authors/" + author);
 * ```
 */
export async function fetchInstance(
  server: string,
  path: string,
  init?: RequestInit,
): Promise<Response> {
  try {
    return await fetch(`${server}${path}`, init);
  } catch (error) {
    throw new Error(
      `Cannot reach the instance at ${server}: ${(error as Error).message}`,
    );
  }
}

/**
 * Reads a JSON answer of the instance at `server`.
 *
 * @throws {Error} `Cannot read the answer of <server> (<status>): it is not
 * JSON; is this a Kith instance?` for any other body.
 *
 * @example
 * ```ts
 * const body = await readJson(response, server);
 * ```
 */
export async function readJson(
  response: Response,
  server: string,
): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body !== null && typeof body === "object") return body;
  } catch {
    // Answered below, with the status.
  }
  throw new Error(
    `Cannot read the answer of ${server} (${response.status}): it is not JSON; is this a Kith instance?`,
  );
}
