/**
 * Development live reload: each page carries a small script listening to
 * Server-Sent Events; a restarted server (deno task dev restarts on every
 * change) sends a new token and the page reloads.
 *
 * @module
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

/** Where pages listen. */
export const LIVE_RELOAD_PATH = "/_kith/dev/reload";

/** The SSE stream: the token now, again every 15 s until the page goes. */
export function liveReload(c: Context, token: string): Response {
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => void (open = false));
    while (open) {
      await stream.writeSSE({ data: token });
      await stream.sleep(15_000);
    }
  });
}

/** The nonce'd script that reloads the page when the token changes. */
export function liveReloadScript(nonce: string, token: string): string {
  return `<script type="module" nonce="${nonce}">const s=new EventSource(${
    JSON.stringify(LIVE_RELOAD_PATH)
  });` +
    `s.onmessage=(e)=>{if(e.data!==${
      JSON.stringify(token)
    })location.reload()};</script>`;
}
