/**
 * A loopback TCP proxy that can cut and heal a link between two instances
 * while both keep running: the network partition of the replication tests.
 *
 * @module
 */

/** A running proxy to `127.0.0.1:targetPort`. */
export interface TcpProxy {
  port: number;
  /** Drops every proxied connection and refuses new ones. */
  cut(): void;
  /** Accepts connections again. */
  heal(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free loopback port. With `bytesPerSecond`, what the
 * target sends back is paced to that rate across all its connections, like
 * a peer behind a home uplink.
 */
export function startTcpProxy(
  targetPort: number,
  options: { bytesPerSecond?: number } = {},
): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const uplink = { due: performance.now() };
  let cut = false;
  const pipe = async (from: Deno.Conn, to: Deno.Conn, paced = false) => {
    try {
      const source = paced && options.bytesPerSecond
        ? from.readable.pipeThrough(pace(options.bytesPerSecond, uplink))
        : from.readable;
      await source.pipeTo(to.writable);
    } catch {
      // The other side went away or the link was cut.
    } finally {
      close(from);
      close(to);
    }
  };
  const close = (conn: Deno.Conn) => {
    open.delete(conn);
    try {
      conn.close();
    } catch {
      // Closed already.
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      if (cut) {
        client.close();
        continue;
      }
      let target: Deno.Conn;
      try {
        target = await Deno.connect({
          hostname: "127.0.0.1",
          port: targetPort,
        });
      } catch {
        client.close();
        continue;
      }
      open.add(client);
      open.add(target);
      pipe(client, target);
      pipe(target, client, true);
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    cut() {
      cut = true;
      for (const conn of [...open]) close(conn);
    },
    heal() {
      cut = false;
    },
    async close() {
      this.cut();
      listener.close();
      await accepting.catch(() => {});
    },
  };
}

/**
 * Delays chunks so that no more than `rate` bytes per second pass through
 * all the streams sharing `uplink`.
 */
function pace(
  rate: number,
  uplink: { due: number },
): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    async transform(chunk, controller) {
      const now = performance.now();
      uplink.due = Math.max(uplink.due, now) +
        (chunk.byteLength / rate) * 1000;
      const wait = uplink.due - now;
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      controller.enqueue(chunk);
    },
  });
}
