/**
 * Reading the JSON body of a claim or a login, and answering it: the
 * owner's session cookie on success, the error as JSON otherwise.
 *
 * @module
 */
import { HttpError } from "../web/http_error.ts";
import { secureOrigin, sessionCookie } from "./admin_guard.ts";
import type { AdminAuth } from "./admin.ts";

/**
 * The string fields `names` of the JSON body of `req`, and the origin the
 * browser signed for, which must be one of `origins`.
 *
 * @throws {HttpError} 400 `bad_request` (not JSON, a field missing or not
 * a string), 403 `bad_origin`.
 * @example
 * ```ts
 * const fields = await readSignedForm(req, { names: ["nonce"], origins });
 * ```
 */
export async function readSignedForm<Name extends string>(
  req: Request,
  options: { names: Name[]; origins: string[] },
): Promise<Record<Name | "author" | "signature" | "origin", string>> {
  const body = await req.json().catch((error) => {
    if (error instanceof HttpError) throw error;
    return null;
  });
  const names = [...options.names, "author", "signature", "origin"];
  if (
    typeof body !== "object" || body === null ||
    names.some((name) => typeof body[name] !== "string")
  ) {
    throw new HttpError(
      400,
      `Send JSON with the strings ${names.join(", ")}`,
      { reason: "bad_request" },
    );
  }
  if (!options.origins.includes(body.origin)) {
    throw new HttpError(
      403,
      "The signature names another origin than this instance's",
      { reason: "bad_origin" },
    );
  }
  return body;
}

/**
 * Runs `check` (a claim or a login); on success answers 200 with the
 * owner's new session cookie, else the error as JSON.
 *
 * @example
 * ```ts
 * return await answerWithSession(ctx.req, { admin, origin, check: () => admin.login(fields) });
 * ```
 */
export async function answerWithSession(
  url: URL,
  options: { admin: AdminAuth; origin: string; check: () => Promise<void> },
): Promise<Response> {
  try {
    await options.check();
  } catch (error) {
    if (!(error instanceof HttpError) || error.status >= 500) throw error;
    return Response.json({ error: error.message, reason: error.reason }, {
      status: error.status,
    });
  }
  return Response.json({ location: "/admin" }, {
    headers: {
      "Set-Cookie": sessionCookie(
        await options.admin.session(),
        secureOrigin(url, options.origin),
      ),
    },
  });
}
