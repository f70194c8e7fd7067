/**
 * Posting a signed claim or login from the admin islands. Browser-safe.
 *
 * @module
 */

/**
 * Posts `body` as JSON to `path`; resolves to null on success, else to the
 * message to show (the server's, or why the request failed).
 *
 * @example
 * ```ts
 * const failure = await postSigned("/admin/login", { nonce, author, signature, origin });
 * ```
 */
export async function postSigned(
  path: string,
  body: Record<string, string>,
): Promise<string | null> {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (response.ok) return null;
    const answer = await response.json().catch(() => ({}));
    return typeof answer.error === "string"
      ? answer.error
      : `The instance answered ${response.status}`;
  } catch {
    return "Cannot reach the instance; check the connection and try again";
  }
}
