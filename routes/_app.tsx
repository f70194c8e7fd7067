import { asset, type LayoutProps } from "../lib/web/mod.ts";
import type { AppState } from "../lib/instance/mod.ts";

export default function App(
  { Component, state, url }: LayoutProps<unknown, AppState>,
) {
  const { name, version, description } = state.instance;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{name}</title>
        {description && <meta name="description" content={description} />}
        <link rel="icon" type="image/svg+xml" href={asset("/favicon.svg")} />
        <link rel="stylesheet" href={asset("/styles.css")} />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <a class="brand" href="/">{name}</a>
          {url.pathname === "/" && description && (
            <p class="site-description">{description}</p>
          )}
          <nav aria-label="Main">
            <a href="/">Home</a>
            <a href="/local">Local</a>
            <a href="/federated">Federated</a>
            <a href="/search">Search</a>
            <a href="/notifications">
              Notifications
              {state.unread && (
                <span class="badge" aria-label={`${state.unread} unread`}>
                  {state.unread}
                </span>
              )}
            </a>
            <a href="/messages">Messages</a>
            <a href="/peers">Peers</a>
            <a href="/ledgers">Ledgers</a>
            <a href="/identity">You</a>
          </nav>
        </header>
        <main id="main" class="site-main">
          <Component />
        </main>
        <footer class="site-footer">
          <p>
            Kith {version} · <a href="/healthz">Instance status</a>
          </p>
        </footer>
      </body>
    </html>
  );
}
