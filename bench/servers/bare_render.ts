/**
 * Second baseline for the framework-overhead benchmark: a bare Deno.serve
 * that renders the home page's own components (`_app` around `index`)
 * (with the empty timeline a new instance shows) with
 * preact-render-to-string on every request, with none of lib/web
 * (no routing, middleware, islands payload, CSP nonce or secure headers).
 * Arguments: port, origin shown on the page.
 *
 * @module
 */
import { type ComponentType, h } from "preact";
import { renderToString } from "preact-render-to-string";
import App from "../../routes/_app.tsx";
import Home from "../../routes/index.tsx";
import { VERSION } from "../../lib/instance/mod.ts";

const [port, origin] = Deno.args;
const state = {
  instance: {
    name: "Kith",
    origin,
    version: VERSION,
    startedAt: 0,
    createdAt: 0,
  },
};
// The routes' components expect AppState; this baseline passes a stand-in.
const app = App as unknown as ComponentType<Record<string, unknown>>;
const home = Home as unknown as ComponentType<Record<string, unknown>>;
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen() {} },
  (req) => {
    const props = {
      data: [],
      url: new URL(req.url),
      params: {},
      state,
      route: "/",
    };
    const html = renderToString(
      h(app, { ...props, Component: () => h(home, props) }),
    );
    return new Response(`<!DOCTYPE html>${html}`, {
      headers: { "Content-Type": "text/html; charset=utf-8" },
    });
  },
);
