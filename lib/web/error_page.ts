/**
 * Turns a thrown error into an answer: the nearest `_404`/`_error` page
 * inside the route's layouts, the page alone if the layouts fail too, a
 * built-in page as the last resort, or JSON for API clients.
 *
 * @module
 */
import type { Context } from "hono";
import { prefersJson } from "./_internal.ts";
import { type AppRuntime, createContext, wrappersFor } from "./context.ts";
import type { FileRoute } from "./fs_routes.ts";
import { type HttpError, toHttpError } from "./http_error.ts";
import { renderPage } from "./render.ts";

/** Answers with the error page or JSON for `thrown`; 5xx go to `onError`. */
export async function errorResponse(
  c: Context,
  parts: AppRuntime,
  route: FileRoute | undefined,
  thrown: unknown,
): Promise<Response> {
  const error = toHttpError(thrown);
  if (error.status >= 500) {
    (parts.onError ?? ((caught) => console.error(caught)))(thrown, c.req.raw);
  }
  const headers: Record<string, string> = { ...error.headers };
  const allow = (error.cause as { allow?: string } | undefined)?.allow;
  if (error.status === 405 && allow) headers.Allow = allow;
  if (prefersJson(c.req.raw, c.req.path)) {
    return c.json(
      { error: error.message, reason: error.reason },
      error.status as 500,
      headers,
    );
  }
  const table = parts.routes;
  const page = error.status === 404
    ? route?.notFoundPage ?? table.rootNotFoundPage ?? route?.errorPage ??
      table.rootErrorPage
    : route?.errorPage ?? table.rootErrorPage;
  const ctx = createContext(c, route, parts.state(), parts);
  if (page?.default) {
    for (const wrappers of [wrappersFor(table, route, page), []]) {
      try {
        const html = await renderPage({
          page: page.default,
          wrappers,
          props: {
            data: undefined,
            url: ctx.url,
            params: ctx.params,
            state: ctx.state,
            route: ctx.route,
            error,
          },
          registry: parts.islands,
          build: parts.build,
          nonce: ctx.nonce,
          assetUrl: parts.assetUrl,
        });
        return c.html(html, error.status as 500, headers);
      } catch (renderError) {
        (parts.onError ?? ((caught) => console.error(caught)))(
          renderError,
          c.req.raw,
        );
      }
    }
  }
  return plainErrorResponse(c.req.raw, error);
}

/**
 * The answer for `error` without rendering any page: JSON for API clients,
 * otherwise a minimal HTML page. Cheap enough to give a flood.
 *
 * @example
 * ```ts
 * return plainErrorResponse(req, new HttpError(429, "Slow down"));
 * ```
 */
export function plainErrorResponse(req: Request, error: HttpError): Response {
  const headers = new Headers(error.headers);
  const allow = (error.cause as { allow?: string } | undefined)?.allow;
  if (error.status === 405 && allow) headers.set("Allow", allow);
  if (prefersJson(req, new URL(req.url).pathname)) {
    return Response.json({ error: error.message, reason: error.reason }, {
      status: error.status,
      headers,
    });
  }
  const text = error.message.replace(
    /[&<>"]/g,
    (char) => `&#${char.charCodeAt(0)};`,
  );
  headers.set("Content-Type", "text/html; charset=utf-8");
  // Set for answers made outside the app too (429s): this page runs nothing.
  if (!headers.has("Content-Security-Policy")) {
    headers.set(
      "Content-Security-Policy",
      "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  }
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${error.status}</title></head><body><h1>${error.status}</h1><p>${text}</p></body></html>`,
    { status: error.status, headers },
  );
}
