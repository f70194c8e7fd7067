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

/** Starts a proxy on a free loopback port. */
export function startTcpProxy(targetPort: number): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let cut = false;
  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    try {
      await from.readable.pipeTo(to.writable);
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
      pipe(target, client);
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
