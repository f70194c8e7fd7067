/**
 * The admin pages' posts: reading the JSON body of a claim or a login and
 * answering it (the owner's session cookie on success, the error as JSON
 * otherwise), and the form posts of the other admin pages (read the form,
 * go back with a notice, or show the refusal on the page).
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

/**
 * The form of an admin post. A body that cannot be read as a form counts as
 * an empty one (every field then fails its own check), but an over-long or
 * broken upload stays the sender's 413 or 400.
 *
 * @throws {HttpError} 413 `body_too_large`, 400 `unreadable_body`.
 * @example
 * ```ts
 * const form = await readAdminForm(ctx.req);
 * ```
 */
export async function readAdminForm(req: Request): Promise<FormData> {
  return await req.formData().catch((error) => {
    if (error instanceof HttpError) throw error;
    return new FormData();
  });
}

/**
 * The answer to a post that worked: back to `path` (303), with `notice`
 * shown there once.
 *
 * @example
 * ```ts
 * return seeOtherWithNotice("/admin/peers", "Added https://a.example.");
 * ```
 */
export function seeOtherWithNotice(path: string, notice: string): Response {
  return new Response(null, {
    status: 303,
    headers: { Location: `${path}?${new URLSearchParams({ notice })}` },
  });
}

/**
 * What a refused admin post shows on its page: the message and reason of a
 * 4xx {@linkcode HttpError}. Anything else is rethrown, to become a 5xx.
 *
 * @throws Whatever `error` is, when it is not a 4xx `HttpError`.
 * @example
 * ```ts
 * const refused = formError(caught);
 * return ctx.render({ error: refused }, { status: refused.status });
 * ```
 */
export function formError(
  error: unknown,
): { message: string; reason: string; status: number } {
  if (!(error instanceof HttpError) || error.status >= 500) throw error;
  return { message: error.message, reason: error.reason, status: error.status };
}
